// buildhub: the single binary. Subcommands are registered below; each lives
// in cli/<name>_command.cc.
#include <cstdio>
#include <vector>

#include "cli/command.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using namespace buildhub::cli;
  CLI::App app{"Buildhub: the searchable catalogue of Mozilla builds.\n\n"
               "Exit codes: 0 success, 1 some inputs were rejected or unreadable, 2 usage error,\n"
               "3 database error, 4 other fatal error, 130 interrupted.",
               "buildhub"};
  app.set_version_flag("--version", std::string(buildhub::kVersion));
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the subcommand
  GlobalOptions global;
  AddGlobalOptions(app, &global);

  std::vector<Command> commands;
  commands.push_back(RegisterIngestCommand(app, global));
  commands.push_back(RegisterValidateCommand(app, global));
  commands.push_back(RegisterGenerateCommand(app, global));
  commands.push_back(RegisterServeCommand(app, global));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (std::string error = ApplyGlobalOptions(global); !error.empty()) {
    std::fprintf(stderr, "buildhub: %s\n", error.c_str());
    return kExitUsage;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return kExitUsage;
}
