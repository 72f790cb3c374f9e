// CorpusGenerator: draws build groups from the catalogue and emits their
// documents.
//
// Why bursts: real ingestion sees one build id arrive for many platforms and
// locales at once (en-US first, the l10n repacks later), so a few groups are
// "active" at a time and each document comes from one of them. Each visit of
// a group emits its en-US builds (if not emitted yet) and then a number of
// localised builds drawn by popularity. A per-group bitset of emitted
// (platform, locale) pairs keeps every document, and every object key,
// unique; group attributes (revision, sizes, toolchain) are hashes of the
// group's identity, so a group visited twice stays self-consistent.
#include "ingest/generate.h"

#include <algorithm>
#include <array>
#include <bit>
#include <vector>

#include "ingest/generate_catalogue.h"
#include "ingest/generate_locales.h"
#include "ingest/generate_random.h"
#include "ingest/generate_time.h"
#include "ingest/generate_toolchain.h"

namespace buildhub::ingest {
namespace {

using gen::Catalogue;
using gen::Category;
using gen::Channel;
using gen::HashStream;
using gen::Platform;
using gen::Product;

constexpr int kActiveGroups = 3;
// Consecutive visits that produce nothing before the generator concludes
// that the catalogue is exhausted and starts a new epoch (re-spun builds:
// later build numbers and times). Unreachable below ~10 million documents.
constexpr int kExhaustedAfter = 20000;

// Per-mille share of group visits per category, in Category order. Firefox
// dominates; Focus is rare.
constexpr std::array<uint16_t, gen::kCategoryCount> kCategoryWeights = {
    220,  // firefox nightly (mozilla-central)
    90,   // firefox nightly (project branches)
    35,   // firefox aurora
    150,  // firefox beta
    140,  // firefox release
    60,   // firefox esr
    55,   // devedition
    45,   // fennec nightly + aurora
    25,   // fennec beta
    35,   // fennec release
    45,   // thunderbird nightly
    25,   // thunderbird beta
    70,   // thunderbird release + esr
    5,    // focus
};
constexpr int SumOfWeights() {
  int sum = 0;
  for (uint16_t w : kCategoryWeights) sum += w;
  return sum;
}
static_assert(SumOfWeights() == 1000, "category weights are per mille");

struct Bits128 {
  uint64_t w[2] = {0, 0};
  bool test(int i) const { return (w[i >> 6] >> (i & 63)) & 1; }
  void set(int i) { w[i >> 6] |= uint64_t{1} << (i & 63); }
  bool any() const { return (w[0] | w[1]) != 0; }
  Bits128 operator&(const Bits128& o) const { return {{w[0] & o.w[0], w[1] & o.w[1]}}; }
  Bits128 operator~() const { return {{~w[0], ~w[1]}}; }
  int count() const { return std::popcount(w[0]) + std::popcount(w[1]); }
  // Index of the k-th set bit (0-based); k < count().
  int nth(int k) const {
    for (int word = 0; word < 2; ++word) {
      uint64_t x = w[word];
      const int c = std::popcount(x);
      if (k >= c) {
        k -= c;
        continue;
      }
      for (; k > 0; --k) x &= x - 1;
      return word * 64 + std::countr_zero(x);
    }
    return -1;
  }
};

using GroupBits = std::array<Bits128, gen::kMaxPlatformsPerGroup>;

uint8_t FamilyOf(Product product) {
  switch (product) {
    case Product::kThunderbird: return gen::kThunderbird;
    case Product::kFennec:
    case Product::kFocus: return gen::kMobile;
    default: return gen::kDesktop;
  }
}

bool IsMobile(Product product) { return product == Product::kFennec || product == Product::kFocus; }

// Cumulative popularity weights of one locale family.
struct LocaleTable {
  std::vector<uint32_t> cumulative;
  std::vector<uint8_t> index;
  uint32_t total = 0;

