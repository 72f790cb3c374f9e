// SIGINT/SIGTERM → a flag long jobs poll, so they finish the item in hand,
// commit, and exit cleanly. A second signal exits at once.
#pragma once

#include <atomic>

namespace buildhub::cli {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& InstallStopSignals();

}  // namespace buildhub::cli
