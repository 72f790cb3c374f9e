#include "support/buildhub_cli.h"

#include <unistd.h>

#include "support/fixtures.h"

namespace buildhub::testing {

CommandResult RunBuildhub(const std::string& args) {
  CommandResult result;
  // Text logs, so tests can read them.
  result.exit_code = RunCommand("BUILDHUB_LOG_FORMAT=text " + BuildhubBinary().string() + " " + args,
                                &result.output);
  return result;
}

bool RunningAsRoot() { return ::geteuid() == 0; }

std::string AsUnprivilegedUser() {
  if (!RunningAsRoot()) return "";
  return "setpriv --reuid=65534 --regid=65534 --clear-groups ";
}

}  // namespace buildhub::testing