  explicit LocaleTable(uint8_t family) {
    for (int i = 0; i < gen::LocaleCount(); ++i) {
      const gen::LocaleInfo& info = gen::Locale(i);
      if (!(info.families & family)) continue;
      uint32_t weight = info.weight;
      if (family == gen::kMobile && i == gen::kLocaleMulti) weight = 40;
      if (family == gen::kMobile && i == gen::kLocaleEnUs) weight = 25;
      if (weight == 0) continue;
      total += weight;
      cumulative.push_back(total);
      index.push_back(static_cast<uint8_t>(i));
    }
  }
  int Draw(gen::Rng* rng) const {
    const uint32_t r = static_cast<uint32_t>(rng->Below(total));
    const size_t at = std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin();
    return index[at];
  }
};

const char* ProductName(Product p) {
  switch (p) {
    case Product::kFirefox: return "firefox";
    case Product::kDevedition: return "devedition";
    case Product::kFennec: return "fennec";
    case Product::kThunderbird: return "thunderbird";
    case Product::kFocus: return "focus";
  }
  return "firefox";
}

const char* ArchiveDir(Product p) {
  switch (p) {
    case Product::kFennec: return "mobile";
    default: return ProductName(p);
  }
}

// The name in file names: "firefox-70.0.tar.bz2", "Firefox Setup 70.0.exe".
const char* FilePrefix(Product p) {
  switch (p) {
    case Product::kThunderbird: return "thunderbird";
    case Product::kFennec: return "fennec";
    case Product::kFocus: return "focus";
    default: return "firefox";
  }
}
const char* FileLabel(Product p) { return p == Product::kThunderbird ? "Thunderbird" : "Firefox"; }

const char* ChannelName(Channel c) {
  switch (c) {
    case Channel::kNightly: return "nightly";
    case Channel::kAurora: return "aurora";
    case Channel::kBeta: return "beta";
    case Channel::kRelease: return "release";
    case Channel::kEsr: return "esr";
  }
  return "release";
}

const char* OsName(Platform p) {
  switch (p) {
    case Platform::kLinux32:
    case Platform::kLinux64: return "linux";
    case Platform::kWin32:
    case Platform::kWin64:
    case Platform::kWinArm64: return "win";
    case Platform::kMac: return "mac";
    default: return "android";
  }
}

bool IsWindows(Platform p) {
  return p == Platform::kWin32 || p == Platform::kWin64 || p == Platform::kWinArm64;
}
bool IsLinux(Platform p) { return p == Platform::kLinux32 || p == Platform::kLinux64; }

// The platform's name in nightly file names.
const char* NightlyLabel(Platform p) {
  switch (p) {
    case Platform::kLinux32: return "linux-i686";
    case Platform::kLinux64: return "linux-x86_64";
    case Platform::kWin32: return "win32";
    case Platform::kWin64: return "win64";
    case Platform::kWinArm64: return "win64-aarch64";
    case Platform::kMac: return "mac";
    case Platform::kAndroidArm: return "android-arm";
    case Platform::kAndroidX86: return "android-i386";
    case Platform::kAndroidArm64: return "android-aarch64";
    case Platform::kAndroidX8664: return "android-x86_64";
  }
  return "linux-x86_64";
}

// Permille of the desktop (or Android) base size.
int SizePerMille(Platform p) {
  switch (p) {
    case Platform::kLinux32: return 960;
    case Platform::kLinux64: return 1000;
    case Platform::kWin32: return 780;
    case Platform::kWin64: return 810;
    case Platform::kWinArm64: return 900;
    case Platform::kMac: return 1070;
    case Platform::kAndroidArm: return 950;
    case Platform::kAndroidX86: return 1000;
    case Platform::kAndroidArm64: return 1020;
    case Platform::kAndroidX8664: return 1000;
  }
  return 1000;
}

void AppendHex(uint64_t v, int digits, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 15]);
}

void AppendInt(int64_t v, std::string* out) { gen::AppendPadded(v, 1, out); }

std::string PercentEncodeSpaces(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    if (c == ' ') {
      out += "%20";
    } else {
      out += c;
    }
  }
  return out;
}

void Put(json::Value* object, const char* key, std::string value) {
  object->mutable_members().emplace_back(key, json::Value::String(std::move(value)));
}

}  // namespace

struct CorpusGenerator::State {
  explicit State(uint64_t s)
      : seed(s),
        catalogue(gen::BuildCatalogue(s)),
        rng(gen::Hash(s, 0x73747265616dULL)),
        used(catalogue.groups.size()),
        desktop_locales(gen::kDesktop),
        thunderbird_locales(gen::kThunderbird),
        mobile_locales(gen::kMobile) {}

