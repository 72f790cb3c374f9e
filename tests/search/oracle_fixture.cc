// The corpus, the store round trip and the side-by-side run.
#include "search/oracle_fixture.h"

#include <functional>
#include <span>

#include "core/build_hash.h"
#include "ingest/generate.h"
#include "search/response_compare.h"

namespace buildhub::search::oracle {

namespace {

using json::Value;

Value MustParse(const std::string& text) {
  auto v = json::Parse(text);
  return v.ok() ? *v : Value();
}

}  // namespace

std::vector<Value> GeneratedDocuments(uint64_t seed, size_t count) {
  ingest::CorpusGenerator generator(seed);
  std::vector<Value> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(generator.Next());
  return out;
}

std::vector<Value> EdgeDocuments() {
  const std::string a256(256, 'a');
  const std::string a257(257, 'b');
  // 255 ASCII characters and one emoji: 256 code points but 257 UTF-16 units.
  const std::string emoji = std::string(255, 'c') + "\xF0\x9F\x98\x80";
  const std::vector<std::string> texts = {
      // No build object at all, and no optional target/source fields.
      R"({"source": {"product": "firefox"},
          "target": {"platform": "linux-x86_64", "locale": "en-US", "version": "60.0", "channel": "release"},
          "download": {"url": "https://example.invalid/a", "mimetype": "application/x-bzip2", "size": 100, "date": "2018-06-01T10:00:00Z"}})",
      // ignore_above: 256 kept, 257 dropped, 256 code points = 257 units dropped.
      R"({"build": {"id": "20180601100000", "date": "2018-06-01T10:00:00+05:30", "cc": ")" + a256 +
          R"(", "cxx": ")" + a257 + R"(", "ld": ")" + emoji + R"(", "number": 5.0, "as": "", "host": "---", "target": "x86_64-pc-linux-gnu"},
          "source": {"product": "devedition", "tree": "mozilla-beta", "repository": "https://hg.mozilla.org/releases/mozilla-beta", "revision": "abcdef0123"},
          "target": {"platform": "win64", "os": "win", "locale": "de", "version": "61.0b7", "channel": "aurora"},
          "download": {"url": "https://example.invalid/b", "mimetype": "application/x-msdownload", "size": 5000000000, "date": "2018-06-01T12:00:00.5Z"}})",
      // Non-ASCII everywhere a client could type it.
      R"({"build": {"id": "20190603181408", "date": "2019-06-03T18:14:08.123456789-08:00", "target": "ÄÖÜ-Linux-GNU", "cc": "clang-cl Straße café"},
          "source": {"product": "firefox", "tree": "mozilla-central"},
          "target": {"platform": "linux-é", "os": "linux", "locale": "ünïcödé", "version": "69.0a1", "channel": "nightly"},
          "download": {"url": "https://example.invalid/ü", "mimetype": "application/x-bzip2", "size": 0, "date": "2019-06-03"}})",
      // Dates without seconds, at year ends, with hour-only offsets.
      R"({"build": {"id": "20000101010000", "date": "1999-12-31T23:00-02", "number": 1},
          "source": {"product": "thunderbird"},
          "target": {"platform": "mac", "os": "mac", "locale": "en-US", "version": "1.0", "channel": "beta release"},
          "download": {"url": "https://example.invalid/c", "mimetype": "application/x-apple-diskimage", "size": 1, "date": "2019-12-31T23:59:59.999Z"}})",
      // Values that look like numbers, and a build id that does not.
      R"({"build": {"id": "abc", "date": "2020-02-29T12:00:00Z", "number": 10},
          "source": {"product": "fennec", "revision": "100"},
          "target": {"platform": "android-arm", "os": "android", "locale": "100", "version": "100.0", "channel": "release"},
          "download": {"url": "https://example.invalid/d", "mimetype": "application/vnd.android.package-archive", "size": 100, "date": "2020-02-29T12:00:00+00:00"}})",
      // Wildcard and regexp metacharacters inside keyword values.
      R"({"build": {"id": "20210101000000", "date": "2021-01-01T00:00:00Z", "cc": "cl.exe -O2 -Zi -GS-", "ld": "link.exe"},
          "source": {"product": "firefox", "tree": "try"},
          "target": {"platform": "win32", "os": "win", "locale": "ja-JP-mac", "version": "6.0 (beta)*?", "channel": "esr"},
          "download": {"url": "https://example.invalid/e?x=1&y=*", "mimetype": "application/zip", "size": 60000000, "date": "2021-01-01T00:00:00Z"}})",
  };
  std::vector<Value> out;
  for (const auto& t : texts) out.push_back(MustParse(t));
  return out;
}

Status InsertDocuments(store::BuildStore* store, const std::vector<Value>& documents,
                       std::vector<NaiveDoc>* docs) {
  const size_t kBatch = 500;
  for (size_t start = 0; start < documents.size(); start += kBatch) {
    std::vector<store::NewBuild> batch;
    for (size_t i = start; i < documents.size() && i < start + kBatch; ++i) {
      if (!documents[i].is_object()) return InvalidArgument("document " + std::to_string(i) + " is not an object");
      store::NewBuild b;
      b.build_hash = BuildHash(documents[i]);
      b.build_json = json::Write(documents[i]);
      batch.push_back(std::move(b));
    }
    std::vector<store::InsertOutcome> outcomes;
    Status s = store->InsertBatch(std::span<const store::NewBuild>(batch), &outcomes);
    if (!s.ok()) return s;
    if (outcomes.size() != batch.size()) return Internal("InsertBatch returned a wrong number of outcomes");
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!outcomes[i].inserted) continue;  // a duplicate of an earlier document
      NaiveDoc d;
      d.id = outcomes[i].id;
      d.document = MustParse(batch[i].build_json);
      docs->push_back(std::move(d));
    }
  }
  return Status::Ok();
}

