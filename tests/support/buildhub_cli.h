// Runs the real `buildhub` binary, as a user would.
#pragma once

#include <string>

namespace buildhub::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `args` is appended to the binary's path as is (shell syntax allowed).
CommandResult RunBuildhub(const std::string& args);

// True when running as root, where file permissions do not stop reads or
// writes; tests that need them drop to `nobody` with setpriv.
bool RunningAsRoot();

// Prefix that runs a command as an unprivileged user when we are root
// ("setpriv --reuid=65534 ..."), or "" otherwise.
std::string AsUnprivilegedUser();

}  // namespace buildhub::testing
