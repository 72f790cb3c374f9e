// From bytes to a storable build: parse, validate, hash. Pure functions; the
// pipeline calls them from worker threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/schema.h"
#include "store/store.h"

namespace buildhub::ingest {

struct PrepareOptions {
  const Schema* schema = nullptr;      // required unless skip_validation
  bool skip_validation = false;        // the Kinto migration's --skip-validation
  bool release_to_beta = true;         // SPEC §2: Firefox release also stored as beta
  size_t max_document_bytes = 1 << 20; // a buildhub.json is ~1 KB; 1 MiB is generous
  std::string metadata_json = "{}";    // stored with every build
};

// What one input document became: one or two builds to insert (the second
// is the beta copy of a Firefox release build), or the reasons it was
// rejected.
struct PreparedDocument {
  std::vector<store::NewBuild> builds;
  std::vector<std::string> errors;    // non-empty: rejected
  std::vector<std::string> warnings;  // format checks; never reject
  bool rejected() const { return !errors.empty(); }
};

// Parses `bytes` (a leading UTF-8 BOM is tolerated, as Python's json.load on
// bytes does), validates, hashes and serialises. Never throws; every failure
// ends up in `errors` with a message naming the rule (and the JSON path).
PreparedDocument PrepareDocument(std::string_view bytes, const PrepareOptions& options);

// The same, for an already parsed document (the Kinto migration).
PreparedDocument PrepareParsed(json::Value document, const PrepareOptions& options);

// True when the release→beta rule applies to this document.
bool IsFirefoxRelease(const json::Value& document);

}  // namespace buildhub::ingest