  // What every document of one (build, platform) shares, prepared on the
  // first document of a visit: it depends only on hashes of the build's
  // identity, never on the document stream.
  struct PlatformData {
    bool ready = false;
    json::Value build;           // the whole build object
    std::string label;           // target.platform
    const char* os = "";
    std::string dir;             // up to the locale (candidates) or the stamp (nightly)
    std::string releases_dir;    // "pub/firefox/releases/70.0/win64/"; empty: not released
    std::string nightly_tail;    // "/" or "-android-api-16/"
    std::string ext;
    std::string file;            // locale-independent file name, percent-encoded if need be
    std::string file_head;       // "Firefox Setup 70.0" (for localised names)
    bool percent_encoded = false;
    const char* mimetype = "";
    int64_t size = 0;
    uint64_t salt = 0;
  };

  struct Slot {
    bool active = false;
    uint32_t group = 0;
    int cursor = 0;     // next platform of the en-US (primary) pass
    int remaining = 0;  // localised documents still to draw this visit
    std::array<Bits128, gen::kMaxPlatformsPerGroup> eligible;
    std::array<PlatformData, gen::kMaxPlatformsPerGroup> platforms;
    bool source_ready = false;
    json::Value source;
  };

  json::Value Next();
  void Refill(Slot* slot);
  bool Produce(Slot* slot, int* platform, int* locale);
  void StartNewEpoch();
  void PrepareSource(Slot* slot);
  void PreparePlatform(Slot* slot, int platform_index);
  json::Value Build(Slot* slot, int platform_index, int locale);
  const LocaleTable& LocalesFor(Product p) const {
    switch (FamilyOf(p)) {
      case gen::kThunderbird: return thunderbird_locales;
      case gen::kMobile: return mobile_locales;
      default: return desktop_locales;
    }
  }

  uint64_t seed;
  Catalogue catalogue;
  gen::Rng rng;
  uint32_t epoch = 0;
  std::vector<GroupBits> used;
  std::array<Slot, kActiveGroups> slots;
  LocaleTable desktop_locales, thunderbird_locales, mobile_locales;
  std::string key;
  gen::Toolchain toolchain;  // scratch
};

void CorpusGenerator::State::StartNewEpoch() {
  ++epoch;
  std::fill(used.begin(), used.end(), GroupBits{});
  for (Slot& s : slots) s.active = false;
}

void CorpusGenerator::State::Refill(Slot* slot) {
  uint32_t r = static_cast<uint32_t>(rng.Below(1000));
  int category = 0;
  while (category + 1 < gen::kCategoryCount && r >= kCategoryWeights[category]) {
    r -= kCategoryWeights[category];
    ++category;
  }
  // Every category has groups (the catalogue spans 2010..2025), but stay
  // safe if the calendar ever changes: fall back to Firefox nightlies.
  const std::vector<uint32_t>* pool = &catalogue.by_category[category];
  if (pool->empty()) pool = &catalogue.by_category[0];
  const uint32_t group_index = (*pool)[rng.Below(pool->size())];
  const gen::BuildGroup& g = catalogue.groups[group_index];
  slot->active = true;
  slot->group = group_index;
  slot->cursor = 0;
  slot->source_ready = false;
  for (PlatformData& data : slot->platforms) data.ready = false;

  const auto cat = static_cast<Category>(category);
  switch (cat) {
    case Category::kFirefoxNightly:
    case Category::kFirefoxProjectNightly:
    case Category::kThunderbirdNightly:
      slot->remaining = rng.PerMille(250) ? static_cast<int>(rng.Range(3, 25)) : 0;
      break;
    case Category::kFirefoxAurora:
      slot->remaining = rng.PerMille(300) ? static_cast<int>(rng.Range(3, 20)) : 0;
      break;
    case Category::kFennecNightly:
      slot->remaining = static_cast<int>(rng.Range(0, 3));
      break;
    case Category::kFennecBeta:
    case Category::kFennecRelease:
      slot->remaining = static_cast<int>(rng.Range(2, 15));
      break;
    case Category::kFocus:
      slot->remaining = static_cast<int>(rng.Range(0, 2));
      break;
    default:
      slot->remaining = g.nightly_layout() ? (rng.PerMille(300) ? static_cast<int>(rng.Range(3, 20)) : 0)
                                           : static_cast<int>(rng.Range(3, 30));
      break;
  }

  // Which locales this build can have, per platform.
  const uint8_t family = FamilyOf(g.product);
  Bits128 base;
  for (int i = 0; i < gen::LocaleCount(); ++i) {
    const gen::LocaleInfo& info = gen::Locale(i);
    if (!(info.families & family)) continue;
    if (info.since_major != 0 && g.major < info.since_major) continue;
    if (info.until_major != 0 && g.major > info.until_major) continue;
    base.set(i);
  }
  for (int p = 0; p < g.platform_count; ++p) {
    Bits128 e = base;
    if (g.platforms[p] == Platform::kMac) {
      e.w[gen::kLocaleJa >> 6] &= ~(uint64_t{1} << (gen::kLocaleJa & 63));
    } else {
      e.w[gen::kLocaleJaJpMac >> 6] &= ~(uint64_t{1} << (gen::kLocaleJaJpMac & 63));
    }
    slot->eligible[p] = e;
  }
}

