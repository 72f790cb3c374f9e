// The catalogue of builds the corpus generator draws from: every nightly,
// beta, release candidate, dot release and ESR build of Firefox,
// Developer Edition, Fennec, Thunderbird and Focus that the modelled
// calendar (generate_timeline.h) implies for 2010..2025. A build group is one
// build id and revision; its documents are its platforms x locales.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace buildhub::ingest::gen {

enum class Product : uint8_t { kFirefox, kDevedition, kFennec, kThunderbird, kFocus };
enum class Channel : uint8_t { kNightly, kAurora, kBeta, kRelease, kEsr };

// Groups are drawn per category, with fixed weights (see generate.cc).
enum class Category : uint8_t {
  kFirefoxNightly,
  kFirefoxProjectNightly,  // "twig" branches: oak, elm, ash, ux, ...
  kFirefoxAurora,
  kFirefoxBeta,
  kFirefoxRelease,
  kFirefoxEsr,
  kDevedition,
  kFennecNightly,
  kFennecBeta,
  kFennecRelease,
  kThunderbirdNightly,
  kThunderbirdBeta,
  kThunderbirdRelease,
  kFocus,
};
constexpr int kCategoryCount = 14;

enum class Platform : uint8_t {
  kLinux32,
  kLinux64,
  kWin32,
  kWin64,
  kWinArm64,
  kMac,
  kAndroidArm,
  kAndroidX86,
  kAndroidArm64,
  kAndroidX8664,
};
constexpr int kMaxPlatformsPerGroup = 6;

struct Branch {
  std::string repository_path;  // "releases/mozilla-beta" (after hg.mozilla.org/)
  std::string tree;             // "mozilla-beta"
};

struct BuildGroup {
  int64_t build_time = 0;    // build.date / build.id, Unix seconds
  int64_t release_time = 0;  // when it was copied to releases/; 0: never
  std::string version;       // target.version: "61.0b4rc1", "72.0a1", "60.8.0esr"
  std::string file_version;  // in file and directory names: "61.0b4"
  uint64_t revision_key = 0; // source.revision derives from it (shared by twins)
  uint16_t major = 0;        // Gecko major (3 for 3.6 and Thunderbird 3.1)
  uint8_t build_number = 0;  // candidates "buildN"; 0 for nightly layouts
  Product product = Product::kFirefox;
  Channel channel = Channel::kNightly;
  Category category = Category::kFirefoxNightly;
  uint8_t branch = 0;        // index into Catalogue::branches
  uint8_t platform_count = 0;
  std::array<Platform, kMaxPlatformsPerGroup> platforms{};

  bool nightly_layout() const { return build_number == 0; }
};

struct Catalogue {
  std::vector<Branch> branches;
  std::vector<BuildGroup> groups;
  std::array<std::vector<uint32_t>, kCategoryCount> by_category;  // group indices
};

// Deterministic in `seed` (which decides e.g. how many candidate builds a
// version needed and at what minute each nightly started).
Catalogue BuildCatalogue(uint64_t seed);

}  // namespace buildhub::ingest::gen
