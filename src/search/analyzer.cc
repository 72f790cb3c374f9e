// Lucene 7's StandardTokenizer re-done by hand: its JFlex grammar
// (StandardTokenizerImpl.jflex) is a longest-match scanner over UAX #29 word
// break classes. We run the same rules as small automata over "units" (a
// base code point plus the Extend/Format/ZWJ marks that follow it, UAX #29
// WB4) and keep the longest match, as JFlex does. Character properties come
// from ICU so that every script is classified, not just Latin.
//
// Rules, each tried at every position, longest wins:
//   word:   ExtendNumLet* G (ExtendNumLet+ G)* ExtendNumLet*, where
//           G = Katakana (ExtendNumLet* Katakana)*
//             | (Hebrew quote | numeric run | letter run)+
//           numeric run: Numeric ((ExtendNumLet* | MidNum) Numeric)*
//           letter run:  AHLetter ((ExtendNumLet* | MidLetter) AHLetter)*
//   emoji:  emoji sequences, keycaps, flag pairs (one token each)
//   SE Asian: a run of Line_Break=Complex_Context characters
//   Han / Hiragana: one character per token
// Anything else is skipped. A token is cut at 255 UTF-16 units, like
// Lucene's scanner whose buffer is set to the maximum token length.

#include "search/analyzer.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/utf8.h"

namespace buildhub::search {
namespace {

constexpr size_t kMaxTokenUtf16 = 255;

// Word-break classes, as the JFlex grammar groups them.
enum class Wb : uint8_t {
  kOther,
  kALetter,
  kHebrew,
  kNumeric,
  kKatakana,
  kExtendNumLet,
  kMidLetter,   // MidLetter only
  kMidNum,      // MidNum only
  kMidNumLet,   // both
  kSingleQuote, // both, plus Hebrew rules
  kDoubleQuote,
  kExtend,      // Extend, Format, ZWJ: absorbed by the preceding unit
};

struct CharInfo {
  Wb wb = Wb::kOther;
  bool han = false;
  bool hiragana = false;
  bool complex = false;    // Line_Break = Complex_Context (Thai, Lao, ...)
  bool zwj = false;
  bool ri = false;         // Regional_Indicator
  bool emoji_char = false; // Extended_Pictographic or Emoji minus digits etc.
  bool emoji_mod = false;
  bool emoji_mod_base = false;
  bool keycap_base = false;  // [0-9#*]
};

CharInfo Classify(uint32_t cp) {
  CharInfo info;
  const UChar32 c = static_cast<UChar32>(cp);
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER: info.wb = Wb::kALetter; break;
    case U_WB_HEBREW_LETTER: info.wb = Wb::kHebrew; break;
    case U_WB_NUMERIC: info.wb = Wb::kNumeric; break;
    case U_WB_KATAKANA: info.wb = Wb::kKatakana; break;
    case U_WB_EXTENDNUMLET: info.wb = Wb::kExtendNumLet; break;
    case U_WB_MIDLETTER: info.wb = Wb::kMidLetter; break;
    case U_WB_MIDNUM: info.wb = Wb::kMidNum; break;
    case U_WB_MIDNUMLET: info.wb = Wb::kMidNumLet; break;
    case U_WB_SINGLE_QUOTE: info.wb = Wb::kSingleQuote; break;
    case U_WB_DOUBLE_QUOTE: info.wb = Wb::kDoubleQuote; break;
    case U_WB_EXTEND:
    case U_WB_FORMAT:
    case U_WB_ZWJ: info.wb = Wb::kExtend; break;
    default: break;
  }
  // Lucene counts full-width digits as numeric too.
  if (cp >= 0xFF10 && cp <= 0xFF19) info.wb = Wb::kNumeric;
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &err);
  info.han = script == USCRIPT_HAN;
  info.hiragana = script == USCRIPT_HIRAGANA;
  info.complex = u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT;
  info.zwj = cp == 0x200D;
  info.ri = u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
  info.keycap_base = (cp >= '0' && cp <= '9') || cp == '#' || cp == '*';
  info.emoji_mod = u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER);
  info.emoji_mod_base = u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER_BASE);
  const bool accidental = cp == 0xA9 || cp == 0xAE || cp == 0x2122 || cp == 0x3030 || cp == 0x303D;
  const bool rkam = info.ri || info.keycap_base || accidental || info.emoji_mod;
  info.emoji_char = u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
                    (u_hasBinaryProperty(c, UCHAR_EMOJI) && !rkam);
  return info;
}