bool CorpusGenerator::State::Produce(Slot* slot, int* platform, int* locale) {
  const gen::BuildGroup& g = catalogue.groups[slot->group];
  GroupBits& bits = used[slot->group];
  const int primary =
      IsMobile(g.product) && (g.nightly_layout() || g.product == Product::kFocus)
          ? gen::kLocaleMulti
          : gen::kLocaleEnUs;
  while (slot->cursor < g.platform_count) {
    const int p = slot->cursor++;
    if (!bits[p].test(primary)) {
      *platform = p;
      *locale = primary;
      return true;
    }
  }
  if (slot->remaining <= 0) return false;
  --slot->remaining;
  // A platform that still has a locale to give.
  const int start = static_cast<int>(rng.Below(g.platform_count));
  int p = -1;
  for (int i = 0; i < g.platform_count; ++i) {
    const int candidate = (start + i) % g.platform_count;
    if ((slot->eligible[candidate] & ~bits[candidate]).any()) {
      p = candidate;
      break;
    }
  }
  if (p < 0) return false;
  const Bits128 open = slot->eligible[p] & ~bits[p];
  const bool mac = g.platforms[p] == Platform::kMac;
  const LocaleTable& table = LocalesFor(g.product);
  // By popularity first; when the popular ones are taken, any remaining one.
  for (int attempt = 0; attempt < 3; ++attempt) {
    int l = table.Draw(&rng);
    if (mac && l == gen::kLocaleJa) l = gen::kLocaleJaJpMac;
    if (open.test(l)) {
      *platform = p;
      *locale = l;
      return true;
    }
  }
  *platform = p;
  *locale = open.nth(static_cast<int>(rng.Below(open.count())));
  return true;
}

json::Value CorpusGenerator::State::Next() {
  int idle = 0;
  for (;;) {
    Slot& slot = slots[rng.Below(kActiveGroups)];
    if (!slot.active) Refill(&slot);
    int platform = 0;
    int locale = 0;
    if (Produce(&slot, &platform, &locale)) {
      used[slot.group][platform].set(locale);
      return Build(&slot, platform, locale);
    }
    slot.active = false;
    if (++idle >= kExhaustedAfter) {
      StartNewEpoch();
      idle = 0;
    }
  }
}

void CorpusGenerator::State::PrepareSource(Slot* slot) {
  const gen::BuildGroup& g = catalogue.groups[slot->group];
  const int year = static_cast<int>(gen::CivilFromUnix(g.build_time).year);
  HashStream h(gen::Hash(seed, slot->group, 0x736f75726365ULL, epoch));
  const bool long_tree = h.PerMille(150);  // "releases/mozilla-beta", as in a sample
  const bool no_revision = h.PerMille(year <= 2012 ? 40 : 5);
  const bool no_tree = h.PerMille(10);
  const gen::Branch& branch = catalogue.branches[g.branch];
  json::Value source = json::Value::Object();
  source.mutable_members().reserve(4);
  Put(&source, "product", ProductName(g.product));
  if (!no_revision) {
    Put(&source, "repository", "https://hg.mozilla.org/" + branch.repository_path);
    std::string revision;
    revision.reserve(40);
    AppendHex(gen::Hash(g.revision_key, epoch, 1), 16, &revision);
    AppendHex(gen::Hash(g.revision_key, epoch, 2), 16, &revision);
    AppendHex(gen::Hash(g.revision_key, epoch, 3), 8, &revision);
    Put(&source, "revision", std::move(revision));
  }
  if (!no_tree) Put(&source, "tree", long_tree ? branch.repository_path : branch.tree);
  slot->source = std::move(source);
  slot->source_ready = true;
}

