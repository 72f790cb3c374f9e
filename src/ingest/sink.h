// SourceItem and DocumentSink: what every source hands to the pipeline.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace buildhub::ingest {

// One input document and where it came from.
struct SourceItem {
  std::string key;    // S3 key, URL, "path" or "path:line"
  std::string etag;   // S3 ETag (quotes stripped); "" for local files
  std::string bytes;  // the raw document
  uint64_t tag = 0;   // caller's own reference (e.g. which SQS message)
};

// Where documents go: the Pipeline (ingest) or a checker (validate).
class DocumentSink {
 public:
  virtual ~DocumentSink() = default;
  virtual Status Add(SourceItem item) = 0;
  // An input that could not be read at all (permissions, I/O error, size cap).
  virtual Status AddUnreadable(const std::string& key, const std::string& error) = 0;
};

}  // namespace buildhub::ingest
