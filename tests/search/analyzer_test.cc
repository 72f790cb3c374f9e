#include "search/analyzer.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "support/fixtures.h"

namespace buildhub::search {
namespace {

using Tokens = std::vector<std::string>;

TEST(StandardAnalyzer, KeepsUnderscoreAndDottedNumbersTogether) {
  EXPECT_EQ(StandardAnalyze("x86_64"), (Tokens{"x86_64"}));
  EXPECT_EQ(StandardAnalyze("vs2017_15.8.4"), (Tokens{"vs2017_15.8.4"}));
  EXPECT_EQ(StandardAnalyze("task_1571244707"), (Tokens{"task_1571244707"}));
}

TEST(StandardAnalyzer, SplitsOnHyphensSlashesAndPunctuation) {
  EXPECT_EQ(StandardAnalyze("clang-cl"), (Tokens{"clang", "cl"}));
  EXPECT_EQ(StandardAnalyze("x86_64-pc-linux-gnu"), (Tokens{"x86_64", "pc", "linux", "gnu"}));
  EXPECT_EQ(StandardAnalyze("-std=gnu99"), (Tokens{"std", "gnu99"}));
  EXPECT_EQ(StandardAnalyze("$(CC)"), (Tokens{"cc"}));
  EXPECT_EQ(StandardAnalyze("a/b/c"), (Tokens{"a", "b", "c"}));
  EXPECT_EQ(StandardAnalyze("clang++"), (Tokens{"clang"}));
  EXPECT_EQ(StandardAnalyze("gnu++14"), (Tokens{"gnu", "14"}));
}

TEST(StandardAnalyzer, DotBetweenLettersJoinsButNotBetweenDigitAndLetter) {
  // WB6/WB7 join letter . letter; WB11/WB12 join digit . digit; a digit
  // followed by . and a letter is a break.
  EXPECT_EQ(StandardAnalyze("ml64.exe"), (Tokens{"ml64", "exe"}));
  EXPECT_EQ(StandardAnalyze("cl.exe"), (Tokens{"cl.exe"}));
  EXPECT_EQ(StandardAnalyze("clang-cl.exe"), (Tokens{"clang", "cl.exe"}));
  EXPECT_EQ(StandardAnalyze("MacOSX10.11.sdk"), (Tokens{"macosx10.11", "sdk"}));
  EXPECT_EQ(StandardAnalyze("1.2.3"), (Tokens{"1.2.3"}));
  EXPECT_EQ(StandardAnalyze("3.14abc"), (Tokens{"3.14abc"}));
  EXPECT_EQ(StandardAnalyze("abc."), (Tokens{"abc"}));
  EXPECT_EQ(StandardAnalyze("a..b"), (Tokens{"a", "b"}));
  EXPECT_EQ(StandardAnalyze(".a."), (Tokens{"a"}));
}

TEST(StandardAnalyzer, MidLetterAndMidNumRules) {
  EXPECT_EQ(StandardAnalyze("a:b"), (Tokens{"a:b"}));      // MidLetter between letters
  EXPECT_EQ(StandardAnalyze("a::b"), (Tokens{"a", "b"}));
  EXPECT_EQ(StandardAnalyze("1:2"), (Tokens{"1", "2"}));   // ':' is not MidNum
  EXPECT_EQ(StandardAnalyze("1,000.50"), (Tokens{"1,000.50"}));
  EXPECT_EQ(StandardAnalyze("1;2"), (Tokens{"1;2"}));
  EXPECT_EQ(StandardAnalyze("a,b"), (Tokens{"a", "b"}));   // ',' is MidNum only
  EXPECT_EQ(StandardAnalyze("z:/task"), (Tokens{"z", "task"}));
}

TEST(StandardAnalyzer, Apostrophes) {
  EXPECT_EQ(StandardAnalyze("don't"), (Tokens{"don't"}));
  EXPECT_EQ(StandardAnalyze("O'Reilly's"), (Tokens{"o'reilly's"}));
  EXPECT_EQ(StandardAnalyze("'quoted'"), (Tokens{"quoted"}));
  EXPECT_EQ(StandardAnalyze("rock 'n' roll"), (Tokens{"rock", "n", "roll"}));
}

TEST(StandardAnalyzer, ExtendNumLetJoinsAnywhereInARun) {
  EXPECT_EQ(StandardAnalyze("_foo_"), (Tokens{"_foo_"}));
  EXPECT_EQ(StandardAnalyze("___"), (Tokens{}));
  EXPECT_EQ(StandardAnalyze("a__1__b"), (Tokens{"a__1__b"}));
  EXPECT_EQ(StandardAnalyze("a_.b"), (Tokens{"a_", "b"}));
}

TEST(StandardAnalyzer, LowerCasesPerCodePoint) {
  EXPECT_EQ(StandardAnalyze("HostX64"), (Tokens{"hostx64"}));
  EXPECT_EQ(StandardAnalyze("ÀÉÎÕÜ"), (Tokens{"àéîõü"}));
  EXPECT_EQ(StandardAnalyze("Straße"), (Tokens{"straße"}));
  EXPECT_EQ(StandardAnalyze("ΑΒΓ Δέλτα"), (Tokens{"αβγ", "δέλτα"}));
  EXPECT_EQ(StandardAnalyze("ПРИВЕТ мир"), (Tokens{"привет", "мир"}));
  EXPECT_EQ(StandardAnalyze("ŁÓDŹ"), (Tokens{"łódź"}));
  EXPECT_EQ(LowerCase("ABC-Déf İ Σ"), "abc-déf i σ");
  EXPECT_EQ(LowerCase("\xff" "A"), "\xff" "a");  // ill-formed bytes kept, the rest lowered
}

TEST(StandardAnalyzer, CjkIdeographsAreOneTokenEach) {
  EXPECT_EQ(StandardAnalyze("日本語"), (Tokens{"日", "本", "語"}));
  EXPECT_EQ(StandardAnalyze("ひらがな"), (Tokens{"ひ", "ら", "が", "な"}));
  EXPECT_EQ(StandardAnalyze("カタカナ"), (Tokens{"カタカナ"}));
  EXPECT_EQ(StandardAnalyze("한국어 text"), (Tokens{"한국어", "text"}));
  EXPECT_EQ(StandardAnalyze("abc日本"), (Tokens{"abc", "日", "本"}));
}

TEST(StandardAnalyzer, SoutheastAsianRunsStayTogether) {
  EXPECT_EQ(StandardAnalyze("ภาษาไทย ok"), (Tokens{"ภาษาไทย", "ok"}));
}

TEST(StandardAnalyzer, CombiningMarksStayWithTheirBase) {
  EXPECT_EQ(StandardAnalyze("e\xcc\x81t\xc3\xa9"), (Tokens{"e\xcc\x81t\xc3\xa9"}));
  // A mark with no base is dropped.
  EXPECT_EQ(StandardAnalyze(" \xcc\x81 x"), (Tokens{"x"}));
}

TEST(StandardAnalyzer, EmojiAreTokens) {
  EXPECT_EQ(StandardAnalyze("go \xF0\x9F\x91\x8D now"), (Tokens{"go", "\xF0\x9F\x91\x8D", "now"}));
  EXPECT_EQ(StandardAnalyze("Firefox\xC2\xAE"), (Tokens{"firefox", "\xC2\xAE"}));
  // A flag is a pair of regional indicators; a lone one is nothing.
  EXPECT_EQ(StandardAnalyze("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"), (Tokens{"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"}));
  EXPECT_EQ(StandardAnalyze("\xF0\x9F\x87\xAB"), (Tokens{}));
  // Man ZWJ woman: one token.
  EXPECT_EQ(StandardAnalyze("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"),
            (Tokens{"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"}));
}

TEST(StandardAnalyzer, NothingToKeep) {
  EXPECT_EQ(StandardAnalyze(""), (Tokens{}));
  EXPECT_EQ(StandardAnalyze("  -- / $() ++ "), (Tokens{}));
}

TEST(StandardAnalyzer, LongRunsSplitAt255) {
  const std::string long_word(300, 'A');
  EXPECT_EQ(StandardAnalyze(long_word), (Tokens{std::string(255, 'a'), std::string(45, 'a')}));
  const std::string exact(255, 'b');
  EXPECT_EQ(StandardAnalyze(exact + " c"), (Tokens{exact, "c"}));
  // Counted in UTF-16 units, as Lucene does: 200 two-byte letters = 200 units.
  std::string greek;
  for (int i = 0; i < 300; ++i) greek += "\xce\xb1";  // α
  const Tokens got = StandardAnalyze(greek);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].size(), 255u * 2);
  EXPECT_EQ(got[1].size(), 45u * 2);
}