void CorpusGenerator::State::PreparePlatform(Slot* slot, int platform_index) {
  const gen::BuildGroup& g = catalogue.groups[slot->group];
  const Platform platform = g.platforms[platform_index];
  PlatformData& d = slot->platforms[platform_index];
  const bool nightly = g.nightly_layout();

  // Group attributes, then platform attributes, each from its own hash.
  HashStream group_hash(gen::Hash(seed, slot->group, 0x67726f7570ULL, epoch));
  HashStream platform_hash(gen::Hash(seed, slot->group, 0x706c6174ULL + platform_index, epoch));
  const uint64_t mac_style = group_hash.Below(100);
  const bool android_api_label = group_hash.Below(2) == 0;
  const bool old_api9 = group_hash.PerMille(300);
  const bool percent_encoded = group_hash.PerMille(750);
  const bool with_number = group_hash.PerMille(450);
  const bool generic_mime = group_hash.PerMille(450);
  const uint64_t win_package = platform_hash.Below(100);
  const int64_t size_jitter = platform_hash.Range(-30, 30);
  const bool msdos_mime = platform_hash.Below(5) == 0;
  const int64_t task_offset = platform_hash.Range(100, 2400);
  const uint64_t toolchain_variant = platform_hash.Next();

  // Re-spun builds (epochs > 0) are later and have later build numbers.
  const int64_t build_time = g.build_time + (nightly ? epoch : int64_t{3600} * epoch);
  const int64_t build_number = g.build_number + int64_t{10} * epoch;
  const gen::CivilTime bt = gen::CivilFromUnix(build_time);

  // Directory and label of the platform.
  std::string dir;
  std::string label;
  switch (platform) {
    case Platform::kMac:
      dir = "mac";
      label = mac_style < 60 ? "macosx64" : mac_style < 90 ? "macosx" : "mac";
      break;
    case Platform::kAndroidArm:
      if (g.product == Product::kFocus) {
        dir = "android-arm";
      } else if (bt.year <= 2011) {
        dir = "android";
      } else if (bt.year <= 2015) {
        dir = old_api9 ? "android-api-9" : "android-api-11";
      } else if (bt.year == 2016 || (bt.year == 2017 && bt.month <= 6)) {
        dir = "android-api-15";
      } else {
        dir = "android-api-16";
      }
      label = android_api_label || dir == "android" ? dir : "android-arm";
      break;
    case Platform::kAndroidX86:
      dir = label = "android-x86";
      break;
    default:
      dir = label = NightlyLabel(platform);
      break;
  }
  d.label = label;
  d.os = OsName(platform);

  // Package kind.
  if (IsLinux(platform)) {
    d.ext = g.major >= 135 ? ".tar.xz" : ".tar.bz2";
  } else if (IsWindows(platform)) {
    if (win_package < 75) {
      d.ext = nightly ? ".installer.exe" : ".exe";
    } else if (win_package < 95 || nightly || g.major < 65 || g.product != Product::kFirefox) {
      d.ext = ".zip";
    } else {
      d.ext = ".msi";
    }
  } else if (platform == Platform::kMac) {
    d.ext = ".dmg";
  } else {
    d.ext = ".apk";
  }
  d.mimetype = "application/octet-stream";
  if (d.ext == ".dmg") {
    d.mimetype = "application/x-apple-diskimage";  // mostly: see Build()
  } else if (!generic_mime) {
    if (d.ext == ".tar.bz2") d.mimetype = "application/x-bzip2";
    else if (d.ext == ".tar.xz") d.mimetype = "application/x-xz";
    else if (d.ext == ".zip") d.mimetype = "application/zip";
    else if (d.ext == ".msi") d.mimetype = "application/x-msi";
    else if (d.ext == ".apk") d.mimetype = "application/vnd.android.package-archive";
    else d.mimetype = msdos_mime ? "application/x-msdos-program" : "application/x-msdownload";
  }

  // Paths. Nightly: ".../2019-10-16-16-19-57-mozilla-central" + ["-l10n"] + tail.
  std::string base = "pub/";
  base += ArchiveDir(g.product);
  d.releases_dir.clear();
  d.file.clear();
  d.file_head.clear();
  d.percent_encoded = percent_encoded;
  if (nightly) {
    d.dir = base + "/nightly/";
    gen::AppendPadded(bt.year, 4, &d.dir);
    d.dir += '/';
    gen::AppendPadded(bt.month, 2, &d.dir);
    d.dir += '/';
    gen::AppendNightlyStamp(bt, &d.dir);
    d.dir += '-';
    d.dir += catalogue.branches[g.branch].tree;
    d.nightly_tail = IsMobile(g.product) ? "-" + dir + "/" : "/";
  } else {
    d.dir = base + "/candidates/" + g.file_version + "-candidates/build";
    AppendInt(build_number, &d.dir);
    d.dir += '/' + dir + '/';
    if (g.release_time != 0 && epoch == 0) {
      d.releases_dir = base + "/releases/" + g.file_version + '/' + dir + '/';
    }
    if (IsMobile(g.product)) {
      // Per locale: "fennec-68.1.en-US.android-aarch64.apk".
    } else if (IsLinux(platform) || d.ext == ".zip") {
      d.file = std::string(FilePrefix(g.product)) + "-" + g.file_version + d.ext;
    } else {
      d.file_head = FileLabel(g.product);
      d.file_head += IsWindows(platform) ? " Setup " : " ";
      d.file_head += g.file_version;
      d.file = d.file_head + d.ext;
      if (percent_encoded) d.file = PercentEncodeSpaces(d.file);
    }
  }

  // download.size: grows with the years; per-platform jitter here, per
  // locale and per document in Build().
  const int64_t days = build_time / 86400 - gen::DaysFromCivil(2010, 1, 1);
  int64_t size;
  if (d.ext == ".apk") {
    size = 41'000'000 + std::max<int64_t>(days - 365, 0) * 3'500;
  } else {
    size = 38'000'000 + days * 8'200;
    if (g.product == Product::kThunderbird) size = size * 95 / 100;
    if (d.ext == ".zip") size = size * 105 / 100;
    if (d.ext == ".msi") size = size * 108 / 100;
  }
  size = size * SizePerMille(platform) / 1000;
  size = size * (1000 + size_jitter) / 1000;
  size = d.ext == ".apk" ? std::clamp<int64_t>(size, 40'600'000, 59'000'000)
                         : std::clamp<int64_t>(size, 30'000'000, 92'000'000);
  d.size = size;
  d.salt = toolchain_variant;

  // The build object.
  gen::DescribeToolchain(platform, build_time, build_time + task_offset, toolchain_variant,
                         &toolchain);
  json::Value build = json::Value::Object();
  build.mutable_members().reserve(9);
  if (!toolchain.as.empty()) Put(&build, "as", std::move(toolchain.as));
  Put(&build, "cc", std::move(toolchain.cc));
  Put(&build, "cxx", std::move(toolchain.cxx));
  std::string date;
  gen::AppendIsoSeconds(bt, &date);
  date += 'Z';
  Put(&build, "date", std::move(date));
  Put(&build, "host", std::move(toolchain.host));
  std::string id;
  gen::AppendBuildId(bt, &id);
  Put(&build, "id", std::move(id));
  if (!toolchain.ld.empty()) Put(&build, "ld", std::move(toolchain.ld));
  if (!nightly && with_number) {
    build.mutable_members().emplace_back("number", json::Value::Int(build_number));
  }
  Put(&build, "target", std::move(toolchain.target));
  d.build = std::move(build);
  d.ready = true;
}