Verdict CheckOne(const NaiveCorpus& oracle, Searcher* engine, const Value& body, int64_t now_ms) {
  Verdict v;
  NaiveResponse expected = oracle.Evaluate(body, now_ms);
  if (!expected.supported) {
    v.skipped = true;
    v.skip_reason = expected.unsupported_reason;
    return v;
  }
  if (expected.http_status == 200 && expected.bucket_count > 10000) {
    v.skipped = true;
    v.skip_reason = "more buckets than the engine's cap";
    return v;
  }
  SearchResult result = engine->Search(json::Write(body));
  v.engine_status = result.http_status;
  v.engine_body = result.body;
  auto actual = json::Parse(result.body);
  if (!actual.ok()) {
    v.diffs.push_back("engine body is not JSON (" + actual.status().message() + "): " +
                      result.body.substr(0, 200));
    return v;
  }
  v.diffs = CompareResponses(expected, result.http_status, *actual);
  if (v.diffs.empty() && result.http_status == 200) {
    const Value* total = actual->find("hits") ? actual->find("hits")->find("total") : nullptr;
    if (total == nullptr || !total->is_integer_literal() || *total->as_exact_int64() != result.total_hits) {
      v.diffs.push_back("SearchResult.total_hits " + std::to_string(result.total_hits) +
                        " differs from hits.total in the body");
    }
  }
  return v;
}

namespace {

// Every removable place in a JSON tree: a member of an object or an
// element of an array, as a path of (member name | index).
struct Step {
  std::string key;
  size_t index = 0;
  bool is_index = false;
};
using Path = std::vector<Step>;

void CollectPaths(const Value& v, Path* prefix, std::vector<Path>* out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.members()) {
      prefix->push_back({k, 0, false});
      out->push_back(*prefix);
      CollectPaths(child, prefix, out);
      prefix->pop_back();
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.items().size(); ++i) {
      prefix->push_back({"", i, true});
      out->push_back(*prefix);
      CollectPaths(v.items()[i], prefix, out);
      prefix->pop_back();
    }
  }
}

bool RemoveAt(Value* v, const Path& path, size_t depth) {
  const Step& s = path[depth];
  if (depth + 1 == path.size()) {
    if (s.is_index) {
      if (!v->is_array() || s.index >= v->items().size()) return false;
      v->mutable_items().erase(v->mutable_items().begin() + static_cast<long>(s.index));
      return true;
    }
    return v->is_object() && v->erase(s.key);
  }
  Value* child = nullptr;
  if (s.is_index) {
    if (!v->is_array() || s.index >= v->items().size()) return false;
    child = &v->mutable_items()[s.index];
  } else {
    child = v->is_object() ? v->find(s.key) : nullptr;
  }
  return child != nullptr && RemoveAt(child, path, depth + 1);
}

Value* NodeAt(Value* root, const Path& path) {
  Value* v = root;
  for (const Step& s : path) {
    if (s.is_index) {
      if (!v->is_array() || s.index >= v->items().size()) return nullptr;
      v = &v->mutable_items()[s.index];
    } else {
      v = v->is_object() ? v->find(s.key) : nullptr;
      if (v == nullptr) return nullptr;
    }
  }
  return v;
}

// Objects 2 or 3 levels below `v` (e.g. the X of {"bool": {"must": [X]}} or
// {"constant_score": {"filter": X}}): what a query or aggregation can be
// replaced by.
void Descendants(const Value& v, int depth, std::vector<Value>* out) {
  auto visit = [&](const Value& child) {
    if (depth >= 1 && child.is_object()) out->push_back(child);
    if (depth < 2) Descendants(child, depth + 1, out);
  };
  if (v.is_object()) {
    for (const auto& [k, child] : v.members()) visit(child);
  } else if (v.is_array()) {
    for (const auto& child : v.items()) visit(child);
  }
}

}  // namespace

Value Shrink(const NaiveCorpus& oracle, Searcher* engine, Value body, int64_t now_ms, int max_attempts) {
  int attempts = 0;
  bool progress = true;
  auto still_fails = [&](const Value& candidate) {
    ++attempts;
    Verdict v = CheckOne(oracle, engine, candidate, now_ms);
    return !v.skipped && !v.diffs.empty();
  };
  while (progress && attempts < max_attempts) {
    progress = false;
    std::vector<Path> paths;
    Path prefix;
    CollectPaths(body, &prefix, &paths);
    for (const Path& p : paths) {
      if (attempts >= max_attempts) break;
      Value candidate = body;
      if (RemoveAt(&candidate, p, 0) && still_fails(candidate)) {
        body = std::move(candidate);
        progress = true;
        break;
      }
      Value* node = NodeAt(&body, p);
      if (node == nullptr || !node->is_object()) continue;
      std::vector<Value> inner;
      Descendants(*node, 0, &inner);
      for (const Value& d : inner) {
        if (attempts >= max_attempts) break;
        Value hoisted = body;
        *NodeAt(&hoisted, p) = d;
        if (still_fails(hoisted)) {
          body = std::move(hoisted);
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
  }
  return body;
}

}  // namespace buildhub::search::oracle
