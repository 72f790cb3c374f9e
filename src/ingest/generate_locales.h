// The locales the corpus generator ships builds in: real Mozilla locale
// codes with the popularity, the products and the majors that had them.
#pragma once

#include <cstdint>
#include <string_view>

namespace buildhub::ingest::gen {

// Locale families: which products were localised into a locale.
enum LocaleFamily : uint8_t {
  kDesktop = 1,      // Firefox, Developer Edition
  kThunderbird = 2,
  kMobile = 4,       // Fennec, Focus
};

struct LocaleInfo {
  std::string_view code;
  uint16_t weight;        // relative popularity among localised builds
  uint8_t families;       // LocaleFamily bits
  uint8_t since_major;    // first major shipped (0: always)
  uint8_t until_major;    // last major shipped (0: still shipped)
  std::string_view native;  // the language's own name, when it is not ASCII
};

// Fixed positions; everything else follows.
constexpr int kLocaleEnUs = 0;
constexpr int kLocaleMulti = 1;      // Fennec/Focus multi-locale builds
constexpr int kLocaleJa = 2;
constexpr int kLocaleJaJpMac = 3;    // replaces "ja" on macOS builds
constexpr int kMaxLocales = 128;     // fits a 2-word bitset

int LocaleCount();
const LocaleInfo& Locale(int index);

}  // namespace buildhub::ingest::gen