// Latin-1 is what build strings are made of: classify it once.
const CharInfo& InfoFor(uint32_t cp, CharInfo* scratch) {
  static const std::array<CharInfo, 256> kLatin1 = [] {
    std::array<CharInfo, 256> table{};
    for (uint32_t c = 0; c < 256; ++c) table[c] = Classify(c);
    return table;
  }();
  if (cp < 256) return kLatin1[cp];
  *scratch = Classify(cp);
  return *scratch;
}

// Decodes UTF-8 leniently: an ill-formed byte becomes U+FFFD (which no rule
// keeps), so arbitrary bytes never stop the analyser.
struct Decoded {
  std::vector<uint32_t> cps;
  std::vector<uint32_t> offsets;  // byte offset of each code point, plus the end
};

Decoded Decode(std::string_view text) {
  Decoded d;
  d.cps.reserve(text.size());
  d.offsets.reserve(text.size() + 1);
  size_t pos = 0;
  while (pos < text.size()) {
    d.offsets.push_back(static_cast<uint32_t>(pos));
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      d.cps.push_back(b);
      ++pos;
      continue;
    }
    const size_t bad = utf8::FirstInvalidByte(text.substr(pos, 4));
    int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    if (b < 0xC2 || b > 0xF4 || (bad != std::string_view::npos && bad < static_cast<size_t>(len))) {
      d.cps.push_back(0xFFFD);
      ++pos;
      continue;
    }
    size_t p = pos;
    d.cps.push_back(utf8::DecodeNext(text, &p));
    pos = p;
  }
  d.offsets.push_back(static_cast<uint32_t>(text.size()));
  return d;
}

// The scanner over one decoded text.
class Scanner {
 public:
  explicit Scanner(const Decoded& d) : d_(d) {
    info_.reserve(d.cps.size());
    CharInfo scratch;
    for (uint32_t cp : d.cps) info_.push_back(InfoFor(cp, &scratch));
  }

  size_t size() const { return d_.cps.size(); }

  // Length in code points of the longest token starting at `i` (0: none),
  // never longer than `limit` code points.
  size_t Match(size_t i, size_t limit) const {
    size_t best = 0;
    best = std::max(best, MatchWord(i, limit));
    best = std::max(best, MatchEmoji(i, limit));
    best = std::max(best, MatchComplex(i, limit));
    if (info_[i].han || info_[i].hiragana) best = std::max(best, UnitEnd(i, limit) - i);
    return best;
  }

 private:
  // End of the unit starting at i: i+1 plus following Extend/Format/ZWJ.
  size_t UnitEnd(size_t i, size_t limit) const {
    size_t j = i + 1;
    while (j < limit && info_[j].wb == Wb::kExtend) ++j;
    return j;
  }

 public:
  // NFA over units for the word rule (see the file comment). States as bits.
  enum State : uint32_t {
    kStart = 1u << 0,
    kKata = 1u << 1,    // accepting
    kLetter = 1u << 2,  // accepting
    kLetterMid = 1u << 3,
    kHeb1 = 1u << 4,    // Hebrew letter that may start a quote form
    kHeb2 = 1u << 5,    // Hebrew letter + double quote
    kHebEnd = 1u << 6,  // accepting
    kNum = 1u << 7,     // accepting
    kNumMid = 1u << 8,
    kExtNum = 1u << 9,  // after a group and ExtendNumLet+: accepting
  };
  static constexpr uint32_t kAccepting = kKata | kLetter | kHebEnd | kNum | kExtNum;

