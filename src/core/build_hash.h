// The build hash: byte-identical to Buildhub2's
//   "v1:" + md5(json.dumps(build, sort_keys=True)).hexdigest()
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"

namespace buildhub {

std::string Md5Hex(std::string_view bytes);

std::string BuildHash(const json::Value& document);

}  // namespace buildhub
