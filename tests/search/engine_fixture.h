// Test helpers for the search engine: small hand-made corpora, running
// searches and reading responses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.h"
#include "search/engine.h"

namespace buildhub::search::testing {

// A build document with the usual fields; set what a test needs.
struct DocSpec {
  std::string product = "firefox";
  std::string version = "60.0";
  std::string platform = "win64";
  std::string os = "win";
  std::string channel = "release";
  std::string locale = "en-US";
  std::string build_id = "20180503143129";
  std::string build_date = "2018-05-03T14:31:29Z";
  std::string download_date = "2018-05-03T16:00:00Z";
  int64_t size = 1000;
  std::string tree = "releases/mozilla-release";
  std::string revision = "abcdef0123456789";
  std::string mimetype = "application/octet-stream";
  std::string url;       // default: derived
  std::string target;    // build.target (text); empty: left out
  std::string cc;        // build.cc (text); empty: left out
  int64_t number = -1;   // build.number; -1: left out
};

std::string MakeDoc(const DocSpec& spec);

// An engine over `docs`, ids 1..n, with a fixed "now" (2019-07-01).
std::unique_ptr<Engine> EngineOf(const std::vector<std::string>& docs, EngineOptions options = {});
// The same, added `batch` documents at a time: one segment per batch (the
// index merges them past Index::kMaxSegments).
std::unique_ptr<Engine> EngineInBatches(const std::vector<std::string>& docs, size_t batch,
                                        EngineOptions options = {});

// The ten-build corpus many tests share (see the .cc for its contents).
std::vector<std::string> StandardCorpus();

// Runs a search expecting 200 and returns the parsed response.
json::Value SearchOk(Engine& engine, std::string_view body);
// Runs a search expecting 400 and returns the parsed error body.
json::Value SearchError(Engine& engine, std::string_view body);
// The error message: `error` when it is a string, else error.reason.
std::string ErrorMessage(const json::Value& body);

// _id of each hit, in order.
std::vector<std::string> HitIds(const json::Value& response);
int64_t Total(const json::Value& response);
// aggregations.<name> (names may hold dots).
const json::Value& Agg(const json::Value& response, const std::string& name);
// (key as text, doc_count) of each bucket of a terms-like aggregation.
std::vector<std::pair<std::string, int64_t>> Buckets(const json::Value& agg);

std::string ReadReference(const std::string& relative);

}  // namespace buildhub::search::testing