  static uint32_t Step(uint32_t states, Wb wb) {
    uint32_t next = 0;
    const bool letter = wb == Wb::kALetter || wb == Wb::kHebrew;
    const bool mid_letter = wb == Wb::kMidLetter || wb == Wb::kMidNumLet || wb == Wb::kSingleQuote;
    const bool mid_num = wb == Wb::kMidNum || wb == Wb::kMidNumLet || wb == Wb::kSingleQuote;
    auto to_letter = [&] {
      next |= kLetter;
      if (wb == Wb::kHebrew) next |= kHeb1;
    };
    // States from which any new group member may follow.
    const uint32_t member_ends = kLetter | kHebEnd | kNum;
    if (states & (kStart | kExtNum)) {
      if (wb == Wb::kKatakana) next |= kKata;
      if (letter) to_letter();
      if (wb == Wb::kNumeric) next |= kNum;
    }
    if ((states & kStart) && wb == Wb::kExtendNumLet) next |= kStart;
    if ((states & kExtNum) && wb == Wb::kExtendNumLet) next |= kExtNum;
    if (states & kKata) {
      if (wb == Wb::kKatakana) next |= kKata;
      if (wb == Wb::kExtendNumLet) next |= kExtNum;
    }
    if (states & member_ends) {
      if (letter) to_letter();
      if (wb == Wb::kNumeric) next |= kNum;
      if (wb == Wb::kExtendNumLet) next |= kExtNum;
    }
    if ((states & kLetter) && mid_letter) next |= kLetterMid;
    if ((states & kLetterMid) && letter) to_letter();
    if (states & kHeb1) {
      if (wb == Wb::kSingleQuote) next |= kHebEnd;
      if (wb == Wb::kDoubleQuote) next |= kHeb2;
    }
    if ((states & kHeb2) && wb == Wb::kHebrew) next |= kHebEnd;
    if ((states & kNum) && mid_num) next |= kNumMid;
    if ((states & kNumMid) && wb == Wb::kNumeric) next |= kNum;
    return next;
  }

 private:
  size_t MatchWord(size_t i, size_t limit) const {
    uint32_t states = kStart;
    size_t best = 0;
    size_t j = i;
    while (j < limit) {
      const Wb wb = info_[j].wb;
      if (wb == Wb::kExtend) break;  // a mark with no base starts nothing
      states = Step(states, wb);
      if (states == 0) break;
      j = UnitEnd(j, limit);
      if (states & kAccepting) best = j - i;
    }
    return best;
  }

  // Extend/Format/ZWJ except the presentation selectors FE0E/FE0F.
  bool IsExtSansPres(size_t j) const {
    return info_[j].wb == Wb::kExtend && d_.cps[j] != 0xFE0E && d_.cps[j] != 0xFE0F;
  }

  // One emoji element (emoji char with optional FE0F, or a modifier
  // sequence) starting at j, ZWJs allowed in front; returns its end or j.
  size_t EmojiElement(size_t j, size_t limit) const {
    size_t k = j;
    while (k < limit && info_[k].zwj) ++k;
    if (k >= limit) return j;
    size_t best = j;
    auto ext = [&](size_t p) {
      while (p < limit && IsExtSansPres(p)) ++p;
      return p;
    };
    if (info_[k].emoji_char) {
      size_t e = ext(k + 1);
      if (e < limit && d_.cps[e] == 0xFE0F) ++e;
      best = std::max(best, e);
    }
    if (info_[k].emoji_mod_base) {
      size_t e = ext(k + 1);
      if (e < limit && info_[e].emoji_mod) best = std::max(best, ext(e + 1));
    }
    if (info_[k].emoji_mod) best = std::max(best, ext(k + 1));
    return best;
  }

  size_t MatchEmoji(size_t i, size_t limit) const {
    size_t best = 0;
    const CharInfo& c = info_[i];
    if (c.keycap_base) {
      size_t e = i + 1;
      while (e < limit && IsExtSansPres(e) && d_.cps[e] != 0x20E3) ++e;
      if (e < limit && d_.cps[e] == 0xFE0F) ++e;
      if (e < limit && d_.cps[e] == 0x20E3) {
        ++e;
        while (e < limit && IsExtSansPres(e)) ++e;
        best = e - i;
      }
    }
    if (c.ri) {
      size_t e = UnitEnd(i, limit);
      if (e < limit && info_[e].ri) best = std::max(best, UnitEnd(e, limit) - i);
    }
    size_t end = EmojiElement(i, limit);
    if (end > i) {
      // ZWJ-joined elements: the element's trailing marks may have taken the
      // ZWJ, so look for a following element after any ZWJ run.
      for (;;) {
        size_t k = end;
        while (k > i && info_[k - 1].zwj) --k;  // give back trailing ZWJs
        if (k == end && !(end < limit && info_[end].zwj)) break;
        size_t next = EmojiElement(k, limit);
        if (next <= end) break;
        end = next;
      }
      best = std::max(best, end - i);
    }
    return best;
  }

  size_t MatchComplex(size_t i, size_t limit) const {
    size_t j = i;
    while (j < limit && info_[j].complex) j = UnitEnd(j, limit);
    return j - i;
  }

