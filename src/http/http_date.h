// HTTP dates (RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT").
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace buildhub::http {

std::string FormatHttpDate(std::time_t t);
// Accepts IMF-fixdate, and the obsolete RFC 850 and asctime forms that
// RFC 7231 says recipients must accept. nullopt for anything else.
std::optional<std::time_t> ParseHttpDate(std::string_view text);

}  // namespace buildhub::http