json::Value CorpusGenerator::State::Build(Slot* slot, int platform_index, int locale) {
  const gen::BuildGroup& g = catalogue.groups[slot->group];
  if (!slot->source_ready) PrepareSource(slot);
  PlatformData& d = slot->platforms[platform_index];
  if (!d.ready) PreparePlatform(slot, platform_index);
  const gen::LocaleInfo& loc = gen::Locale(locale);
  const bool nightly = g.nightly_layout();
  const bool primary = locale == gen::kLocaleEnUs || locale == gen::kLocaleMulti;

  // download.url and the object key.
  std::string url = "https://archive.mozilla.org/";
  const size_t path_start = url.size();
  bool released = false;
  if (nightly) {
    url += d.dir;
    if (!primary) url += "-l10n";
    url += d.nightly_tail;
    url += FilePrefix(g.product);
    url += '-';
    url += g.file_version;
    url += '.';
    url += loc.code;
    url += '.';
    url += NightlyLabel(g.platforms[platform_index]);
    key.assign(url, path_start, std::string::npos);
    key += ".buildhub.json";
    url += d.ext;
  } else {
    released = !d.releases_dir.empty() && rng.PerMille(300);
    url += released ? d.releases_dir : d.dir;
    url += loc.code;
    url += '/';
    key.assign(url, path_start, std::string::npos);
    key += "buildhub.json";
    if (IsMobile(g.product)) {
      url += FilePrefix(g.product);
      url += '-';
      url += g.file_version;
      url += '.';
      url += loc.code;
      url += '.';
      url += NightlyLabel(g.platforms[platform_index]);
      url += d.ext;
    } else if (!d.file_head.empty() && !loc.native.empty() && !primary && rng.PerMille(5)) {
      // Rarely a localised (non-ASCII) name, to exercise UTF-8 downstream.
      std::string file = d.file_head + " (" + std::string(loc.native) + ")" + d.ext;
      url += d.percent_encoded ? PercentEncodeSpaces(file) : file;
    } else if (d.ext == ".dmg" && rng.PerMille(1)) {
      // U+1F98A FOX FACE: an astral character (a surrogate pair in \\u form).
      std::string file = d.file_head + " \xF0\x9F\xA6\x8A" + d.ext;
      url += d.percent_encoded ? PercentEncodeSpaces(file) : file;
    } else {
      url += d.file;
    }
  }

  const char* mimetype = d.mimetype;
  if (d.ext == ".dmg" && rng.PerMille(80)) mimetype = "application/octet-stream";

  const int64_t locale_jitter =
      primary ? 0 : static_cast<int64_t>(gen::Hash(d.salt, static_cast<uint64_t>(locale)) % 31) - 15;
  const int64_t size =
      d.size * (1000 + locale_jitter) / 1000 + static_cast<int64_t>(rng.Below(4096));

  // download.date: some time after the build (l10n repacks later), or the
  // release day for files under releases/.
  const int64_t build_time = g.build_time + (nightly ? epoch : int64_t{3600} * epoch);
  int64_t published;
  if (released) {
    published = g.release_time + static_cast<int64_t>(rng.Below(6 * 3600));
  } else if (nightly) {
    published = build_time + (primary ? rng.Range(40 * 60, 200 * 60) : rng.Range(120 * 60, 420 * 60));
  } else {
    published = build_time + (primary ? rng.Range(30 * 60, 150 * 60) : rng.Range(90 * 60, 480 * 60));
  }
  std::string download_date;
  download_date.reserve(32);
  gen::AppendIsoSeconds(gen::CivilFromUnix(published), &download_date);
  const uint64_t format = rng.Below(1000);
  const int64_t micros = static_cast<int64_t>(rng.Below(1'000'000));
  if (format < 800) {
    download_date += '.';
    gen::AppendPadded(micros, 6, &download_date);
    download_date += "+00:00";
  } else if (format < 920) {
    download_date += 'Z';
  } else if (format < 970) {
    download_date += "+00:00";
  } else {
    download_date += '.';
    gen::AppendPadded(micros, 6, &download_date);
    download_date += 'Z';
  }

  json::Value build = d.build;
  if (rng.PerMille(2)) build.erase("date");  // build.date is optional

  json::Value download = json::Value::Object();
  download.mutable_members().reserve(4);
  Put(&download, "date", std::move(download_date));
  Put(&download, "mimetype", mimetype);
  download.mutable_members().emplace_back("size", json::Value::Int(size));
  Put(&download, "url", std::move(url));

  json::Value target = json::Value::Object();
  target.mutable_members().reserve(5);
  Put(&target, "channel", ChannelName(g.channel));
  Put(&target, "locale", std::string(loc.code));
  if (!rng.PerMille(30)) Put(&target, "os", d.os);  // target.os is optional
  Put(&target, "platform", d.label);
  Put(&target, "version", g.version);

  json::Value doc = json::Value::Object();
  auto& members = doc.mutable_members();
  members.reserve(4);
  members.emplace_back("build", std::move(build));
  members.emplace_back("download", std::move(download));
  members.emplace_back("source", slot->source);
  members.emplace_back("target", std::move(target));
  return doc;
}

CorpusGenerator::CorpusGenerator(uint64_t seed) : state_(std::make_unique<State>(seed)) {}
CorpusGenerator::~CorpusGenerator() = default;

json::Value CorpusGenerator::Next() { return state_->Next(); }

const std::string& CorpusGenerator::LastObjectKey() const { return state_->key; }

}  // namespace buildhub::ingest
