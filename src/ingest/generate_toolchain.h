// The build.as/cc/cxx/ld/host/target strings of a generated build: what
// Mozilla's build machines recorded for each platform in each era (gcc on
// /tools, MSVC on c:/builds, cross-compiled macOS with the SDK, clang-cl in
// z:/task_NNN, the Android NDK, ...).
#pragma once

#include <cstdint>
#include <string>

#include "ingest/generate_catalogue.h"

namespace buildhub::ingest::gen {

struct Toolchain {
  // An empty string means the field is absent from the document.
  std::string as, cc, cxx, ld, host, target;
};

// `variant` (a hash of the build and platform) picks the optional parts:
// whether ld is recorded, and rarely a very long flag list (> 256
// characters, as real plugin-enabled builds have). `task` is the Windows
// task number ("z:/task_1571244707/...").
void DescribeToolchain(Platform platform, int64_t build_time, int64_t task, uint64_t variant,
                       Toolchain* out);

}  // namespace buildhub::ingest::gen
