// Flags shared by every subcommand, and the helpers that act on them.
#include <cstdio>

#include "cli/command.h"
#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/version.h"

namespace buildhub::cli {

void AddGlobalOptions(CLI::App& app, GlobalOptions* options) {
  app.option_defaults()->always_capture_default();
  app.add_option("--database-url", options->database_url,
                 "The store: sqlite:PATH or postgresql://user:pass@host:port/db")
      ->envname("DATABASE_URL")
      ->capture_default_str();
  app.add_option("--db-busy-timeout-ms", options->db_busy_timeout_ms,
                 "How long a write waits for another process's lock on the database")
      ->envname("BUILDHUB_DB_BUSY_TIMEOUT_MS")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  app.add_option("--schema", options->schema_path,
                 "JSON Schema file (YAML or JSON) for buildhub.json; default: the bundled schema.yaml")
      ->envname("BUILDHUB_SCHEMA");
  app.add_option("--log-level", options->log_level, "debug, info, warning or error")
      ->envname("BUILDHUB_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", options->log_format,
                 "auto (text on a terminal, mozlog JSON otherwise), text or json")
      ->envname("BUILDHUB_LOG_FORMAT")
      ->capture_default_str();
  app.add_option("--statsd-host", options->statsd_host, "Send metrics to this statsd host (UDP); empty: off")
      ->envname("BUILDHUB_STATSD_HOST");
  app.add_option("--statsd-port", options->statsd_port, "statsd UDP port")
      ->envname("BUILDHUB_STATSD_PORT")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  app.add_option("--statsd-prefix", options->statsd_prefix, "Prefix of every metric key")
      ->envname("BUILDHUB_STATSD_PREFIX")
      ->capture_default_str();
}

std::string ApplyGlobalOptions(const GlobalOptions& options) {
  log::Config config;
  if (!log::ParseLevel(options.log_level, &config.min_level)) {
    return "unknown --log-level '" + options.log_level + "' (debug, info, warning, error)";
  }
  if (!log::ParseFormat(options.log_format, &config.format)) {
    return "unknown --log-format '" + options.log_format + "' (auto, text, json)";
  }
  log::Configure(config);
  metrics::DescribeSeedMetrics(metrics::Global());
  if (!options.statsd_host.empty()) {
    metrics::StatsdConfig statsd;
    statsd.host = options.statsd_host;
    statsd.port = options.statsd_port;
    statsd.prefix = options.statsd_prefix;
    Status s = metrics::Global().ConfigureStatsd(statsd);
    if (!s.ok()) return "statsd: " + s.message();
  }
  return "";
}

std::unique_ptr<store::BuildStore> OpenStoreOrLog(const GlobalOptions& options,
                                                  const store::OpenOptions& open_options) {
  store::OpenOptions open = open_options;
  open.busy_timeout_ms = options.db_busy_timeout_ms;
  Result<std::unique_ptr<store::BuildStore>> opened = store::OpenStore(options.database_url, open);
  if (!opened.ok()) {
    log::Error("store", "cannot open {}: {}", store::RedactDatabaseUrl(options.database_url),
               opened.status().message());
    return nullptr;
  }
  return std::move(*opened);
}

std::shared_ptr<const Schema> LoadSchemaOrLog(const GlobalOptions& options) {
  if (options.schema_path.empty()) return Schema::Default();
  Result<std::shared_ptr<const Schema>> schema = Schema::LoadFile(options.schema_path);
  if (!schema.ok()) {
    log::Error("schema", "{}", schema.status().message());
    return nullptr;
  }
  return *schema;
}

std::string BuildMetadataJson(bool skip_validation) {
  json::Value metadata = json::Value::Object();
  metadata.set("version", json::Value::String(kVersion));
  metadata.set("source", json::Value::String("buildhub (C++)"));
  if (skip_validation) metadata.set("skip_validation", json::Value::Bool(true));
  return json::Write(metadata);
}

}  // namespace buildhub::cli
