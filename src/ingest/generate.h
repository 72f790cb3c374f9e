// CorpusGenerator: a realistic, reproducible stream of buildhub.json
// documents for benchmarks, tests and the demo database. The same seed gives
// the same documents, byte for byte, on every machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/json.h"

namespace buildhub::ingest {

class CorpusGenerator {
 public:
  explicit CorpusGenerator(uint64_t seed);
  ~CorpusGenerator();

  // The next document (valid against the bundled schema).
  json::Value Next();

  // Where such a file would live in the archive bucket, e.g.
  // "pub/firefox/candidates/70.0-candidates/build2/win64/en-US/buildhub.json"
  // for the document Next() returned last.
  const std::string& LastObjectKey() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace buildhub::ingest