  const Decoded& d_;
  std::vector<CharInfo> info_;
};

size_t Utf16Units(uint32_t cp) { return cp >= 0x10000 ? 2 : 1; }

void AppendLower(std::string_view text, std::string* out) {
  size_t pos = 0;
  while (pos < text.size()) {
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      out->push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++pos;
      continue;
    }
    const size_t bad = utf8::FirstInvalidByte(text.substr(pos, 4));
    const size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    if (b < 0xC2 || b > 0xF4 || (bad != std::string_view::npos && bad < len)) {
      out->push_back(static_cast<char>(b));  // keep ill-formed bytes as they are
      ++pos;
      continue;
    }
    const uint32_t cp = utf8::DecodeNext(text, &pos);
    utf8::Append(static_cast<uint32_t>(u_tolower(static_cast<UChar32>(cp))), out);
  }
}

}  // namespace

std::string LowerCase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendLower(text, &out);
  return out;
}

namespace {

// Pure ASCII (nearly every build string): no marks, emoji or ideographs can
// occur, so only the word rule runs, straight over the bytes.
// The word rule's NFA determinised once: state 0 is dead, 1 the start; the
// ASCII table maps bytes straight to next states.
struct AsciiWordDfa {
  std::vector<std::array<uint8_t, 128>> next;
  std::vector<uint8_t> accept;
};

const AsciiWordDfa& WordDfa() {
  static const AsciiWordDfa dfa = [] {
    std::array<Wb, 128> klass{};
    CharInfo scratch;
    for (uint32_t c = 0; c < 128; ++c) klass[c] = InfoFor(c, &scratch).wb;
    AsciiWordDfa d;
    std::vector<uint32_t> sets = {0, Scanner::kStart};
    d.next.resize(2);
    d.accept = {0, 0};
    for (size_t s = 1; s < sets.size(); ++s) {
      for (uint32_t c = 0; c < 128; ++c) {
        const uint32_t to = Scanner::Step(sets[s], klass[c]);
        size_t id = std::find(sets.begin(), sets.end(), to) - sets.begin();
        if (id == sets.size()) {
          sets.push_back(to);
          d.next.emplace_back();
          d.accept.push_back((to & Scanner::kAccepting) ? 1 : 0);
        }
        d.next[s][c] = static_cast<uint8_t>(id);
      }
    }
    d.next[0].fill(0);
    return d;
  }();
  return dfa;
}

void AnalyzeAscii(std::string_view text, std::vector<std::string>* out) {
  const AsciiWordDfa& dfa = WordDfa();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const size_t limit = std::min(n, i + kMaxTokenUtf16);
    uint8_t state = 1;
    size_t best = 0;
    for (size_t j = i; j < limit; ++j) {
      state = dfa.next[state][static_cast<unsigned char>(text[j])];
      if (state == 0) break;
      if (dfa.accept[state]) best = j + 1 - i;
    }
    if (best == 0) {
      ++i;
      continue;
    }
    std::string token(text.substr(i, best));
    for (char& c : token) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    out->push_back(std::move(token));
    i += best;
  }
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

void StandardAnalyze(std::string_view text, std::vector<std::string>* out) {
  if (IsAscii(text)) {
    AnalyzeAscii(text, out);
    return;
  }
  const Decoded decoded = Decode(text);
  const Scanner scanner(decoded);
  const size_t n = scanner.size();
  // A token may not reach past `limit`: the window [i, limit) holds at most
  // 255 UTF-16 units; it slides as i advances.
  size_t i = 0;
  size_t limit = 0;
  size_t units = 0;
  while (i < n) {
    while (limit < n && units + Utf16Units(decoded.cps[limit]) <= kMaxTokenUtf16) {
      units += Utf16Units(decoded.cps[limit]);
      ++limit;
    }
    const size_t len = scanner.Match(i, limit);
    if (len == 0) {
      units -= Utf16Units(decoded.cps[i]);
      ++i;
      continue;
    }
    const uint32_t begin = decoded.offsets[i];
    const uint32_t end = decoded.offsets[i + len];
    std::string token;
    token.reserve(end - begin);
    AppendLower(text.substr(begin, end - begin), &token);
    out->push_back(std::move(token));
    for (size_t k = i; k < i + len; ++k) units -= Utf16Units(decoded.cps[k]);
    i += len;
  }
}

}  // namespace buildhub::search
