// `buildhub ingest PATH...`: local files, directory trees, NDJSON, stdin.
#include <cstdio>

#include "cli/command.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "core/log.h"
#include "ingest/local_files.h"
#include "ingest/pipeline.h"

namespace buildhub::cli {
namespace {

struct IngestOptions {
  std::vector<std::string> paths;
  std::string format = "auto";
  // Large transactions: each commit rewrites the build_hash index pages it
  // touched, so 10,000 documents per commit ingest ~40% faster than 1,000
  // at a million builds (bench/ingest_bench), for ~100 MB more memory.
  size_t batch_size = 10000;
  size_t workers = 0;
  size_t max_document_bytes = 1 << 20;
  bool release_to_beta = true;
};

int RunIngest(const GlobalOptions& global, const IngestOptions& options) {
  ingest::LocalInputOptions input;
  if (!ingest::ParseInputFormat(options.format, &input.format)) {
    std::fprintf(stderr, "buildhub ingest: unknown --format '%s' (auto, json, ndjson)\n",
                 options.format.c_str());
    return kExitUsage;
  }
  std::shared_ptr<const Schema> schema = LoadSchemaOrLog(global);
  if (!schema) return kExitFatal;
  std::unique_ptr<store::BuildStore> store = OpenStoreOrLog(global);
  if (!store) return kExitStoreError;

  ingest::PrepareOptions prepare;
  prepare.schema = schema.get();
  prepare.release_to_beta = options.release_to_beta;
  prepare.max_document_bytes = options.max_document_bytes;
  prepare.metadata_json = BuildMetadataJson(false);
  ingest::PipelineOptions pipeline_options;
  pipeline_options.source = "local";
  pipeline_options.metric_prefix = "ingest";
  pipeline_options.store_object_keys = false;
  pipeline_options.batch_size = options.batch_size;
  pipeline_options.workers = options.workers;

  Progress progress("ingest");
  ingest::Pipeline pipeline(store.get(), prepare, pipeline_options);
  input.max_document_bytes = options.max_document_bytes;
  input.on_progress = [&] { progress.Update(pipeline.stats()); };
  input.stop = &InstallStopSignals();

  Status walked = ingest::IngestPaths(options.paths, input, &pipeline);
  Status flushed = pipeline.Flush();
  progress.Finish(pipeline.stats());

  if (!flushed.ok()) {
    log::Error("ingest", "{}", flushed.message());
    return kExitStoreError;
  }
  if (walked.code() == StatusCode::kCancelled) {
    log::Warn("ingest", "interrupted: everything read before the signal was committed");
    return kExitInterrupted;
  }
  if (!walked.ok()) {
    log::Error("ingest", "{}", walked.message());
    return kExitStoreError;
  }
  const ingest::IngestStats& stats = pipeline.stats();
  if (stats.rejected + stats.unreadable > 0) {
    log::Warn("ingest", "{} inputs failed; see `buildhub rejected` or /api/rejected for the reasons",
              stats.rejected + stats.unreadable);
    return kExitSomeInputsFailed;
  }
  return kExitOk;
}

}  // namespace

Command RegisterIngestCommand(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<IngestOptions>();
  CLI::App* sub = app.add_subcommand(
      "ingest",
      "Validate and store buildhub.json documents from files, directory trees (*.json, *.ndjson, "
      "*.jsonl), NDJSON or standard input ('-'). Invalid documents are recorded as rejected and "
      "the run goes on; the exit code is 1 when any input failed.");
  sub->add_option("paths", options->paths, "Files, directories, or - for standard input")->required();
  sub->add_option("--format", options->format,
                  "auto: .ndjson/.jsonl are one document per line, other files one document "
                  "(several lines of documents fall back to NDJSON); json; ndjson")
      ->envname("BUILDHUB_INGEST_FORMAT")
      ->capture_default_str();
  sub->add_option("--batch-size", options->batch_size, "Documents per database transaction")
      ->envname("BUILDHUB_BATCH_SIZE")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  sub->add_option("--workers", options->workers, "Threads preparing documents; 0 = one per core")
      ->envname("BUILDHUB_WORKERS")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  sub->add_option("--max-document-bytes", options->max_document_bytes,
                  "Largest accepted document (a buildhub.json is about 1 KB)")
      ->envname("BUILDHUB_MAX_DOCUMENT_BYTES")
      ->check(CLI::Range(static_cast<size_t>(2), static_cast<size_t>(1) << 30))
      ->capture_default_str();
  sub->add_flag("--release-to-beta,!--no-release-to-beta", options->release_to_beta,
                "Also store Firefox release builds as channel beta (bug 1470948)")
      ->envname("BUILDHUB_RELEASE_TO_BETA")
      ->capture_default_str();
  return {sub, [&global, options] { return RunIngest(global, *options); }};
}

}  // namespace buildhub::cli
