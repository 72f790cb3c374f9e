// How subcommands plug into the `buildhub` binary.
//
// Each subcommand lives in its own <name>_command.cc and exposes one
// Register<Name>Command() that adds its CLI11 sub-app and returns the
// function to run when that sub-app was chosen.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "core/schema.h"
#include "core/status.h"
#include "store/store.h"

namespace buildhub::cli {

// Exit codes, documented in `buildhub --help` and the README.
enum ExitCode : int {
  kExitOk = 0,
  kExitSomeInputsFailed = 1,  // some inputs were rejected or unreadable
  kExitUsage = 2,             // bad flags or arguments
  kExitStoreError = 3,        // the database could not be opened or written
  kExitFatal = 4,             // anything else that stopped the run
  kExitInterrupted = 130,     // SIGINT/SIGTERM before the work was done
};

// Flags every subcommand shares, each with an environment variable.
struct GlobalOptions {
  std::string database_url = "sqlite:buildhub.db";
  int db_busy_timeout_ms = 30000;
  std::string schema_path;  // empty: the bundled schema
  std::string log_level = "info";
  std::string log_format = "auto";
  std::string statsd_host;
  int statsd_port = 8125;
  std::string statsd_prefix = "buildhub2.";
};

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

void AddGlobalOptions(CLI::App& app, GlobalOptions* options);

// Applies logging and metrics settings; returns a usage error message, or
// "" when fine.
std::string ApplyGlobalOptions(const GlobalOptions& options);

// Opens the store named by --database-url, logging errors. nullptr on error.
std::unique_ptr<store::BuildStore> OpenStoreOrLog(const GlobalOptions& options,
                                                  const store::OpenOptions& open = {});

// The schema from --schema, or the bundled one. nullptr (logged) on error.
std::shared_ptr<const Schema> LoadSchemaOrLog(const GlobalOptions& options);

// Metadata stored with every build: {"version": "...", "source": "..."}.
std::string BuildMetadataJson(bool skip_validation);

Command RegisterIngestCommand(CLI::App& app, GlobalOptions& global);
Command RegisterValidateCommand(CLI::App& app, GlobalOptions& global);
Command RegisterGenerateCommand(CLI::App& app, GlobalOptions& global);
Command RegisterServeCommand(CLI::App& app, GlobalOptions& global);

}  // namespace buildhub::cli
