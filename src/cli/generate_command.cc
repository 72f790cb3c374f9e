// `buildhub generate`: a realistic synthetic corpus, as NDJSON or as a tree
// of buildhub.json files laid out like the archive bucket.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/command.h"
#include "cli/signals.h"
#include "core/json.h"
#include "core/log.h"
#include "ingest/generate.h"

namespace buildhub::cli {
namespace {

struct GenerateOptions {
  uint64_t count = 1000;
  uint64_t seed = 1;
  std::string output = "-";
  std::string format = "ndjson";
};

int WriteTree(const GenerateOptions& options, const std::atomic<bool>& stop) {
  namespace fs = std::filesystem;
  ingest::CorpusGenerator generator(options.seed);
  fs::path root(options.output);
  for (uint64_t i = 0; i < options.count; ++i) {
    if (stop.load()) return kExitInterrupted;
    json::Value doc = generator.Next();
    fs::path path = root / generator.LastObjectKey();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      log::Error("generate", "cannot create {}: {}", path.parent_path().string(), ec.message());
      return kExitFatal;
    }
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      log::Error("generate", "cannot write {}: {}", path.string(), std::strerror(errno));
      return kExitFatal;
    }
    std::string text = json::Write(doc);
    text.push_back('\n');
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
      log::Error("generate", "cannot write {}: {}", path.string(), std::strerror(errno));
      return kExitFatal;
    }
  }
  return kExitOk;
}

int WriteNdjson(const GenerateOptions& options, const std::atomic<bool>& stop) {
  FILE* out = stdout;
  if (options.output != "-") {
    out = std::fopen(options.output.c_str(), "wb");
    if (out == nullptr) {
      log::Error("generate", "cannot write {}: {}", options.output, std::strerror(errno));
      return kExitFatal;
    }
  }
  ingest::CorpusGenerator generator(options.seed);
  std::string buffer;
  buffer.reserve(1 << 20);
  bool ok = true;
  for (uint64_t i = 0; i < options.count && ok; ++i) {
    if (stop.load()) break;
    json::WriteTo(generator.Next(), &buffer);
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 20) - 4096) {
      ok = std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
      buffer.clear();
    }
  }
  if (ok && !buffer.empty()) ok = std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
  ok = (out == stdout ? std::fflush(out) == 0 : std::fclose(out) == 0) && ok;
  if (!ok) {
    log::Error("generate", "cannot write {}: {}", options.output, std::strerror(errno));
    return kExitFatal;
  }
  return stop.load() ? kExitInterrupted : kExitOk;
}

}  // namespace

Command RegisterGenerateCommand(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* sub = app.add_subcommand(
      "generate",
      "Write a realistic synthetic corpus of buildhub.json documents (the same seed gives the "
      "same bytes), as NDJSON or as a directory tree laid out like the archive bucket.");
  sub->add_option("-n,--count", options->count, "Number of documents")
      ->check(CLI::Range(static_cast<uint64_t>(0), static_cast<uint64_t>(1) << 40))
      ->capture_default_str();
  sub->add_option("--seed", options->seed, "Random seed")->capture_default_str();
  sub->add_option("-o,--output", options->output,
                  "NDJSON: a file or - for standard output; tree: the root directory")
      ->capture_default_str();
  sub->add_option("--format", options->format, "ndjson or tree")
      ->check(CLI::IsMember({"ndjson", "tree"}))
      ->capture_default_str();
  return {sub, [options] {
            const std::atomic<bool>& stop = InstallStopSignals();
            if (options->format == "tree") {
              if (options->output == "-") {
                std::fprintf(stderr, "buildhub generate: --format tree needs --output DIRECTORY\n");
                return static_cast<int>(kExitUsage);
              }
              return WriteTree(*options, stop);
            }
            return WriteNdjson(*options, stop);
          }};
}

}  // namespace buildhub::cli
