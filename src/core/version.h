// The version of this build of Buildhub.
#pragma once

namespace buildhub {

#ifndef BUILDHUB_VERSION
#define BUILDHUB_VERSION "0.0.0-dev"
#endif

inline constexpr const char* kVersion = BUILDHUB_VERSION;

}  // namespace buildhub
