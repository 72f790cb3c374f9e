// Local inputs for `buildhub ingest`: files, directory trees, NDJSON files
// and standard input ("-"), streamed into a Pipeline.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/sink.h"

namespace buildhub::ingest {

enum class InputFormat {
  kAuto,    // .ndjson/.jsonl: one document per line; otherwise one document
            // per file, falling back to NDJSON when the text holds several
  kJson,    // one document per file
  kNdjson,  // one document per line
};

bool ParseInputFormat(std::string_view text, InputFormat* out);

struct LocalInputOptions {
  InputFormat format = InputFormat::kAuto;
  size_t max_document_bytes = 1 << 20;
  // Called now and then (after each file and every few thousand lines) so
  // the caller can show progress.
  std::function<void()> on_progress;
  // When set and true, the walk stops and returns kCancelled.
  const std::atomic<bool>* stop = nullptr;
};

// Feeds every document found under `paths` to `sink`, in a stable order
// (directory entries sorted by name). Directories are walked recursively,
// following symlinks but never entering the same directory twice (symlink
// loops are reported and skipped). Files that cannot be read are recorded as
// unreadable through DocumentSink::AddUnreadable and the walk goes on.
// Returns an error only when the sink fails; a missing top-level path counts as an
// unreadable input.
Status IngestPaths(const std::vector<std::string>& paths, const LocalInputOptions& options,
                   DocumentSink* sink);

}  // namespace buildhub::ingest