TEST(StandardAnalyzer, HostileInputNeverCrashes) {
  // Ill-formed UTF-8 is skipped, the rest still tokenised.
  EXPECT_EQ(StandardAnalyze("ab\xff\xfe" "cd"), (Tokens{"ab", "cd"}));
  EXPECT_EQ(StandardAnalyze("\xc3"), (Tokens{}));
  EXPECT_EQ(StandardAnalyze("\xed\xa0\x80x"), (Tokens{"x"}));  // a surrogate
  // A big mixed input finishes and yields bounded tokens.
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "a.1_\xe6\x97\xa5-'";
  const Tokens got = StandardAnalyze(big);
  EXPECT_GT(got.size(), 20000u);
  for (const auto& t : got) EXPECT_LE(t.size(), 255u * 3);
  std::string punct(100000, '.');
  EXPECT_EQ(StandardAnalyze(punct), (Tokens{}));
  std::string nul("a\0b", 3);
  EXPECT_EQ(StandardAnalyze(nul), (Tokens{"a", "b"}));
}

// The compiler strings of the reference samples, token by token.
TEST(StandardAnalyzer, ReferenceSampleCompilerStrings) {
  const std::vector<std::pair<std::string, Tokens>> cases = {
      {"/builds/worker/workspace/build/src/clang/bin/clang -std=gnu99",
       {"builds", "worker", "workspace", "build", "src", "clang", "bin", "clang", "std", "gnu99"}},
      {"/builds/worker/workspace/build/src/clang/bin/clang++",
       {"builds", "worker", "workspace", "build", "src", "clang", "bin", "clang"}},
      {"x86_64-pc-linux-gnu", {"x86_64", "pc", "linux", "gnu"}},
      {"/builds/worker/workspace/build/src/clang/bin/clang -std=gnu99 --target=x86_64-linux-android",
       {"builds", "worker", "workspace", "build", "src", "clang", "bin", "clang", "std", "gnu99",
        "target", "x86_64", "linux", "android"}},
      {"/builds/worker/workspace/build/src/clang/bin/clang++ --target=x86_64-linux-android",
       {"builds", "worker", "workspace", "build", "src", "clang", "bin", "clang", "target", "x86_64",
        "linux", "android"}},
      {"x86_64-pc-linux-android", {"x86_64", "pc", "linux", "android"}},
      {"z:/task_1571244707/build/src/vs2017_15.8.4/VC/bin/HostX64/x64/ml64.exe",
       {"z", "task_1571244707", "build", "src", "vs2017_15.8.4", "vc", "bin", "hostx64", "x64", "ml64",
        "exe"}},
      {"z:/task_1571244707/fetches/clang/bin/clang-cl.exe -Xclang -std=gnu99",
       {"z", "task_1571244707", "fetches", "clang", "bin", "clang", "cl.exe", "xclang", "std", "gnu99"}},
      {"z:/task_1571244707/fetches/clang/bin/clang-cl.exe",
       {"z", "task_1571244707", "fetches", "clang", "bin", "clang", "cl.exe"}},
      {"x86_64-pc-mingw32", {"x86_64", "pc", "mingw32"}},
      {"$(CC)", {"cc"}},
      {"/builds/worker/workspace/build/src/clang/bin/clang -target x86_64-apple-darwin11 -B "
       "/builds/worker/workspace/build/src/cctools/bin -isysroot "
       "/builds/worker/workspace/build/src/MacOSX10.11.sdk -std=gnu99",
       {"builds", "worker", "workspace", "build", "src", "clang", "bin", "clang", "target", "x86_64",
        "apple", "darwin11", "b", "builds", "worker", "workspace", "build", "src", "cctools", "bin",
        "isysroot", "builds", "worker", "workspace", "build", "src", "macosx10.11", "sdk", "std",
        "gnu99"}},
      {"/builds/worker/workspace/build/src/clang/bin/clang++ -target x86_64-apple-darwin11 -B "
       "/builds/worker/workspace/build/src/cctools/bin -isysroot "
       "/builds/worker/workspace/build/src/MacOSX10.11.sdk -std=gnu++14",
       {"builds", "worker", "workspace", "build", "src", "clang", "bin", "clang", "target", "x86_64",
        "apple", "darwin11", "b", "builds", "worker", "workspace", "build", "src", "cctools", "bin",
        "isysroot", "builds", "worker", "workspace", "build", "src", "macosx10.11", "sdk", "std", "gnu",
        "14"}},
      {"x86_64-apple-darwin", {"x86_64", "apple", "darwin"}},
  };
  std::map<std::string, Tokens> expected(cases.begin(), cases.end());

  // Every build.{as,cc,cxx,ld,host,target} string of the samples must be one
  // of the cases above, so that a new sample cannot go untested.
  size_t checked = 0;
  for (const char* name : {"docs-user-example-68.0b7-buildhub.json",
                           "valid-buildhub-fennec-release-channel.json",
                           "valid-buildhub-release-channel.json", "valid-buildhub.json"}) {
    const std::string text = testing::ReadFileOrDie(testing::SharedReference(std::string("samples/") + name));
    auto doc = json::Parse(text);
    ASSERT_TRUE(doc.ok()) << name << ": " << doc.status().ToString();
    const json::Value* build = doc->find("build");
    ASSERT_NE(build, nullptr) << name;
    for (const char* field : {"as", "cc", "cxx", "ld", "host", "target"}) {
      const json::Value* v = build->find(field);
      if (v == nullptr || !v->is_string()) continue;
      auto it = expected.find(v->text());
      ASSERT_NE(it, expected.end()) << name << " build." << field << " = " << v->text();
      EXPECT_EQ(StandardAnalyze(v->text()), it->second) << v->text();
      ++checked;
    }
  }
  EXPECT_GE(checked, 15u);
}

