// Request-target parsing: splitting path and query, percent-decoding, and
// query-string parameters. Hostile input (bad escapes, NUL bytes, non-UTF-8)
// is reported, never passed on silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace buildhub::http {

// Splits an origin-form ("/p?q") or absolute-form ("http://host/p?q") request
// target into its raw path and raw query (without '?'; a '#' fragment is
// dropped). Anything else ("*", "p", "") is InvalidArgument.
Status SplitTarget(std::string_view target, std::string_view* raw_path, std::string_view* query);

// Percent-decodes a path ('+' stays '+'). Bad escapes ("%zz", "%4") and
// encoded NUL bytes are InvalidArgument naming the escape. The result may not
// be UTF-8; callers that care check it.
Result<std::string> DecodePath(std::string_view raw);

struct QueryParam {
  std::string name;
  std::string value;
};

// Parses "a=1&b=x+y&c" (form encoding: '+' is a space; "c" has an empty
// value). Names and values must decode to UTF-8 without NUL bytes; errors name
// the parameter.
Result<std::vector<QueryParam>> ParseQuery(std::string_view query);

// Percent-encodes bytes outside printable ASCII (and '%' itself) so that a
// client-supplied path can be written into a log line safely; cut at
// `max_bytes` with "..." appended.
std::string PathForLog(std::string_view path, size_t max_bytes = 512);

}  // namespace buildhub::http
