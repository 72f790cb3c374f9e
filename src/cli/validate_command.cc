// `buildhub validate PATH...`: check documents against the schema, print
// every error with its path and rule, change nothing.
#include <cstdio>

#include "cli/command.h"
#include "cli/signals.h"
#include "ingest/document.h"
#include "ingest/local_files.h"

namespace buildhub::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string format = "auto";
  size_t max_document_bytes = 1 << 20;
  bool quiet = false;
};

// Prints a verdict per document instead of storing it.
class ReportingSink : public ingest::DocumentSink {
 public:
  ReportingSink(const ingest::PrepareOptions& prepare, bool quiet) : prepare_(prepare), quiet_(quiet) {}

  Status Add(ingest::SourceItem item) override {
    ++documents_;
    ingest::PreparedDocument doc = ingest::PrepareDocument(item.bytes, prepare_);
    for (const auto& w : doc.warnings) std::printf("%s: warning: %s\n", item.key.c_str(), w.c_str());
    if (doc.rejected()) {
      ++invalid_;
      for (const auto& e : doc.errors) std::printf("%s: %s\n", item.key.c_str(), e.c_str());
    } else if (!quiet_) {
      std::printf("%s: valid (%s)\n", item.key.c_str(), doc.builds.front().build_hash.c_str());
    }
    return Status::Ok();
  }

  Status AddUnreadable(const std::string& key, const std::string& error) override {
    ++documents_;
    ++unreadable_;
    std::printf("%s: cannot read: %s\n", key.c_str(), error.c_str());
    return Status::Ok();
  }

  int64_t documents_ = 0;
  int64_t invalid_ = 0;
  int64_t unreadable_ = 0;

 private:
  const ingest::PrepareOptions& prepare_;
  bool quiet_;
};

int RunValidate(const GlobalOptions& global, const ValidateOptions& options) {
  ingest::LocalInputOptions input;
  if (!ingest::ParseInputFormat(options.format, &input.format)) {
    std::fprintf(stderr, "buildhub validate: unknown --format '%s' (auto, json, ndjson)\n",
                 options.format.c_str());
    return kExitUsage;
  }
  std::shared_ptr<const Schema> schema = LoadSchemaOrLog(global);
  if (!schema) return kExitFatal;
  ingest::PrepareOptions prepare;
  prepare.schema = schema.get();
  prepare.release_to_beta = false;
  prepare.max_document_bytes = options.max_document_bytes;
  input.max_document_bytes = options.max_document_bytes;
  input.stop = &InstallStopSignals();

  ReportingSink sink(prepare, options.quiet);
  Status walked = ingest::IngestPaths(options.paths, input, &sink);
  std::fflush(stdout);
  std::fprintf(stderr, "validate: %lld documents: %lld valid, %lld invalid, %lld unreadable\n",
               static_cast<long long>(sink.documents_),
               static_cast<long long>(sink.documents_ - sink.invalid_ - sink.unreadable_),
               static_cast<long long>(sink.invalid_), static_cast<long long>(sink.unreadable_));
  if (walked.code() == StatusCode::kCancelled) return kExitInterrupted;
  if (!walked.ok()) {
    std::fprintf(stderr, "buildhub validate: %s\n", walked.message().c_str());
    return kExitFatal;
  }
  return sink.invalid_ + sink.unreadable_ > 0 ? kExitSomeInputsFailed : kExitOk;
}

}  // namespace

Command RegisterValidateCommand(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* sub = app.add_subcommand(
      "validate",
      "Check buildhub.json documents against the schema and print every error with its JSON path "
      "and rule. Changes nothing. Exit code 1 when any document is invalid or unreadable.");
  sub->add_option("paths", options->paths, "Files, directories, or - for standard input")->required();
  sub->add_option("--format", options->format, "auto, json or ndjson (as for ingest)")
      ->capture_default_str();
  sub->add_option("--max-document-bytes", options->max_document_bytes, "Largest accepted document")
      ->envname("BUILDHUB_MAX_DOCUMENT_BYTES")
      ->check(CLI::Range(static_cast<size_t>(2), static_cast<size_t>(1) << 30))
      ->capture_default_str();
  sub->add_flag("-q,--quiet", options->quiet, "Print only problems");
  return {sub, [&global, options] { return RunValidate(global, *options); }};
}

}  // namespace buildhub::cli
