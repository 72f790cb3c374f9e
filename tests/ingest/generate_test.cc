#include "ingest/generate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/build_hash.h"
#include "core/json.h"
#include "core/schema.h"
#include "core/utf8.h"
#include "ingest/generate_time.h"
#include "ingest/generate_timeline.h"

namespace buildhub::ingest {
namespace {

// The string at "a.b" or nullptr when absent or not a string.
const std::string* Text(const json::Value& doc, const char* object, const char* field) {
  const json::Value* o = doc.find(object);
  if (o == nullptr) return nullptr;
  const json::Value* v = o->find(field);
  if (v == nullptr || !v->is_string()) return nullptr;
  return &v->text();
}

std::string Get(const json::Value& doc, const char* object, const char* field) {
  const std::string* s = Text(doc, object, field);
  return s ? *s : std::string();
}

std::vector<json::Value> Generate(uint64_t seed, int n, std::vector<std::string>* keys = nullptr) {
  CorpusGenerator gen(seed);
  std::vector<json::Value> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(gen.Next());
    if (keys) keys->push_back(gen.LastObjectKey());
  }
  return out;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Every check of the schema, written out directly (the schema validator is
// tested on its own; this does not depend on it).
std::string CheckShape(const json::Value& doc) {
  if (!doc.is_object()) return "document is not an object";
  const std::map<std::string, std::set<std::string>> allowed = {
      {"build", {"id", "date", "number", "as", "ld", "cc", "cxx", "host", "target"}},
      {"target", {"platform", "os", "locale", "version", "channel"}},
      {"source", {"product", "repository", "tree", "revision"}},
      {"download", {"url", "mimetype", "size", "date"}},
  };
  const std::map<std::string, std::vector<std::string>> required = {
      {"build", {}},
      {"target", {"platform", "locale", "version", "channel"}},
      {"source", {"product"}},
      {"download", {"url", "mimetype", "size", "date"}},
  };
  if (doc.size() != 4) return "expected exactly 4 top-level members";
  for (const auto& [name, value] : doc.members()) {
    auto it = allowed.find(name);
    if (it == allowed.end()) return "unexpected top-level member " + name;
    if (!value.is_object()) return name + " is not an object";
    for (const auto& [field, v] : value.members()) {
      if (!it->second.count(field)) return "unexpected " + name + "." + field;
      const bool integer = (name == "build" && field == "number") ||
                           (name == "download" && field == "size");
      if (integer) {
        if (!v.is_number() || !v.as_exact_int64()) return name + "." + field + " is not an integer";
      } else if (!v.is_string()) {
        return name + "." + field + " is not a string";
      } else if (v.text().empty()) {
        return name + "." + field + " is empty";
      }
    }
    for (const std::string& field : required.at(name)) {
      if (value.find(field) == nullptr) return "missing " + name + "." + field;
    }
  }
  const std::string* os = Text(doc, "target", "os");
  if (os && *os != "linux" && *os != "win" && *os != "mac" && *os != "android" && *os != "maemo") {
    return "target.os not in the enum: " + *os;
  }
  return "";
}

// "70.0b3rc2" -> "70.0b3": the version as it appears in file names.
std::string FileVersion(const std::string& version) {
  const size_t rc = version.rfind("rc");
  if (rc != std::string::npos && rc + 2 < version.size() &&
      version.find_first_not_of("0123456789", rc + 2) == std::string::npos) {
    return version.substr(0, rc);
  }
  return version;
}

std::string ArchiveDir(const std::string& product) {
  return product == "fennec" ? "mobile" : product;
}

std::string OsOf(const std::string& platform) {
  if (StartsWith(platform, "linux")) return "linux";
  if (StartsWith(platform, "win")) return "win";
  if (StartsWith(platform, "mac")) return "mac";
  if (StartsWith(platform, "android")) return "android";
  return "?";
}

TEST(CorpusGenerator, SameSeedSameBytes) {
  CorpusGenerator a(2024);
  CorpusGenerator b(2024);
  for (int i = 0; i < 10000; ++i) {
    const std::string da = json::Write(a.Next());
    const std::string db = json::Write(b.Next());
    ASSERT_EQ(da, db) << "document " << i;
    ASSERT_EQ(a.LastObjectKey(), b.LastObjectKey()) << "document " << i;
  }
}

TEST(CorpusGenerator, DifferentSeedsDiffer) {
  CorpusGenerator a(1);
  CorpusGenerator b(2);
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    if (json::Write(a.Next()) == json::Write(b.Next())) ++same;
  }
  EXPECT_EQ(same, 0);
}

// The corpus is an input of benchmarks, the demo database and differential
// tests that compare results across runs and machines: its bytes must not
// drift. If a change to the generator is deliberate, update the digest (and
// say so in the commit).
TEST(CorpusGenerator, GoldenDigest) {
  CorpusGenerator gen(42);
  std::string all;
  for (int i = 0; i < 2000; ++i) {
    all += json::Write(gen.Next());
    all += '\t';
    all += gen.LastObjectKey();
    all += '\n';
  }
  EXPECT_EQ(Md5Hex(all), "458d6b8acc47bb55e84d3642fa06607b") << "first document: " << all.substr(0, all.find('\n'));
}

TEST(CorpusGenerator, AnySeedWorks) {
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}, uint64_t{0x8000000000000000}}) {
    CorpusGenerator gen(seed);
    for (int i = 0; i < 500; ++i) {
      const json::Value doc = gen.Next();
      ASSERT_EQ(CheckShape(doc), "") << "seed " << seed << " doc " << i << ": " << json::Write(doc);
      ASSERT_FALSE(gen.LastObjectKey().empty());
    }
  }
}

