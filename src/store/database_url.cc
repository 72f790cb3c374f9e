#include "store/database_url.h"

#include <algorithm>
#include <cctype>

#include "store/store.h"

namespace buildhub::store {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// Masks the value of every `password=` parameter (libpq query strings and
// keyword/value connection strings) up to the next '&' or whitespace.
std::string MaskPasswordParameters(std::string text) {
  static constexpr std::string_view kKey = "password=";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t found = std::string::npos;
    for (size_t i = pos; i + kKey.size() <= text.size(); ++i) {
      bool at_boundary = i == 0 || text[i - 1] == '?' || text[i - 1] == '&' ||
                         std::isspace(static_cast<unsigned char>(text[i - 1]));
      if (at_boundary && StartsWithNoCase(std::string_view(text).substr(i), kKey)) {
        found = i;
        break;
      }
    }
    if (found == std::string::npos) break;
    size_t value_begin = found + kKey.size();
    size_t value_end = value_begin;
    while (value_end < text.size() && text[value_end] != '&' &&
           !std::isspace(static_cast<unsigned char>(text[value_end]))) {
      ++value_end;
    }
    text.replace(value_begin, value_end - value_begin, "***");
    pos = value_begin + 3;
  }
  return text;
}

}  // namespace

std::string RedactDatabaseUrl(std::string_view database_url) {
  std::string text(database_url);
  size_t scheme_end = text.find("://");
  if (scheme_end != std::string::npos) {
    size_t authority_begin = scheme_end + 3;
    // The password may itself contain '/', '@' or ':' when users do not
    // percent-encode it, so the user information ends at the last '@'
    // before the query string.
    size_t query = text.find('?', authority_begin);
    std::string_view head = std::string_view(text).substr(
        0, query == std::string::npos ? text.size() : query);
    size_t at = head.rfind('@');
    if (at != std::string::npos && at >= authority_begin) {
      size_t colon = text.find(':', authority_begin);
      if (colon != std::string::npos && colon < at) {
        text.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  return MaskPasswordParameters(std::move(text));
}

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url) {
  auto error = [&](std::string_view why) {
    return InvalidArgument("invalid database URL '" + RedactDatabaseUrl(url) + "': " +
                           std::string(why));
  };
  if (url.find('\0') != std::string_view::npos) return error("contains a NUL byte");

  DatabaseUrl parsed;
  if (StartsWithNoCase(url, "postgresql://") || StartsWithNoCase(url, "postgres://")) {
    parsed.backend = Backend::kPostgresql;
    parsed.postgresql_url = std::string(url);
    return parsed;
  }
  if (!StartsWithNoCase(url, "sqlite:")) {
    if (url.empty()) return error("it is empty; expected sqlite:PATH or postgresql://...");
    if (url.find(':') == std::string_view::npos) {
      return error("no scheme; expected sqlite:PATH or postgresql://... (did you mean sqlite:" +
                   std::string(url) + "?)");
    }
    return error("unsupported scheme; expected sqlite:PATH or postgresql://...");
  }

  std::string_view path = url.substr(7);
  if (path.substr(0, 2) == "//") {
    // URL style: sqlite:///abs/path has an empty host; sqlite://:memory:.
    path.remove_prefix(2);
    if (path != ":memory:" && (path.empty() || path.front() != '/')) {
      return error("a sqlite URL takes a path (sqlite:PATH or sqlite:///ABSOLUTE/PATH), not a host");
    }
  }
  if (path.empty()) return error("the SQLite file path is empty");
  if (path.find('?') != std::string_view::npos) {
    // SQLite would take "?mode=ro" as part of the file name and create a
    // second database; refuse rather than surprise.
    return error("query parameters are not supported in sqlite URLs");
  }
  parsed.backend = Backend::kSqlite;
  if (path == ":memory:") {
    parsed.sqlite_memory = true;
    parsed.sqlite_path = ":memory:";
  } else {
    parsed.sqlite_path = std::string(path);
  }
  return parsed;
}

}  // namespace buildhub::store
