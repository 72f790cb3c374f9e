#include "http/mime_types.h"

#include <string>

#include "http/request.h"

namespace buildhub::http {
namespace {

struct Entry {
  std::string_view extension;
  std::string_view type;
};

constexpr Entry kTypes[] = {
    {".html", "text/html; charset=\"utf-8\""},
    {".htm", "text/html; charset=\"utf-8\""},
    {".js", "text/javascript; charset=\"utf-8\""},
    {".mjs", "text/javascript; charset=\"utf-8\""},
    {".css", "text/css; charset=\"utf-8\""},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain; charset=\"utf-8\""},
    {".xml", "text/xml; charset=\"utf-8\""},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".avif", "image/avif"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".otf", "font/otf"},
    {".eot", "application/vnd.ms-fontobject"},
    {".wasm", "application/wasm"},
    {".pdf", "application/pdf"},
};

}  // namespace

std::string_view ContentTypeForExtension(std::string_view extension) {
  for (const Entry& e : kTypes) {
    if (EqualsIgnoreCase(e.extension, extension)) return e.type;
  }
  return "application/octet-stream";
}

}  // namespace buildhub::http