TEST(CorpusGenerator, LastObjectKeyBeforeNextIsEmpty) {
  CorpusGenerator gen(5);
  EXPECT_EQ(gen.LastObjectKey(), "");
}

TEST(CorpusGenerator, DocumentsAndKeysAreDistinct) {
  CorpusGenerator gen(7);
  std::unordered_set<std::string> hashes;
  std::unordered_set<std::string> keys;
  constexpr int kDocs = 200000;
  hashes.reserve(kDocs);
  keys.reserve(kDocs);
  for (int i = 0; i < kDocs; ++i) {
    const json::Value doc = gen.Next();
    // The build hash is Buildhub's dedupe key.
    ASSERT_TRUE(hashes.insert(BuildHash(doc)).second) << "duplicate document " << i << ": "
                                                       << json::Write(doc);
    ASSERT_TRUE(keys.insert(gen.LastObjectKey()).second) << "duplicate key " << gen.LastObjectKey();
  }
}

TEST(CorpusGenerator, EveryDocumentHasTheSchemaShape) {
  CorpusGenerator gen(11);
  for (int i = 0; i < 50000; ++i) {
    const json::Value doc = gen.Next();
    ASSERT_EQ(CheckShape(doc), "") << json::Write(doc);
  }
}

TEST(CorpusGenerator, ValidAgainstTheBundledSchema) {
  std::shared_ptr<const Schema> schema = Schema::Default();
  ASSERT_TRUE(schema);
  CorpusGenerator gen(13);
  for (int i = 0; i < 20000; ++i) {
    const json::Value doc = gen.Next();
    const ValidationReport report = schema->Validate(doc);
    ASSERT_TRUE(report.ok()) << report.ErrorsJson() << " in " << json::Write(doc);
  }
}

TEST(CorpusGenerator, RoundTripsThroughTheParser) {
  CorpusGenerator gen(17);
  for (int i = 0; i < 20000; ++i) {
    const json::Value doc = gen.Next();
    const std::string text = json::Write(doc);
    ASSERT_TRUE(utf8::IsValid(text)) << text;
    auto parsed = json::Parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message() << " in " << text;
    ASSERT_EQ(json::Write(*parsed), text);
  }
}

class CorpusSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new std::vector<std::string>();
    docs_ = new std::vector<json::Value>(Generate(3, 100000, keys_));
  }
  static void TearDownTestSuite() {
    delete docs_;
    delete keys_;
    docs_ = nullptr;
    keys_ = nullptr;
  }
  static std::map<std::string, int> Count(const char* object, const char* field) {
    std::map<std::string, int> out;
    for (const json::Value& doc : *docs_) out[Get(doc, object, field)]++;
    return out;
  }
  static std::vector<json::Value>* docs_;
  static std::vector<std::string>* keys_;
};
std::vector<json::Value>* CorpusSample::docs_ = nullptr;
std::vector<std::string>* CorpusSample::keys_ = nullptr;

std::pair<std::string, int> Top(const std::map<std::string, int>& counts, int rank) {
  std::vector<std::pair<int, std::string>> v;
  for (const auto& [k, c] : counts) v.push_back({c, k});
  std::sort(v.rbegin(), v.rend());
  return {v[rank].second, v[rank].first};
}

TEST_F(CorpusSample, EnUsIsTheMostCommonLocaleByFar) {
  const auto locales = Count("target", "locale");
  EXPECT_EQ(Top(locales, 0).first, "en-US");
  EXPECT_GT(Top(locales, 0).second, 2 * Top(locales, 1).second);
  EXPECT_GE(locales.size(), 80u);
  for (const char* code : {"de", "fr", "ja", "ja-JP-mac", "zh-TW", "pt-BR", "es-AR", "multi"}) {
    EXPECT_GT(locales.count(code), 0u) << code;
  }
}

TEST_F(CorpusSample, FirefoxIsTheMostCommonProduct) {
  const auto products = Count("source", "product");
  EXPECT_EQ(Top(products, 0).first, "firefox");
  EXPECT_GT(Top(products, 0).second, 100000 / 2);
  for (const char* p : {"firefox", "devedition", "fennec", "thunderbird", "focus"}) {
    EXPECT_GT(products.count(p), 0u) << p;
  }
  EXPECT_LE(products.size(), 5u);
}

TEST_F(CorpusSample, ChannelsMatchProducts) {
  std::map<std::string, std::set<std::string>> channels;
  int firefox_release = 0;
  for (const json::Value& doc : *docs_) {
    const std::string product = Get(doc, "source", "product");
    const std::string channel = Get(doc, "target", "channel");
    channels[product].insert(channel);
    if (product == "firefox" && channel == "release") ++firefox_release;
  }
  EXPECT_EQ(channels["devedition"], (std::set<std::string>{"aurora"}));
  EXPECT_EQ(channels["firefox"],
            (std::set<std::string>{"nightly", "aurora", "beta", "release", "esr"}));
  EXPECT_EQ(channels["thunderbird"], (std::set<std::string>{"nightly", "beta", "release", "esr"}));
  for (const std::string& c : channels["fennec"]) {
    EXPECT_TRUE(c == "nightly" || c == "aurora" || c == "beta" || c == "release") << c;
  }
  // Buildhub copies Firefox release builds to beta: the corpus must have some.
  EXPECT_GT(firefox_release, 1000);
}

TEST_F(CorpusSample, ManyVersionsOverManyYears) {
  const auto versions = Count("target", "version");
  EXPECT_GE(versions.size(), 500u);
  std::set<std::string> years;
  for (const json::Value& doc : *docs_) years.insert(Get(doc, "build", "id").substr(0, 4));
  for (int y = 2010; y <= 2025; ++y) EXPECT_TRUE(years.count(std::to_string(y))) << y;
  // Every version family of the brief appears.
  int nightly = 0, aurora = 0, beta = 0, rc = 0, dot = 0, esr = 0, fennec68 = 0;
  for (const auto& [v, n] : versions) {
    if (EndsWith(v, "a1")) ++nightly;
    if (EndsWith(v, "a2")) ++aurora;
    if (v.find('b') != std::string::npos) ++beta;
    if (v.find("rc") != std::string::npos) ++rc;
    if (EndsWith(v, "esr")) ++esr;
    if (StartsWith(v, "68.") && v.size() <= 5 && v != "68.0") ++fennec68;
    int dots = 0;
    for (char c : v) dots += c == '.';
    if (dots == 2 && !EndsWith(v, "esr")) ++dot;
  }
  EXPECT_GT(nightly, 50);
  EXPECT_GT(aurora, 20);
  EXPECT_GT(beta, 200);
  EXPECT_GT(rc, 5);
  EXPECT_GT(dot, 50);
  EXPECT_GT(esr, 50);
  EXPECT_GT(fennec68, 3);
}

