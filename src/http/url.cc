#include "http/url.h"

#include <algorithm>

#include "core/utf8.h"

namespace buildhub::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (and '+' as a space when `plus_is_space`).
Result<std::string> Decode(std::string_view raw, bool plus_is_space, std::string_view what) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      int hi = i + 1 < raw.size() ? HexValue(raw[i + 1]) : -1;
      int lo = i + 2 < raw.size() ? HexValue(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return InvalidArgument("Invalid percent-encoding in " + std::string(what) + " at byte " +
                               std::to_string(i));
      }
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') {
        return InvalidArgument("Encoded NUL byte in " + std::string(what) + " at byte " +
                               std::to_string(i));
      }
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '\0') {
      return InvalidArgument("NUL byte in " + std::string(what));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Status SplitTarget(std::string_view target, std::string_view* raw_path, std::string_view* query) {
  std::string_view rest = target;
  // Absolute form: a server must accept it (RFC 7230 §5.3.2); the authority
  // is ignored because there is only one site.
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (rest.size() >= scheme.size() && rest.substr(0, scheme.size()) == scheme) {
      rest.remove_prefix(scheme.size());
      size_t slash = rest.find_first_of("/?#");
      if (slash == std::string_view::npos) {
        rest = "/";
      } else if (rest[slash] != '/') {
        // "http://host?q": the path is "/" and the query follows.
        static constexpr std::string_view kRoot = "/";
        std::string_view tail = rest.substr(slash);
        size_t hash = tail.find('#');
        if (hash != std::string_view::npos) tail = tail.substr(0, hash);
        *raw_path = kRoot;
        *query = tail.empty() || tail[0] != '?' ? std::string_view() : tail.substr(1);
        return Status::Ok();
      } else {
        rest = rest.substr(slash);
      }
      break;
    }
  }
  if (rest.empty() || rest[0] != '/') {
    return InvalidArgument("Request target must start with '/'");
  }
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t q = rest.find('?');
  if (q == std::string_view::npos) {
    *raw_path = rest;
    *query = {};
  } else {
    *raw_path = rest.substr(0, q);
    *query = rest.substr(q + 1);
  }
  return Status::Ok();
}

Result<std::string> DecodePath(std::string_view raw) {
  return Decode(raw, /*plus_is_space=*/false, "path");
}

Result<std::vector<QueryParam>> ParseQuery(std::string_view query) {
  std::vector<QueryParam> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto name = Decode(raw_name, true, "query parameter name");
    if (!name.ok()) return name.status();
    if (!utf8::IsValid(*name)) return InvalidArgument("Query parameter name is not valid UTF-8");
    auto value = Decode(raw_value, true, "query parameter '" + *name + "'");
    if (!value.ok()) return value.status();
    if (!utf8::IsValid(*value)) {
      return InvalidArgument("Query parameter '" + *name + "' is not valid UTF-8");
    }
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

std::string PathForLog(std::string_view path, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(std::min(path.size(), max_bytes) + 8);
  for (char ch : path) {
    if (out.size() >= max_bytes) {
      out.append("...");
      break;
    }
    unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '%' || c == '"' || c == '\\') {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace buildhub::http