// ASCII text takes a byte-level fast path; an ideographic space (a non-ASCII
// non-letter) forces the general path without changing the tokens.
TEST(StandardAnalyzer, AsciiFastPathAgreesWithGeneralPath) {
  std::mt19937 rng(3);
  const std::string alphabet = "aZq09_.:,;'\"-/ $()+=@#*\t";
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    for (int i = 0, n = static_cast<int>(rng() % 24); i < n; ++i) s += alphabet[rng() % alphabet.size()];
    ASSERT_EQ(StandardAnalyze(s), StandardAnalyze(s + "\xe3\x80\x80")) << s;
  }
  const std::string long_word(600, 'x');
  EXPECT_EQ(StandardAnalyze(long_word), StandardAnalyze(long_word + "\xe3\x80\x80"));
  const std::string long_num = std::string(300, '1') + "." + std::string(300, '2');
  EXPECT_EQ(StandardAnalyze(long_num), StandardAnalyze(long_num + "\xe3\x80\x80"));
}

TEST(StandardAnalyzer, AppendsWithoutClearing) {
  Tokens out = {"keep"};
  StandardAnalyze("Two Words", &out);
  EXPECT_EQ(out, (Tokens{"keep", "two", "words"}));
}

}  // namespace
}  // namespace buildhub::search
