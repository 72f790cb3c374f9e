// Timestamps as the store writes them: RFC 3339, UTC, microseconds, "Z".
#pragma once

#include <chrono>
#include <string>

namespace buildhub::store {

// e.g. "2026-11-28T09:44:33.123456Z". Fixed width, so text order is time order.
std::string FormatUtcMicros(std::chrono::system_clock::time_point t);
std::string NowUtcMicros();

}  // namespace buildhub::store