TEST_F(CorpusSample, BuildIdIsBuildDate) {
  int with_date = 0;
  for (const json::Value& doc : *docs_) {
    const std::string id = Get(doc, "build", "id");
    ASSERT_EQ(id.size(), 14u) << json::Write(doc);
    ASSERT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << id;
    const std::string* date = Text(doc, "build", "date");
    if (date == nullptr) continue;  // optional, rarely absent
    ++with_date;
    ASSERT_EQ(date->size(), 20u) << *date;
    const std::string& d = *date;
    const std::string digits = d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2) + d.substr(11, 2) +
                               d.substr(14, 2) + d.substr(17, 2);
    ASSERT_EQ(digits, id) << d;
    ASSERT_EQ(d[4], '-');
    ASSERT_EQ(d[10], 'T');
    ASSERT_EQ(d[19], 'Z');
    // Published after it was built.
    const std::string published = Get(doc, "download", "date");
    ASSERT_GT(published.substr(0, 19), d.substr(0, 19)) << json::Write(doc);
  }
  EXPECT_GT(with_date, 99000);
  EXPECT_LT(with_date, 100000);  // build.date is sometimes omitted
}

TEST_F(CorpusSample, DownloadDatesUseTheObservedSpellings) {
  int micro_offset = 0, zulu = 0;
  for (const json::Value& doc : *docs_) {
    const std::string d = Get(doc, "download", "date");
    ASSERT_GE(d.size(), 20u);
    if (d.size() == 32 && EndsWith(d, "+00:00") && d[19] == '.') ++micro_offset;
    if (d.size() == 20 && EndsWith(d, "Z")) ++zulu;
  }
  EXPECT_GT(micro_offset, 70000);
  EXPECT_GT(zulu, 5000);
}

TEST_F(CorpusSample, PlatformsMatchOsAndProducts) {
  std::set<std::string> platforms;
  int no_os = 0;
  for (const json::Value& doc : *docs_) {
    const std::string platform = Get(doc, "target", "platform");
    const std::string product = Get(doc, "source", "product");
    platforms.insert(platform);
    const std::string* os = Text(doc, "target", "os");
    if (os == nullptr) {
      ++no_os;
    } else {
      ASSERT_EQ(*os, OsOf(platform)) << json::Write(doc);
    }
    const bool mobile = product == "fennec" || product == "focus";
    ASSERT_EQ(mobile, OsOf(platform) == "android") << json::Write(doc);
    if (Get(doc, "target", "locale") == "ja-JP-mac") {
      ASSERT_EQ(OsOf(platform), "mac");
    }
    if (Get(doc, "target", "locale") == "ja") {
      ASSERT_NE(OsOf(platform), "mac");
    }
  }
  EXPECT_GT(no_os, 500);    // os is optional, and sometimes absent
  EXPECT_LT(no_os, 10000);
  for (const char* p : {"linux-i686", "linux-x86_64", "win32", "win64", "win64-aarch64", "macosx64",
                        "macosx", "mac", "android-arm", "android-aarch64", "android-x86_64",
                        "android-api-16"}) {
    EXPECT_TRUE(platforms.count(p)) << p;
  }
}

