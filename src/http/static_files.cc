#include "http/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/utf8.h"
#include "http/http_date.h"
#include "http/mime_types.h"
#include "http/responses.h"

namespace buildhub::http {
namespace {

constexpr std::string_view kImmutable = "max-age=315360000, public, immutable";
constexpr std::string_view kShortLived = "max-age=60, public";
constexpr std::string_view kPageCache = "max-age=86400, public";

struct FileData {
  std::string bytes;
  std::time_t mtime = 0;
};

enum class Lookup { kFound, kMissing, kTooLarge };

std::string RealPath(const std::string& path) {
  char* resolved = realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return {};
  std::string out(resolved);
  std::free(resolved);
  return out;
}

// Reads `relative` (whose segments are already checked) under the canonical
// `root`. Symbolic links are resolved first and the result must still be
// inside the root, so a link pointing elsewhere is simply missing.
Lookup ReadUnderRoot(const std::string& root, const std::string& relative, int64_t max_bytes,
                     FileData* out) {
  std::string real = RealPath(root + "/" + relative);
  if (real.empty()) return Lookup::kMissing;
  std::string prefix = root.back() == '/' ? root : root + "/";
  if (real.size() <= prefix.size() || real.compare(0, prefix.size(), prefix) != 0) {
    return Lookup::kMissing;
  }
  // O_NONBLOCK: opening a FIFO must not hang the worker; it is refused below.
  int fd = open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return Lookup::kMissing;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Lookup::kMissing;
  }
  if (st.st_size > max_bytes) {
    close(fd);
    return Lookup::kTooLarge;
  }
  out->mtime = st.st_mtime;
  out->bytes.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out->bytes.size()) {
    ssize_t n = read(fd, out->bytes.data() + done, out->bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // shrank while reading: serve what is there
    done += static_cast<size_t>(n);
  }
  out->bytes.resize(done);
  close(fd);
  return Lookup::kFound;
}

Response NotFound(const Request& request) {
  Response response;
  response.status = 404;
  // Plain text, never HTML: the body quotes the client's path.
  response.content_type = "text/plain; charset=utf-8";
  response.body = "Not Found: " + Quoted(request.path);
  return response;
}

Response ServeFile(FileData file, std::string_view content_type, std::string_view cache_control,
                   const Request& request) {
  Response response;
  response.AddHeader("Last-Modified", FormatHttpDate(file.mtime));
  response.AddHeader("Cache-Control", std::string(cache_control));
  std::string_view since = request.Header("If-Modified-Since");
  if (!since.empty()) {
    auto t = ParseHttpDate(since);
    if (t.has_value() && file.mtime <= *t) {
      response.status = 304;
      return response;
    }
  }
  response.status = 200;
  response.content_type = content_type;
  response.body = std::move(file.bytes);
  return response;
}

// os.path.splitext's notion of an extension: a '.' in the last segment that
// is not part of its leading dots.
std::string_view Extension(std::string_view path) {
  std::string_view last = path.substr(path.rfind('/') + 1);
  size_t start = last.find_first_not_of('.');
  if (start == std::string_view::npos) return {};
  size_t dot = last.rfind('.');
  if (dot == std::string_view::npos || dot < start) return {};
  return last.substr(dot);
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void PrettyPrint(const json::Value& v, int indent, std::string* out) {
  auto newline = [&](int level) {
    out->push_back('\n');
    out->append(static_cast<size_t>(level * 3), ' ');
  };
  if (v.is_object() && v.size() > 0) {
    out->push_back('{');
    bool first = true;
    for (const auto& [key, value] : v.members()) {
      if (!first) out->push_back(',');
      first = false;
      newline(indent + 1);
      json::WriteString(key, out);
      out->append(": ");
      PrettyPrint(value, indent + 1, out);
    }
    newline(indent);
    out->push_back('}');
  } else if (v.is_array() && v.size() > 0) {
    out->push_back('[');
    bool first = true;
    for (const auto& item : v.items()) {
      if (!first) out->push_back(',');
      first = false;
      newline(indent + 1);
      PrettyPrint(item, indent + 1, out);
    }
    newline(indent);
    out->push_back(']');
  } else {
    json::WriteTo(v, out);
  }
}

}  // namespace

bool IsHashedAssetPath(std::string_view url_path) {
  size_t i = 0;
  while (i < url_path.size()) {
    if (!IsWordChar(url_path[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    bool hex = true;
    while (i < url_path.size() && IsWordChar(url_path[i])) {
      char c = url_path[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) hex = false;
      ++i;
    }
    if (hex && i - start == 8) return true;
  }
  return false;
}

Response HandleStatic(const ServiceContext& context, const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return MethodNotAllowed(request.method, "GET, HEAD");
  }
  const std::string& path = request.path;
  if (!utf8::IsValid(path) || path.find('\\') != std::string::npos) return NotFound(request);

  std::string relative;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string_view segment = std::string_view(path).substr(pos, slash - pos);
    pos = slash + 1;
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") return NotFound(request);
    if (segment[0] == '.' && segment != ".well-known") return NotFound(request);
    if (!relative.empty()) relative.push_back('/');
    relative.append(segment);
  }
  const std::string_view extension = Extension(path);
  if (context.web_root.empty()) return NotFound(request);
  std::string root = RealPath(context.web_root);
  if (root.empty()) {
    log::Warn("http", "Web root {} does not exist", context.web_root);
    return NotFound(request);
  }

  FileData file;
  if (!relative.empty()) {
    switch (ReadUnderRoot(root, relative, context.max_static_file_bytes, &file)) {
      case Lookup::kFound:
        return ServeFile(std::move(file), ContentTypeForExtension(Extension(relative)),
                         IsHashedAssetPath(path) ? kImmutable : kShortLived, request);
      case Lookup::kTooLarge:
        log::Warn("http", "Not serving {}: larger than {} bytes", relative, context.max_static_file_bytes);
        return NotFound(request);
      case Lookup::kMissing:
        break;
    }
  }
  if (!extension.empty()) return NotFound(request);

  switch (ReadUnderRoot(root, "index.html", context.max_static_file_bytes, &file)) {
    case Lookup::kFound:
      return ServeFile(std::move(file), "text/html; charset=utf-8", kPageCache, request);
    default: {
      Response response = NotFound(request);
      response.body = "Not Found: index.html is missing from the web root";
      return response;
    }
  }
}

Response HandleContributeJson(const ServiceContext& context, const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return MethodNotAllowed(request.method, "GET, HEAD");
  }
  FileData file;
  std::string real = context.contribute_json_path.empty() ? std::string() : RealPath(context.contribute_json_path);
  std::string dir = real.empty() ? std::string() : real.substr(0, real.rfind('/'));
  std::string name = real.empty() ? std::string() : real.substr(real.rfind('/') + 1);
  if (real.empty() || ReadUnderRoot(dir.empty() ? "/" : dir, name, 1 << 20, &file) != Lookup::kFound) {
    return JsonError(404, "contribute.json not found");
  }
  auto parsed = json::Parse(file.bytes);
  if (!parsed.ok()) {
    log::Error("http", "{} is not valid JSON: {}", context.contribute_json_path, parsed.status().message());
    return JsonError(500, "contribute.json is not valid JSON");
  }
  std::string body;
  PrettyPrint(*parsed, 0, &body);
  return JsonResponse(200, std::move(body));
}

}  // namespace buildhub::http
