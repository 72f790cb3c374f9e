// Fuzzes the ingest path: bytes → parse → validate → hash → serialise.
// Invariants checked beyond "no crash, no sanitizer report":
//  - a document that parses re-parses identically from its compact form;
//  - an accepted document yields builds whose stored JSON parses back to a
//    document with the same hash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/build_hash.h"
#include "core/json.h"
#include "core/schema.h"
#include "ingest/document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace buildhub;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  json::ParseOptions options;
  options.max_depth = 128;
  auto parsed = json::Parse(bytes, options);
  if (parsed.ok()) {
    std::string compact = json::Write(*parsed);
    auto again = json::Parse(compact, options);
    if (!again.ok() || json::Write(*again) != compact) std::abort();
    (void)json::WritePythonCanonical(*parsed);
  }

  static auto schema = Schema::Default();
  ingest::PrepareOptions prepare;
  prepare.schema = schema.get();
  ingest::PreparedDocument doc = ingest::PrepareDocument(bytes, prepare);
  for (const auto& build : doc.builds) {
    auto stored = json::Parse(build.build_json);
    if (!stored.ok() || BuildHash(*stored) != build.build_hash) std::abort();
  }
  return 0;
}
