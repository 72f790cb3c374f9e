#include "cli/signals.h"

#include <csignal>
#include <unistd.h>

namespace buildhub::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int signo) {
  if (g_stop.exchange(true)) {
    // Second signal: the user really wants out.
    _exit(128 + signo);
  }
}

}  // namespace

const std::atomic<bool>& InstallStopSignals() {
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return g_stop;
}

}  // namespace buildhub::cli
