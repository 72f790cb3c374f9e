// What Python made of JSON values in the original Django view, where its
// messages show them: repr() in elasticsearch-dsl's "Instead it got (...)",
// str() in "Search size too large (...)", and int() applied to `size`.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.h"
#include "core/status.h"

namespace buildhub::search {

// repr() of the value json.loads would give: {'a': [1, 2.5, True, None]}.
std::string PythonRepr(const json::Value& value);

// str() of that value ("1001" for "1001" and 1001, "1001.0" for 1001.0).
std::string PythonStr(const json::Value& value);

// int() of that value. `*overflow` is set when the (valid) integer does not
// fit in int64; *value is then INT64_MAX or INT64_MIN. Errors carry Python's
// message, e.g. "invalid literal for int() with base 10: 'abc'".
Status PythonInt(const json::Value& value, int64_t* out, bool* overflow);

}  // namespace buildhub::search
