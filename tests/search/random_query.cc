// Random request bodies. Each generator picks a shape, then values from the
// corpus pools, with a small share of near misses, unknown fields and bodies
// that must be refused.
#include "search/random_query.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "search/analyzer.h"
#include "search/dates.h"

namespace buildhub::search::oracle {

namespace {

using json::Value;

Value Str(std::string s) { return Value::String(std::move(s)); }
Value Int(int64_t i) { return Value::Int(i); }

Value Obj(std::initializer_list<std::pair<std::string, Value>> members) {
  Value o = Value::Object();
  for (const auto& [k, v] : members) o.set(k, v);
  return o;
}

Value Arr(std::vector<Value> items) {
  Value a = Value::Array();
  for (auto& i : items) a.push_back(std::move(i));
  return a;
}

const std::vector<std::string> kKeyword = {
    "id", "build.id", "source.product", "source.repository", "source.tree", "source.revision",
    "target.platform", "target.os", "target.locale", "target.version", "target.channel",
    "download.url", "download.mimetype", "build.cc.keyword", "build.target.keyword",
    "build.ld.keyword", "build.as.keyword", "build.host.keyword", "build.cxx.keyword"};
const std::vector<std::string> kCommonKeyword = {
    "source.product", "target.platform", "target.os", "target.locale", "target.version",
    "target.channel", "build.id", "source.tree", "download.mimetype"};
const std::vector<std::string> kLong = {"download.size", "build.number"};
const std::vector<std::string> kDate = {"build.date", "download.date"};
const std::vector<std::string> kText = {"build.as", "build.cc", "build.cxx", "build.ld", "build.host", "build.target"};
const std::vector<std::string> kUnknown = {"nope", "target.nope", "build.idx", "target", "Source.product"};
const std::vector<std::string> kUiFields = {"source.product", "target.channel^1.2", "target.version^10",
                                            "target.locale^3", "target.platform^2", "build.id"};

bool IsText(const std::string& f) { return std::find(kText.begin(), kText.end(), f) != kText.end(); }
bool IsLong(const std::string& f) { return std::find(kLong.begin(), kLong.end(), f) != kLong.end(); }
bool IsDate(const std::string& f) { return std::find(kDate.begin(), kDate.end(), f) != kDate.end(); }

// Escapes every non-alphanumeric character for Lucene regexp (\x is x).
std::string RegexpLiteral(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c >= 0x80) {
      out += static_cast<char>(c);
    } else {
      out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string WildcardLiteral(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '?' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Cuts a UTF-8 string at a character boundary at or before `n` bytes.
std::string Utf8Prefix(const std::string& s, size_t n) {
  n = std::min(n, s.size());
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// A query_string word: lexes as one TERM.
bool IsPlainWord(const std::string& s) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  if (s == "AND" || s == "OR" || s == "NOT") return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

RandomQueryGenerator::RandomQueryGenerator(uint64_t seed, const std::vector<NaiveDoc>& corpus)
    : state_(0) {
  // Start each seed at an unrelated point of the splitmix64 sequence (seeds
  // n and n+1 must not give the same stream shifted by one).
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  state_ = z ^ (z >> 31);
  std::map<std::string, std::set<std::string>> strings;
  std::map<std::string, std::set<std::string>> tokens;
  std::map<std::string, std::set<int64_t>> numbers;
  std::map<std::string, std::set<std::string>> must_keep;  // values of the last documents
  size_t position = 0;
  for (const NaiveDoc& d : corpus) {
    bool tail = corpus.size() - position++ <= 16;  // the edge documents come last
    ids_.push_back(std::to_string(d.id));
    for (const auto& [object, value] : d.document.members()) {
      if (!value.is_object()) continue;
      for (const auto& [key, v] : value.members()) {
        std::string field = object + "." + key;
        if (v.is_string()) {
          strings[field].insert(v.text());
          if (tail) must_keep[field].insert(v.text());
          if (IsText(field)) {
            strings[field + ".keyword"].insert(v.text());
            if (tail) must_keep[field + ".keyword"].insert(v.text());
            for (auto& t : StandardAnalyze(v.text())) {
              tokens[field].insert(t);
              if (tail) must_keep["tokens:" + field].insert(t);
            }
          }
        } else if (v.is_number()) {
          if (auto n = v.as_int64()) numbers[field].insert(*n);
        }
      }
    }
  }
  // Keep the pools small and deterministic: every k-th value.
  for (auto& [field, set] : strings) {
    std::vector<std::string> all(set.begin(), set.end());
    size_t step = std::max<size_t>(1, all.size() / 300);
    std::set<std::string> kept = must_keep[field];
    for (size_t i = 0; i < all.size(); i += step) kept.insert(all[i]);
    strings_[field].assign(kept.begin(), kept.end());
  }
  for (auto& [field, set] : tokens) {
    std::vector<std::string> all(set.begin(), set.end());
    size_t step = std::max<size_t>(1, all.size() / 300);
    std::set<std::string> kept = must_keep["tokens:" + field];
    for (size_t i = 0; i < all.size(); i += step) kept.insert(all[i]);
    tokens_[field].assign(kept.begin(), kept.end());
  }
  for (auto& [field, set] : numbers) numbers_[field].assign(set.begin(), set.end());
  if (ids_.empty()) ids_.push_back("1");
}

uint64_t RandomQueryGenerator::Bits() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int64_t RandomQueryGenerator::Uniform(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int64_t>(Bits() % static_cast<uint64_t>(hi - lo + 1));
}

bool RandomQueryGenerator::Chance(int percent) { return Uniform(0, 99) < percent; }

std::string RandomQueryGenerator::KeywordField() {
  return Chance(70) ? Pick(kCommonKeyword) : Pick(kKeyword);
}
std::string RandomQueryGenerator::NumericField() { return Chance(50) ? Pick(kLong) : Pick(kDate); }
std::string RandomQueryGenerator::TextField() { return Pick(kText); }
std::string RandomQueryGenerator::UnknownField() { return Pick(kUnknown); }

std::string RandomQueryGenerator::AnyField() {
  int r = static_cast<int>(Uniform(0, 99));
  if (r < 55) return KeywordField();
  if (r < 70) return Pick(kLong);
  if (r < 82) return Pick(kDate);
  if (r < 94) return TextField();
  return UnknownField();
}

std::string RandomQueryGenerator::AggregatableField() {
  int r = static_cast<int>(Uniform(0, 99));
  if (r < 70) return KeywordField();
  if (r < 82) return Pick(kLong);
  if (r < 94) return Pick(kDate);
  if (r < 98) return UnknownField();
  return TextField();  // a 400
}

std::string RandomQueryGenerator::StringValueFor(const std::string& field) {
  if (field == "id") return Chance(90) ? Pick(ids_) : "999999";
  auto it = strings_.find(field);
  if (it == strings_.end() || it->second.empty() || Chance(4)) {
    static const std::vector<std::string> odd = {"", "zzz", "Firefox", "ünïcödé", "60", "6", "x86_64"};
    return Pick(odd);
  }
  std::string v = Pick(it->second);
  if (Chance(6) && !v.empty()) {
    // Near misses: a case change or a cut.
    if (Chance(50)) {
      v[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
    } else {
      v = Utf8Prefix(v, v.size() - 1);
    }
  }
  return v;
}

std::string RandomQueryGenerator::TokenFor(const std::string& text_field) {
  auto it = tokens_.find(text_field);
  if (it == tokens_.end() || it->second.empty()) return "gcc";
  return Pick(it->second);
}

std::string RandomQueryGenerator::DateBound() {
  // Anchored on real dates of the corpus, in every form ES accepts.
  std::string base = "2016-05-01T00:55:11Z";
  auto it = strings_.find(Chance(50) ? "build.date" : "download.date");
  if (it != strings_.end() && !it->second.empty()) base = Pick(it->second);
  switch (Uniform(0, 10)) {
    case 0: return base.substr(0, 10);                 // a day
    case 1: return base.substr(0, 7);                  // a month
    case 2: return base.substr(0, 4);                  // a year
    case 3: return base.substr(0, 19) + "Z";           // a second
    case 4: return base.substr(0, 19) + ".5+02:00";    // fraction and offset
    case 5: return base.substr(0, 16);                 // minutes, no zone
    case 6: return "now-" + std::to_string(Uniform(1, 15)) + "y/y";
    case 7: return "now-" + std::to_string(Uniform(1, 100)) + "M/M";
    case 8: return base.substr(0, 10) + "||+1M/d";
    case 9: return base.substr(0, 10) + "||-1d";
    default: return base;
  }
}

Value RandomQueryGenerator::ValueFor(const std::string& field) {
  if (IsLong(field)) {
    auto it = numbers_.find(field);
    int64_t n = it != numbers_.end() && !it->second.empty() ? Pick(it->second) : Uniform(0, 10);
    int r = static_cast<int>(Uniform(0, 99));
    if (r < 70) return Int(n);
    if (r < 80) return Int(n + Uniform(-1, 1));
    if (r < 88) return Str(std::to_string(n));
    if (r < 94) return Value::NumberLiteral(std::to_string(n) + ".5");
    if (r < 97) return Value::NumberLiteral(std::to_string(n) + ".0");
    return Str("big");  // a 400
  }
  if (IsDate(field)) {
    if (Chance(15)) {
      auto ms = dates::ParseStoredDate(StringValueFor(field));
      if (ms) return Int(*ms);
    }
    return Str(Chance(50) ? StringValueFor(field) : DateBound());
  }
  if (IsText(field)) {
    int r = static_cast<int>(Uniform(0, 99));
    if (r < 75) return Str(TokenFor(field));
    if (r < 85) return Str(StringValueFor(field));
    std::string t = TokenFor(field);
    for (auto& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Str(t);
  }
  if (field == "target.version" && Chance(10)) return Value::NumberLiteral(Chance(50) ? "60" : "60.0");
  return Str(StringValueFor(field));
}

// ---------------------------------------------------------------- queries

Value RandomQueryGenerator::TermQuery() {
  int r = static_cast<int>(Uniform(0, 99));
  std::string field = r < 55   ? KeywordField()
                      : r < 70 ? Pick(kLong)
                      : r < 82 ? Pick(kDate)
                      : r < 94 ? TextField()
                               : UnknownField();
  Value v = ValueFor(field);
  if (Chance(20)) v = Obj({{"value", v}, {"boost", Value::NumberLiteral("1.5")}});
  return Obj({{"term", Obj({{field, v}})}});
}

Value RandomQueryGenerator::TermsQuery() {
  std::string field = Chance(75) ? KeywordField() : AnyField();
  std::vector<Value> values;
  int n = static_cast<int>(Uniform(0, 5));
  for (int i = 0; i < n; ++i) values.push_back(ValueFor(field));
  Value body = Obj({{field, Arr(values)}});
  if (Chance(10)) body.set("boost", Int(2));
  return Obj({{"terms", body}});
}

Value RandomQueryGenerator::RangeQuery() {
  int r = static_cast<int>(Uniform(0, 99));
  std::string field = r < 35 ? (Chance(60) ? (Chance(50) ? "target.version" : "build.id") : KeywordField())
                      : r < 55 ? Pick(kLong)
                      : r < 85 ? Pick(kDate)
                      : r < 95 ? TextField()
                               : UnknownField();
  auto bound = [&]() -> Value {
    if (IsDate(field)) {
      if (Chance(10)) {
        auto ms = dates::ParseStoredDate(StringValueFor(field));
        if (ms) return Int(*ms);
      }
      return Str(DateBound());
    }
    if (IsLong(field)) return ValueFor(field);
    if (IsText(field)) return Str(TokenFor(field));
    std::string v = StringValueFor(field);
    if (Chance(40)) v = Utf8Prefix(v, static_cast<size_t>(Uniform(1, 4)));  // "63", "2019"
    if (field == "target.version" && Chance(10)) return Value::NumberLiteral(Chance(50) ? "60" : "65.5");
    return Str(v);
  };
  Value body = Value::Object();
  if (IsDate(field) && Chance(8)) {
    // An explicit format, with bounds written in it.
    std::string lo = DateBound().substr(0, 10), hi = DateBound().substr(0, 10);
    bool day = lo.size() == 10 && lo[4] == '-' && hi.size() == 10 && hi[4] == '-';
    if (day) {
      body.set(Chance(50) ? "gte" : "gt", Str(lo));
      body.set(Chance(50) ? "lte" : "lt", Str(hi));
      body.set("format", Str(Chance(50) ? "yyyy-MM-dd" : "yyyy-MM-dd||epoch_millis"));
      if (Chance(30)) body.set("time_zone", Str(Chance(50) ? "+05:30" : "Europe/Paris"));
      return Obj({{"range", Obj({{field, body}})}});
    }
  }
  if (Chance(5)) {
    body.set("from", bound());
    body.set("to", Chance(20) ? Value::Null() : bound());
    body.set("include_lower", Value::Bool(Chance(50)));
    body.set("include_upper", Value::Bool(Chance(50)));
  } else {
    bool lower = Chance(70), upper = !lower || Chance(60);
    if (lower) body.set(Chance(50) ? "gt" : "gte", bound());
    if (upper) body.set(Chance(50) ? "lt" : "lte", bound());
  }
  if (IsDate(field)) {
    if (Chance(8)) body.set("time_zone", Str(Chance(50) ? "+01:00" : "-05:00"));
    if (Chance(5)) {
      // Only formats that every generated bound satisfies would be fair; use
      // the field's own default spelled out.
      body.set("format", Str("strict_date_optional_time||epoch_millis"));
    }
  }
  if (Chance(5)) body.set("boost", Int(2));
  return Obj({{"range", Obj({{field, body}})}});
}

Value RandomQueryGenerator::PatternQuery() {
  int kind = static_cast<int>(Uniform(0, 2));  // prefix, wildcard, regexp
  int r = static_cast<int>(Uniform(0, 99));
  std::string field = r < 65 ? KeywordField() : r < 92 ? TextField() : UnknownField();
  std::string v = IsText(field) ? TokenFor(field) : StringValueFor(field);
  Value pattern;
  std::string name;
  if (kind == 0) {
    name = "prefix";
    pattern = Str(Utf8Prefix(v, static_cast<size_t>(Uniform(0, static_cast<int64_t>(v.size())))));
  } else if (kind == 1) {
    name = "wildcard";
    std::string head = Utf8Prefix(v, static_cast<size_t>(Uniform(0, static_cast<int64_t>(v.size()))));
    std::string p = WildcardLiteral(head);
    switch (Uniform(0, 3)) {
      case 0: p += "*"; break;
      case 1: p = "*" + WildcardLiteral(v.substr(head.size())); break;
      case 2: p += "?" + std::string(Chance(50) ? "*" : ""); break;
      default: p = WildcardLiteral(v); break;
    }
    pattern = Str(p);
  } else {
    name = "regexp";
    std::string head = Utf8Prefix(v, static_cast<size_t>(Uniform(0, static_cast<int64_t>(v.size()))));
    std::string p;
    switch (Uniform(0, 7)) {
      case 0: p = RegexpLiteral(head) + ".*"; break;
      case 1: p = ".*" + RegexpLiteral(v.substr(head.size())); break;
      case 2: {
        std::string other = IsText(field) ? TokenFor(field) : StringValueFor(field);
        p = "(" + RegexpLiteral(v) + "|" + RegexpLiteral(other) + ")";
        break;
      }
      case 3: p = RegexpLiteral(head) + "[0-9]+.*"; break;
      case 4: p = "\"" + head + "\".*"; break;
      case 5: p = "~(" + RegexpLiteral(v) + ")"; break;
      case 6: p = RegexpLiteral(head) + "[a-z]{1,3}@"; break;
      default: p = "<50-70>.*"; break;
    }
    if (Chance(2)) p = "(" + p;  // a 400
    if (p.find('"') != std::string::npos && head.find('"') != std::string::npos) p = ".*";
    pattern = Str(p);
  }
  if (Chance(20)) pattern = Obj({{"value", pattern}, {"boost", Int(1)}});
  return Obj({{name, Obj({{field, pattern}})}});
}

Value RandomQueryGenerator::MatchQuery() {
  int kind = static_cast<int>(Uniform(0, 9));
  if (kind == 0) {
    // multi_match over keyword and text fields.
    std::vector<Value> fields;
    std::string first = Chance(50) ? KeywordField() : TextField();
    fields.push_back(Str(first));
    fields.push_back(Str(Chance(50) ? KeywordField() : TextField()));
    Value body = Obj({{"query", Str(IsText(first) ? TokenFor(first) : StringValueFor(first))}, {"fields", Arr(fields)}});
    if (Chance(30)) body.set("operator", Str("and"));
    return Obj({{"multi_match", body}});
  }
  if (kind == 1) {
    // match_phrase: consecutive tokens of a real text value, or a keyword value.
    std::string field = Chance(70) ? TextField() : KeywordField();
    std::string q;
    if (IsText(field)) {
      auto tokens = StandardAnalyze(StringValueFor(field));
      if (!tokens.empty()) {
        size_t start = static_cast<size_t>(Uniform(0, static_cast<int64_t>(tokens.size()) - 1));
        size_t len = static_cast<size_t>(Uniform(1, 3));
        for (size_t i = start; i < tokens.size() && i < start + len; ++i) q += (q.empty() ? "" : " ") + tokens[i];
      }
    } else {
      q = StringValueFor(field);
    }
    return Obj({{"match_phrase", Obj({{field, Str(q)}})}});
  }
  int r = static_cast<int>(Uniform(0, 99));
  std::string field = r < 40 ? KeywordField() : r < 80 ? TextField() : r < 95 ? NumericField() : UnknownField();
  Value q;
  if (IsText(field)) {
    std::string text;
    int n = static_cast<int>(Uniform(1, 3));
    for (int i = 0; i < n; ++i) text += (i ? " " : "") + TokenFor(field);
    if (Chance(20)) text = StringValueFor(field);
    if (Chance(15)) std::transform(text.begin(), text.end(), text.begin(), ::toupper);
    if (Chance(3)) text = "--- ";  // analyses to nothing
    q = Str(text);
  } else {
    q = ValueFor(field);
  }
  if (Chance(50)) {
    Value body = Obj({{"query", q}});
    if (Chance(50)) body.set("operator", Str(Chance(50) ? "and" : "OR"));
    if (Chance(20)) {
      static const std::vector<std::string> msm = {"1", "2", "-1", "50%", "75%"};
      body.set("minimum_should_match", Str(Pick(msm)));
    }
    if (Chance(10)) body.set("zero_terms_query", Str(Chance(50) ? "all" : "none"));
    if (Chance(10) && !IsText(field)) body.set("lenient", Value::Bool(true));
    return Obj({{"match", Obj({{field, body}})}});
  }
  return Obj({{"match", Obj({{field, q}})}});
}

Value RandomQueryGenerator::QueryStringQuery() {
  Value body = Value::Object();
  std::vector<std::string> fields;
  int shape = static_cast<int>(Uniform(0, 9));
  if (shape < 5) {
    for (const auto& f : kUiFields) fields.push_back(f);
  } else if (shape < 8) {
    int n = static_cast<int>(Uniform(1, 3));
    for (int i = 0; i < n; ++i) fields.push_back(Chance(80) ? Pick(kCommonKeyword) : TextField());
  }
  bool standard = Chance(55);
  auto plain_fields = [&]() {
    std::vector<std::string> out;
    for (const auto& f : fields) out.push_back(f.substr(0, f.find('^')));
    return out;
  };
  std::string default_field = Chance(80) ? Pick(kCommonKeyword) : TextField();
  std::vector<std::string> targets = fields.empty() ? std::vector<std::string>{default_field} : plain_fields();
  auto word_for = [&](const std::string& field) {
    for (int attempt = 0; attempt < 6; ++attempt) {
      std::string w = IsText(field) ? TokenFor(field) : StringValueFor(field);
      if (IsPlainWord(w)) return w;
    }
    return std::string("firefox");
  };
  auto term = [&]() -> std::string {
    std::string field = Pick(targets);
    int kind = static_cast<int>(Uniform(0, 99));
    std::string w = word_for(field);
    if (kind < 35) return w;
    if (kind < 60) return Utf8Prefix(w, static_cast<size_t>(Uniform(1, static_cast<int64_t>(w.size())))) + "*";
    if (kind < 72) return field + ":" + w;
    if (kind < 82) return field + ":" + Utf8Prefix(w, static_cast<size_t>(Uniform(1, static_cast<int64_t>(w.size())))) + "*";
    if (kind < 88) return "\"" + w + "\"";
    if (kind < 94) return "_exists_:" + Pick(kKeyword);
    if (kind < 97) return "*";
    return w + "^2";
  };
  std::string q;
  int n = static_cast<int>(Uniform(1, 3));
  for (int i = 0; i < n; ++i) {
    std::string t = term();
    if (Chance(15)) t = (Chance(50) ? "-" : "NOT ") + t;
    if (Chance(10)) t = "+" + t;
    if (Chance(8)) t = "(" + t + " " + (Chance(50) ? "OR " : "") + term() + ")";
    if (i > 0) {
      int c = static_cast<int>(Uniform(0, 3));
      q += c == 0 ? " AND " : c == 1 ? " OR " : c == 2 ? " && " : " ";
    }
    q += t;
  }
  if (Chance(2)) q = "";
  body.set("query", Str(q));
  if (!fields.empty()) {
    std::vector<Value> fv;
    for (const auto& f : fields) fv.push_back(Str(f));
    body.set("fields", Arr(fv));
  } else {
    body.set("default_field", Str(default_field));
  }
  if (standard) body.set("analyzer", Str("standard"));
  body.set("default_operator", Str(Chance(60) ? "AND" : "OR"));
  if (Chance(60)) body.set("analyze_wildcard", Value::Bool(Chance(80)));
  if (Chance(60)) body.set("lenient", Value::Bool(true));
  if (shape < 3) {
    body.set("phrase_slop", Int(1));  // as the page sends it; our phrases are single tokens
    body.set("auto_generate_phrase_queries", Value::Bool(true));
    body.set("split_on_whitespace", Value::Bool(true));
  }
  return Obj({{"query_string", body}});
}

Value RandomQueryGenerator::LeafQuery() {
  if (Chance(2)) {
    switch (Uniform(0, 6)) {
      case 0: return Obj({{"term", Obj({{"target.os", Obj({{"value", Str("linux")}, {"bogus", Int(1)}})}})}});
      case 1: return Obj({{"range", Obj({{"download.size", Obj({{"gte", Int(1)}, {"foo", Int(2)}})}})}});
      case 2: return Obj({{"match", Obj({{"build.cc", Obj({{"query", Str("gcc")}, {"operator", Str("xor")}})}})}});
      case 3: return Obj({{"exists", Value::Object()}});
      case 4: return Obj({{"bool", Obj({{"must", Value::Array()}, {"musts", Value::Array()}})}});
      case 5: return Obj({{"range", Obj({{Chance(50) ? "target.version" : "nope", Obj({{"gte", Str("6")}, {"time_zone", Str("+01:00")}})}})}});
      default: return Obj({{"prefix", Obj({{"download.size", Str("4")}})}});
    }
  }
  int r = static_cast<int>(Uniform(0, 99));
  if (r < 20) return TermQuery();
  if (r < 30) return TermsQuery();
  if (r < 45) return RangeQuery();
  if (r < 57) return PatternQuery();
  if (r < 70) return MatchQuery();
  if (r < 77) return Obj({{"exists", Obj({{"field", Str(Chance(90) ? AnyField() : UnknownField())}})}});
  if (r < 81) {
    std::vector<Value> ids;
    int n = static_cast<int>(Uniform(1, 4));
    for (int i = 0; i < n; ++i) ids.push_back(Str(Chance(90) ? Pick(ids_) : "999999"));
    return Obj({{"ids", Obj({{"values", Arr(ids)}})}});
  }
  if (r < 84) return Obj({{"match_all", Chance(80) ? Value::Object() : Obj({{"boost", Int(2)}})}});
  if (r < 85) return Obj({{"match_none", Value::Object()}});
  return QueryStringQuery();
}

Value RandomQueryGenerator::BoolQuery(int depth) {
  Value body = Value::Object();
  for (const char* occur : {"must", "filter", "should", "must_not"}) {
    if (!Chance(40)) continue;
    int n = static_cast<int>(Uniform(1, 3));
    if (n == 1 && Chance(30)) {
      body.set(occur, Query(depth + 1));
    } else {
      Value list = Value::Array();
      for (int i = 0; i < n; ++i) list.push_back(Query(depth + 1));
      body.set(occur, list);
    }
  }
  if (Chance(20)) {
    static const std::vector<std::string> msm = {"1", "2", "-1", "50%", "0", "100%", "-50%"};
    if (Chance(70)) {
      body.set("minimum_should_match", Str(Pick(msm)));
    } else {
      body.set("minimum_should_match", Int(Uniform(0, 2)));
    }
  }
  if (Chance(10)) body.set("boost", Int(2));
  return Obj({{"bool", body}});
}

Value RandomQueryGenerator::Query(int depth) {
  if (depth < 3) {
    int r = static_cast<int>(Uniform(0, 99));
    if (r < 28) return BoolQuery(depth);
    if (r < 33) {
      Value body = Obj({{"filter", Query(depth + 1)}});
      if (Chance(30)) body.set("boost", Value::NumberLiteral("2.5"));
      return Obj({{"constant_score", body}});
    }
  }
  return LeafQuery();
}

// ------------------------------------------------------------ aggregations

Value RandomQueryGenerator::Sort(bool allow_score) {
  if (allow_score && Chance(3)) return Arr({Str("_score")});
  std::vector<Value> keys;
  int n = static_cast<int>(Uniform(0, 2));
  for (int i = 0; i < n; ++i) {
    int r = static_cast<int>(Uniform(0, 99));
    std::string field = r < 55 ? KeywordField() : r < 75 ? Pick(kDate) : r < 95 ? Pick(kLong) : "";
    if (field.empty()) {
      int e = static_cast<int>(Uniform(0, 2));
      if (e == 0) {
        keys.push_back(Str(TextField()));  // a 400
        continue;
      }
      Value opts = Obj({{"order", Str(Chance(50) ? "asc" : "desc")}});
      if (e == 1) opts.set("unmapped_type", Str(Chance(50) ? "long" : "keyword"));
      keys.push_back(Obj({{UnknownField(), opts}}));  // e == 2: a 400
      continue;
    }
    int form = static_cast<int>(Uniform(0, 3));
    if (form == 0) {
      keys.push_back(Str(field));
    } else if (form == 1) {
      keys.push_back(Obj({{field, Str(Chance(50) ? "asc" : "desc")}}));
    } else {
      Value opts = Obj({{"order", Str(Chance(50) ? "asc" : "desc")}});
      if (Chance(50)) opts.set("missing", Str(Chance(50) ? "_first" : "_last"));
      keys.push_back(Obj({{field, opts}}));
    }
  }
  int tie = static_cast<int>(Uniform(0, 99));
  if (tie < 80) {
    keys.push_back(Chance(50) ? Obj({{"id", Str(Chance(50) ? "asc" : "desc")}}) : Str("id"));
  } else if (tie < 85) {
    keys.push_back(Str("_doc"));
  }
  if (keys.size() == 1 && Chance(20)) return keys[0];
  return Arr(keys);
}

Value RandomQueryGenerator::Source() {
  switch (Uniform(0, 8)) {
    case 0: return Value::Bool(false);
    case 1: return Value::Bool(true);
    case 2: return Str("target.*");
    case 3: return Arr({Str("id"), Str("build.id")});
    case 4: return Obj({{"includes", Arr({Str("target")})}, {"excludes", Arr({Str("target.locale")})}});
    case 5: return Obj({{"excludes", Arr({Str("build.*")})}});
    case 6: return Str("*.id");
    case 7: return Arr({Str("nothing")});
    default: return Obj({{"includes", Arr({Str("build"), Str("download.size")})}, {"excludes", Arr({Str("build.c*")})}});
  }
}

Value RandomQueryGenerator::Agg(int depth, int* budget, std::string* name) {
  static const std::vector<std::string> names = {"a", "by.version", "x.y.z", "ÿ-name", "n", "products7",
                                                 "source.product", "source.product_count"};
  *name = Pick(names) + std::to_string(++counter_);
  int r = static_cast<int>(Uniform(0, 99));
  Value agg = Value::Object();
  bool bucket = false;
  int fanout = 1;
  if (r < 25) {
    std::string field = AggregatableField();
    int64_t size = depth == 0 ? Uniform(1, 15) : Uniform(1, 5);
    if (depth == 0 && Chance(10)) size = 100;
    Value body = Obj({{"field", Str(field)}});
    if (Chance(80)) body.set("size", Int(size));
    if (Chance(50)) {
      int o = static_cast<int>(Uniform(0, 5));
      if (o == 0) body.set("order", Obj({{"_count", Str("asc")}}));
      if (o == 1) body.set("order", Obj({{"_key", Str(Chance(50) ? "asc" : "desc")}}));
      if (o == 2) body.set("order", Obj({{"_term", Str("desc")}}));
      if (o == 3) body.set("order", Arr({Obj({{"_count", Str("desc")}}), Obj({{"_key", Str("desc")}})}));
      if (o >= 4) {
        // Ordered by a metric sub-aggregation added below.
        std::string metric = Chance(50) ? "max" : Chance(50) ? "avg" : Chance(50) ? "cardinality" : "stats";
        std::string mfield = metric == "cardinality" ? AggregatableField() : (Chance(80) ? NumericField() : UnknownField());
        if (metric == "cardinality" && IsText(mfield)) mfield = "target.locale";
        std::string path = metric == "stats" ? "m.max" : "m";
        body.set("order", Obj({{path, Str(Chance(50) ? "asc" : "desc")}}));
        agg.set("aggs", Obj({{"m", Obj({{metric, Obj({{"field", Str(mfield)}})}})}}));
      }
    }
    bool keyword = !IsLong(field) && !IsDate(field) && !IsText(field);
    if (Chance(15)) {
      std::string v = StringValueFor(field);
      std::string p = Utf8Prefix(v, static_cast<size_t>(Uniform(0, 3)));
      static const std::vector<std::string> forms = {"6.*", "[a-f].*", ".*-.*", "([a-zA-Z]+ )+?6\\.0.*"};
      std::string re = Chance(50) ? RegexpLiteral(p) + ".*" : Pick(forms);
      body.set(Chance(70) ? "include" : "exclude", Str(re));  // on long/date fields: a 400
    } else if (Chance(10)) {
      std::vector<Value> values;
      for (int i = 0; i < 3; ++i) {
        Value v = keyword ? Str(StringValueFor(field)) : IsLong(field) ? ValueFor(field) : Str("x");
        if (v.is_number() && !v.is_integer_literal()) v = Int(1);
        if (v.is_string() && IsLong(field)) v = Int(2);
        values.push_back(v);
      }
      if (!IsDate(field)) body.set(Chance(70) ? "include" : "exclude", Arr(values));
    }
    int m = static_cast<int>(Uniform(0, 99));
    if (m < 8 && depth == 0 && body.find("missing") == nullptr) body.set("min_doc_count", Int(0));
    else if (m < 18) body.set("min_doc_count", Int(2));
    if (Chance(6) && keyword && body.find("min_doc_count") == nullptr) body.set("missing", Str("N/A"));
    if (Chance(3)) body.set("shard_size", Int(100));
    if (Chance(2)) body.set("size", Int(0));  // a 400
    agg.set("terms", body);
    bucket = true;
    fanout = static_cast<int>(std::min<int64_t>(size, 15));
  } else if (r < 33) {
    agg.set("filter", Query(2));
    bucket = true;
  } else if (r < 39) {
    Value filters = Value::Object();
    int n = static_cast<int>(Uniform(1, 3));
    for (int i = 0; i < n; ++i) filters.set("f" + std::to_string(i) + (Chance(50) ? ".x" : ""), LeafQuery());
    Value body = Obj({{"filters", filters}});
    if (Chance(30)) body.set("other_bucket", Value::Bool(true));
    if (Chance(10)) body.set("other_bucket_key", Str("rest"));
    agg.set("filters", body);
    bucket = true;
    fanout = n + 1;
  } else if (r < 45) {
    agg.set(Chance(60) ? "cardinality" : "value_count", Obj({{"field", Str(AggregatableField())}}));
  } else if (r < 57) {
    static const std::vector<std::string> metrics = {"min", "max", "sum", "avg", "stats"};
    std::string field = Chance(90) ? NumericField() : (Chance(50) ? UnknownField() : KeywordField());
    Value body = Obj({{"field", Str(field)}});
    if (Chance(10) && IsLong(field)) body.set("missing", Int(0));
    agg.set(Pick(metrics), body);
  } else if (r < 63) {
    Value body = Obj({{"size", Int(Uniform(0, 3))}});
    if (Chance(80)) body.set("sort", Sort(false));
    if (Chance(40)) body.set("_source", Source());
    if (Chance(10)) body.set("from", Int(1));
    agg.set("top_hits", body);
  } else if (r < 71) {
    static const std::vector<std::string> top = {"month", "quarter", "year", "1M", "1y", "90d", "week"};
    static const std::vector<std::string> nested = {"year", "quarter", "1y"};
    Value body = Obj({{"field", Str(Chance(95) ? Pick(kDate) : UnknownField())},
                      {"interval", Str(depth == 0 ? Pick(top) : Pick(nested))}});
    if (Chance(40)) body.set("min_doc_count", Int(1));
    if (Chance(10)) body.set("order", Obj({{"_count", Str("desc")}}));
    if (Chance(8)) body.set("keyed", Value::Bool(true));
    agg.set("date_histogram", body);
    bucket = true;
    fanout = depth == 0 ? 60 : 20;
  } else if (r < 78) {
    bool size = Chance(60);
    Value body = Obj({{"field", Str(size ? "download.size" : "build.number")}});
    if (size) {
      static const std::vector<int64_t> intervals = {5000000, 10000000, 20000000};
      body.set("interval", Int(Pick(intervals)));
      if (Chance(20)) body.set("offset", Int(1000000));
    } else {
      body.set("interval", Int(Uniform(1, 2)));
      if (Chance(30)) body.set("extended_bounds", Obj({{"min", Int(0)}, {"max", Int(5)}}));
    }
    if (Chance(40) && body.find("extended_bounds") == nullptr) body.set("min_doc_count", Int(1));
    if (Chance(10)) body.set("order", Obj({{"_count", Str("desc")}}));
    if (Chance(8)) body.set("keyed", Value::Bool(true));
    agg.set("histogram", body);
    bucket = true;
    fanout = 15;
  } else if (r < 85) {
    bool size = Chance(70);
    Value ranges = Value::Array();
    int n = static_cast<int>(Uniform(1, 3));
    for (int i = 0; i < n; ++i) {
      Value range = Value::Object();
      int64_t a = size ? Uniform(30, 95) * 1000000 : Uniform(0, 3);
      int64_t b = a + (size ? Uniform(1, 30) * 1000000 : Uniform(1, 2));
      int shape = static_cast<int>(Uniform(0, 2));
      if (shape != 1) range.set("from", Int(a));
      if (shape != 2) range.set("to", Int(b));
      if (Chance(20)) range.set("key", Str("k" + std::to_string(i)));
      ranges.push_back(range);
    }
    Value body = Obj({{"field", Str(size ? "download.size" : "build.number")}, {"ranges", ranges}});
    if (Chance(10)) body.set("keyed", Value::Bool(true));
    agg.set("range", body);
    bucket = true;
    fanout = n;
  } else if (r < 92) {
    std::string field = AnyField();
    agg.set("missing", Obj({{"field", Str(field)}}));
    bucket = true;
  } else {
    // A second terms on a common facet, as the page asks for.
    Value body = Obj({{"field", Str(Pick(kCommonKeyword))}, {"size", Int(Uniform(1, 50))}});
    if (Chance(50)) body.set("order", Obj({{"_term", Str(Chance(50) ? "asc" : "desc")}}));
    agg.set("terms", body);
    bucket = true;
    fanout = 10;
  }
  if (bucket && depth < 2 && Chance(40) && *budget / std::max(fanout, 1) >= 20) {
    int sub_budget = *budget / std::max(fanout, 1);
    Value subs = Aggs(depth + 1, &sub_budget);
    if (const Value* existing = agg.find("aggs")) {
      for (const auto& [k, v] : existing->members()) subs.set(k, v);
    }
    agg.set("aggs", subs);
  }
  if (Chance(3)) agg.set("meta", Obj({{"note", Str("echoed")}}));
  return agg;
}

Value RandomQueryGenerator::Aggs(int depth, int* budget) {
  Value aggs = Value::Object();
  int n = static_cast<int>(depth == 0 ? Uniform(1, 3) : Uniform(1, 2));
  for (int i = 0; i < n; ++i) {
    std::string name;
    Value agg = Agg(depth, budget, &name);
    aggs.set(name, agg);
  }
  return aggs;
}

// ---------------------------------------------------------------- bodies

Value RandomQueryGenerator::Next() {
  Value body = Value::Object();
  if (Chance(2)) {
    // Bodies that must be refused.
    switch (Uniform(0, 5)) {
      case 0: return Obj({{"size", Str("1001")}});
      case 1: return Obj({{"from", Int(9995)}, {"size", Int(10)}});
      case 2: return Obj({{"query", Obj({{"foo", Value::Object()}})}});
      case 3: return Obj({{"query", Obj({{"term", Value::Object()}})}});
      case 4: return Obj({{"query", Obj({{"bool", Obj({{"filter", Arr({Value::Object()})}})}})}});
      default: return Obj({{"aggs", Obj({{"x", Obj({{"date", Obj({{"field", Str("build.id")}})}})}})}});
    }
  }
  if (Chance(85)) body.set("query", Query(0));
  if (Chance(15)) body.set("post_filter", Query(1));
  if (Chance(45)) {
    int budget = 2000;
    body.set(Chance(90) ? "aggs" : "aggregations", Aggs(0, &budget));
  }
  int s = static_cast<int>(Uniform(0, 99));
  if (s < 55) body.set("size", Int(Uniform(0, 20)));
  else if (s < 65) body.set("size", Int(0));
  else if (s < 75) body.set("size", Int(Uniform(100, 300)));
  else if (s < 80) body.set("size", Str(std::to_string(Uniform(0, 15))));
  else if (s < 82) body.set("size", Int(-1));
  int f = static_cast<int>(Uniform(0, 99));
  if (f < 20) body.set("from", Int(Uniform(0, 50)));
  else if (f < 23) body.set("from", Str(std::to_string(Uniform(0, 5))));
  else if (f < 25) body.set("from", Int(-1));
  if (Chance(75)) body.set("sort", Sort(true));
  if (Chance(25)) body.set("_source", Source());
  if (Chance(5)) {
    body.set("highlight", Obj({{"fields", Obj({{"source.product", Value::Object()}, {"target.version", Value::Object()}})}}));
  }
  if (Chance(3)) {
    body.set("suggest", Obj({{"text", Str("firefox 54")},
                             {"suggestions", Obj({{"phrase", Obj({{"field", Str("target.version")}})}})}}));
  }
  if (Chance(4)) body.set("track_total_hits", Value::Bool(true));
  if (Chance(4)) body.set("timeout", Str("5s"));
  return body;
}

}  // namespace buildhub::search::oracle