TEST_F(CorpusSample, UrlsAndKeysMatchTheDocument) {
  for (size_t i = 0; i < docs_->size(); ++i) {
    const json::Value& doc = (*docs_)[i];
    const std::string& key = (*keys_)[i];
    const std::string url = Get(doc, "download", "url");
    const std::string product = Get(doc, "source", "product");
    const std::string locale = Get(doc, "target", "locale");
    const std::string version = FileVersion(Get(doc, "target", "version"));
    const std::string platform = Get(doc, "target", "platform");
    const std::string mimetype = Get(doc, "download", "mimetype");
    const std::string prefix = "https://archive.mozilla.org/pub/" + ArchiveDir(product) + "/";
    ASSERT_TRUE(StartsWith(url, prefix)) << url;
    ASSERT_TRUE(StartsWith(key, "pub/" + ArchiveDir(product) + "/")) << key;
    ASSERT_TRUE(EndsWith(key, "buildhub.json")) << key;
    const std::string path = url.substr(strlen("https://archive.mozilla.org/"));
    const std::string kind = path.substr(prefix.size() - strlen("https://archive.mozilla.org/"));
    if (StartsWith(kind, "nightly/")) {
      // .../2019-10-16-16-19-57-mozilla-central/firefox-72.0a1.en-US.win64.installer.exe
      const std::string id = Get(doc, "build", "id");
      const std::string stamp = id.substr(0, 4) + "-" + id.substr(4, 2) + "-" + id.substr(6, 2) +
                                "-" + id.substr(8, 2) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
      ASSERT_NE(url.find("/nightly/" + id.substr(0, 4) + "/" + id.substr(4, 2) + "/" + stamp + "-"),
                std::string::npos) << url;
      ASSERT_NE(url.find("-" + version + "." + locale + "."), std::string::npos) << url;
      ASSERT_EQ(url.find("-l10n/") != std::string::npos || url.find("-l10n-") != std::string::npos,
                locale != "en-US" && locale != "multi") << url;
      const std::string stem = key.substr(0, key.size() - strlen(".buildhub.json"));
      ASSERT_TRUE(StartsWith(path, stem + ".")) << path << " vs " << key;
    } else {
      const bool candidates = StartsWith(kind, "candidates/" + version + "-candidates/build");
      const bool releases = StartsWith(kind, "releases/" + version + "/");
      ASSERT_TRUE(candidates || releases) << url;
      ASSERT_NE(url.find("/" + locale + "/"), std::string::npos) << url;
      const std::string dir = key.substr(0, key.size() - strlen("buildhub.json"));
      ASSERT_TRUE(StartsWith(path, dir)) << path << " vs " << key;
      ASSERT_EQ(path.find('/', dir.size()), std::string::npos) << path;
      ASSERT_NE(url.find(version), std::string::npos) << url;
    }
    // Package kind and mimetype follow the platform.
    const std::string os = OsOf(platform);
    if (os == "linux") {
      ASSERT_TRUE(EndsWith(url, ".tar.bz2") || EndsWith(url, ".tar.xz")) << url;
      ASSERT_TRUE(mimetype == "application/x-bzip2" || mimetype == "application/x-xz" ||
                  mimetype == "application/octet-stream") << mimetype;
    } else if (os == "win") {
      ASSERT_TRUE(EndsWith(url, ".exe") || EndsWith(url, ".zip") || EndsWith(url, ".msi")) << url;
      if (EndsWith(url, ".exe")) {
        ASSERT_TRUE(mimetype == "application/x-msdownload" || mimetype == "application/x-msdos-program" ||
                    mimetype == "application/octet-stream") << mimetype;
      }
    } else if (os == "mac") {
      ASSERT_TRUE(EndsWith(url, ".dmg")) << url;
      ASSERT_TRUE(mimetype == "application/x-apple-diskimage" ||
                  mimetype == "application/octet-stream") << mimetype;
    } else {
      ASSERT_TRUE(EndsWith(url, ".apk")) << url;
      ASSERT_TRUE(mimetype == "application/vnd.android.package-archive" ||
                  mimetype == "application/octet-stream") << mimetype;
      ASSERT_NE(url.find("." + locale + ".android-"), std::string::npos) << url;
    }
  }
}

