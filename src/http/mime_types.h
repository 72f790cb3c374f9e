// Content types of the files the web page is built from.
#pragma once

#include <string_view>

namespace buildhub::http {

// By file extension (with the dot, any case: ".js", ".PNG"); the types and
// charset spelling follow WhiteNoise, which served the original's page.
// Unknown extensions are "application/octet-stream".
std::string_view ContentTypeForExtension(std::string_view extension);

}  // namespace buildhub::http
