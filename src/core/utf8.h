// UTF-8 helpers shared by the JSON parser, the writers and the analysers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace buildhub::utf8 {

// Offset of the first byte that is not part of well-formed UTF-8 (overlongs,
// surrogates and code points above U+10FFFF are ill-formed), or npos.
size_t FirstInvalidByte(std::string_view s);

inline bool IsValid(std::string_view s) { return FirstInvalidByte(s) == std::string_view::npos; }

// `s` with each byte that is not part of well-formed UTF-8 replaced by
// U+FFFD: for text that must go out as valid UTF-8 (logs, error messages)
// whatever a caller cut or received.
std::string Repair(std::string_view s);

// Appends the UTF-8 encoding of code point `cp`.
void Append(uint32_t cp, std::string* out);

// Decodes the code point starting at s[*pos] (which must be valid UTF-8) and
// advances *pos past it.
uint32_t DecodeNext(std::string_view s, size_t* pos);

}  // namespace buildhub::utf8