TEST_F(CorpusSample, UrlsHaveSpacesSometimesAndNonAsciiRarely) {
  int spaces = 0, encoded = 0, non_ascii = 0, astral = 0;
  for (const json::Value& doc : *docs_) {
    const std::string url = Get(doc, "download", "url");
    if (url.find(' ') != std::string::npos) ++spaces;
    if (url.find("%20") != std::string::npos) ++encoded;
    for (unsigned char c : url) {
      if (c >= 0x80) {
        ++non_ascii;
        break;
      }
    }
    if (url.find("\xF0\x9F") != std::string::npos) ++astral;
  }
  EXPECT_GT(spaces, 1000);
  EXPECT_GT(encoded, 3 * spaces / 2);
  EXPECT_GT(non_ascii, 20);
  EXPECT_LT(non_ascii, 1000);
  EXPECT_GT(astral, 0);
}

TEST_F(CorpusSample, SizesAreRealistic) {
  for (const json::Value& doc : *docs_) {
    const int64_t size = *doc.find("download")->find("size")->as_exact_int64();
    if (OsOf(Get(doc, "target", "platform")) == "android") {
      ASSERT_GE(size, 39'000'000);
      ASSERT_LE(size, 61'000'000);
    } else {
      ASSERT_GE(size, 29'000'000);
      ASSERT_LE(size, 95'000'000);
    }
  }
}

TEST_F(CorpusSample, SourceIsConsistent) {
  // One build id of one product/version/tree is one build: one revision.
  std::map<std::string, std::set<std::string>> revisions;
  std::map<std::string, int> group_size;
  for (const json::Value& doc : *docs_) {
    const std::string product = Get(doc, "source", "product");
    const std::string repo = Get(doc, "source", "repository");
    const std::string tree = Get(doc, "source", "tree");
    const std::string revision = Get(doc, "source", "revision");
    const std::string channel = Get(doc, "target", "channel");
    if (!repo.empty()) {
      ASSERT_TRUE(StartsWith(repo, "https://hg.mozilla.org/")) << repo;
      ASSERT_EQ(revision.size(), 40u);
      ASSERT_EQ(revision.find_first_not_of("0123456789abcdef"), std::string::npos) << revision;
      if (!tree.empty()) {
        ASSERT_TRUE(EndsWith(repo, "/" + tree)) << repo << " " << tree;
      }
      if (product == "thunderbird") {
        ASSERT_NE(repo.find("/comm-"), std::string::npos) << repo;
      } else {
        ASSERT_EQ(repo.find("/comm-"), std::string::npos) << repo;
      }
      if (channel == "beta" && product != "thunderbird" &&
          !StartsWith(Get(doc, "target", "version"), "4.0b")) {
        ASSERT_TRUE(EndsWith(repo, "/releases/mozilla-beta")) << repo;
      }
      if (channel == "esr" && product == "firefox") {
        ASSERT_NE(repo.find("/releases/mozilla-esr"), std::string::npos) << repo;
      }
    }
    const std::string group = product + " " + Get(doc, "target", "version") + " " +
                              Get(doc, "build", "id") + " " + tree;
    if (!revision.empty()) revisions[group].insert(revision);
    group_size[group]++;
  }
  int big_groups = 0;
  for (const auto& [group, revs] : revisions) {
    ASSERT_EQ(revs.size(), 1u) << group;
  }
  for (const auto& [group, n] : group_size) big_groups += n >= 20;
  EXPECT_GT(big_groups, 100);
}

TEST_F(CorpusSample, CompilerStringsFollowThePlatform) {
  int long_strings = 0;
  for (const json::Value& doc : *docs_) {
    const std::string os = OsOf(Get(doc, "target", "platform"));
    const std::string cc = Get(doc, "build", "cc");
    const std::string target = Get(doc, "build", "target");
    if (cc.size() > 256) ++long_strings;
    if (os == "win") {
      ASSERT_NE(target.find("mingw32"), std::string::npos) << target;
      ASSERT_TRUE(cc.find("cl.exe") != std::string::npos) << cc;
    } else if (os == "mac") {
      ASSERT_NE(target.find("apple-darwin"), std::string::npos) << target;
    } else if (os == "android") {
      ASSERT_NE(target.find("android"), std::string::npos) << target;
    } else {
      ASSERT_NE(target.find("linux-gnu"), std::string::npos) << target;
    }
  }
  EXPECT_GT(long_strings, 200);
}

TEST(GeneratorTimeline, MatchesTheRealCalendarAtAnchors) {
  using gen::DaysFromCivil;
  EXPECT_EQ(gen::ReleaseDay(70), DaysFromCivil(2019, 10, 22));
  EXPECT_EQ(gen::ReleaseDay(130), DaysFromCivil(2024, 9, 3));
  EXPECT_EQ(gen::ReleasedMajorAt(DaysFromCivil(2019, 10, 21)), 69);
  EXPECT_EQ(gen::ReleasedMajorAt(DaysFromCivil(2019, 10, 22)), 70);
  EXPECT_EQ(gen::NightlyVersion(DaysFromCivil(2019, 10, 16)), "71.0a1");
  EXPECT_EQ(gen::NightlyVersion(DaysFromCivil(2019, 10, 23)), "72.0a1");
  // The aurora era: nightly 48, aurora 47 in March 2016.
  EXPECT_TRUE(gen::InAuroraEra(DaysFromCivil(2016, 3, 10)));
  EXPECT_EQ(gen::NightlyVersion(DaysFromCivil(2016, 3, 10)), "48.0a1");
  EXPECT_EQ(gen::AuroraMajor(DaysFromCivil(2016, 3, 10)), 47);
  EXPECT_EQ(gen::NightlyVersion(DaysFromCivil(2010, 3, 1)), "3.7a2pre");
  EXPECT_EQ(gen::EsrVersion(60, 8, 0), "60.8.0esr");
  EXPECT_EQ(gen::EsrVersion(68, 0, 0), "68.0esr");
  EXPECT_EQ(gen::EsrVersion(17, 5, 0), "17.0.5esr");
  // Betas fit inside their cycle.
  for (int major = 5; major <= 140; ++major) {
    const auto betas = gen::BetaSchedule(major);
    ASSERT_GE(betas.size(), 2u) << major;
    ASSERT_LE(betas.size(), 14u) << major;
    ASSERT_GT(betas.front().day, gen::ReleaseDay(major - 1));
    ASSERT_LT(betas.back().day, gen::ReleaseDay(major));
  }
}

TEST(GeneratorTime, CivilRoundTrip) {
  for (int64_t t : {int64_t{0}, int64_t{1571243997}, int64_t{951782400}, int64_t{4102444799}}) {
    const gen::CivilTime c = gen::CivilFromUnix(t);
    EXPECT_EQ(gen::DaysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 +
                  c.second,
              t);
  }
  std::string id;
  gen::AppendBuildId(gen::CivilFromUnix(1571243997), &id);
  EXPECT_EQ(id, "20191016163957");
  std::string iso;
  gen::AppendIsoSeconds(gen::CivilFromUnix(951782400), &iso);  // a leap day
  EXPECT_EQ(iso, "2000-02-29T00:00:00");
}

// Not a timed test (the machine is shared): reports the rate for the log.
TEST(CorpusGenerator, ReportsItsSpeed) {
  CorpusGenerator gen(99);
  constexpr int kDocs = 200000;
  size_t members = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kDocs; ++i) members += gen.Next().size();
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(members, size_t{4} * kDocs);
  std::printf("generated %d documents, %.2f us/document\n", kDocs, us / kDocs);
  RecordProperty("us_per_document", std::to_string(us / kDocs));
}

}  // namespace
}  // namespace buildhub::ingest
