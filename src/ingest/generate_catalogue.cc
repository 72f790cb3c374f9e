#include "ingest/generate_catalogue.h"

#include <algorithm>
#include <map>

#include "ingest/generate_random.h"
#include "ingest/generate_time.h"
#include "ingest/generate_timeline.h"

namespace buildhub::ingest::gen {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kHour = 3600;

// Two nightly windows a day, 4 hours apart at least: a build of one branch
// can then be shifted by up to that much (see CorpusGenerator's epochs)
// without meeting another build of the same branch.
constexpr int64_t kMorningWindow = 2 * kHour;
constexpr int64_t kEveningWindow = 14 * kHour;
constexpr int64_t kWindowLength = 8 * kHour;

std::string Str(int v) { return std::to_string(v); }

class Builder {
 public:
  explicit Builder(uint64_t seed) : seed_(seed), rng_(Hash(seed, 0x6361746c67ULL)) {}

  Catalogue Finish() {
    for (uint32_t i = 0; i < out_.groups.size(); ++i) {
      out_.by_category[static_cast<int>(out_.groups[i].category)].push_back(i);
    }
    return std::move(out_);
  }

  void FirefoxNightlies();
  void ProjectNightlies();
  void AuroraNightlies();
  void FirefoxBetas();
  void FirefoxReleases();
  void FirefoxEsr();
  void Fennec();
  void Thunderbird();
  void Focus();

 private:
  uint8_t BranchIndex(const std::string& repository_path, const std::string& tree) {
    auto it = branch_index_.find(repository_path);
    if (it != branch_index_.end()) return it->second;
    const auto index = static_cast<uint8_t>(out_.branches.size());
    out_.branches.push_back({repository_path, tree});
    branch_index_.emplace(repository_path, index);
    return index;
  }
  uint8_t Release(const std::string& tree) { return BranchIndex("releases/" + tree, tree); }
  uint8_t Top(const std::string& tree) { return BranchIndex(tree, tree); }

  BuildGroup& Add(Category category, Product product, Channel channel, uint8_t branch,
                  int major, std::string version, int64_t build_time, int build_number) {
    BuildGroup& g = out_.groups.emplace_back();
    g.category = category;
    g.product = product;
    g.channel = channel;
    g.branch = branch;
    g.major = static_cast<uint16_t>(major);
    g.file_version = version;
    g.version = std::move(version);
    g.build_time = build_time;
    g.build_number = static_cast<uint8_t>(build_number);
    g.revision_key = Hash(seed_, 0x726576ULL, out_.groups.size());
    SetPlatforms(&g);
    return g;
  }

  // A nightly of `branch` in the morning or evening window of `day`.
  int64_t NightlyTime(int64_t day, int slot) {
    return day * kDay + (slot == 0 ? kMorningWindow : kEveningWindow) +
           static_cast<int64_t>(rng_.Below(kWindowLength));
  }

  // How many candidate builds a version needed: mostly one.
  int CandidateBuilds() {
    const uint64_t r = rng_.Below(100);
    return r < 65 ? 1 : r < 90 ? 2 : 3;
  }

  // build1 .. buildN of `version`, the first on `day`; the last one ships.
  // Returns the index of the first group.
  size_t AddCandidates(Category category, Product product, Channel channel, uint8_t branch,
                       int major, const std::string& version, int64_t day,
                       int64_t release_delay_days, int rc_per_mille) {
    const size_t first = out_.groups.size();
    const int builds = CandidateBuilds();
    int64_t t = day * kDay + static_cast<int64_t>(rng_.Below(kDay));
    for (int b = 1; b <= builds; ++b) {
      BuildGroup& g = Add(category, product, channel, branch, major, version, t, b);
      if (rng_.PerMille(rc_per_mille)) g.version += "rc" + Str(b);
      if (b == builds) {
        g.release_time = (day + release_delay_days) * kDay + 13 * kHour +
                         static_cast<int64_t>(rng_.Below(8 * kHour));
        g.release_time = std::max(g.release_time, t + 2 * kHour);
      }
      t += 4 * kHour + static_cast<int64_t>(rng_.Below(26 * kHour));
    }
    return first;
  }

  static void SetPlatforms(BuildGroup* g);

  uint64_t seed_;
  Rng rng_;
  Catalogue out_;
  std::map<std::string, uint8_t> branch_index_;
};

void Builder::SetPlatforms(BuildGroup* g) {
  const int64_t day = g->build_time / kDay;
  int n = 0;
  auto add = [&](Platform p) { g->platforms[n++] = p; };
  if (g->product == Product::kFennec || g->product == Product::kFocus) {
    add(Platform::kAndroidArm);
    if (g->product == Product::kFennec && day >= DaysFromCivil(2012, 3, 1) &&
        day < DaysFromCivil(2020, 1, 1)) {
      add(Platform::kAndroidX86);
    }
    if (day >= DaysFromCivil(2018, 3, 1)) add(Platform::kAndroidArm64);
    if (day >= DaysFromCivil(2019, 3, 1)) add(Platform::kAndroidX8664);
  } else {
    const bool nightly = g->nightly_layout();
    const bool thunderbird = g->product == Product::kThunderbird;
    add(Platform::kLinux32);
    add(Platform::kLinux64);
    add(Platform::kMac);
    add(Platform::kWin32);
    const int64_t win64_from = thunderbird ? (nightly ? DaysFromCivil(2016, 1, 1)
                                                      : DaysFromCivil(2018, 8, 1))
                                           : (nightly ? DaysFromCivil(2012, 6, 1)
                                                      : DaysFromCivil(2015, 11, 3));
    if (day >= win64_from) add(Platform::kWin64);
    const int64_t arm64_from = nightly ? DaysFromCivil(2018, 12, 1) : DaysFromCivil(2019, 5, 21);
    if (!thunderbird && day >= arm64_from) add(Platform::kWinArm64);
  }
  g->platform_count = static_cast<uint8_t>(n);
}

void Builder::FirefoxNightlies() {
  const uint8_t central = Top("mozilla-central");
  const int64_t twice_daily_from = DaysFromCivil(2015, 1, 1);
  for (int64_t day = TimelineFirstDay(); day <= TimelineLastDay(); ++day) {
    const std::string version = NightlyVersion(day);
    const int major = NightlyMajor(day);
    const int slots = day >= twice_daily_from ? 2 : 1;
    for (int slot = 0; slot < slots; ++slot) {
      Add(Category::kFirefoxNightly, Product::kFirefox, Channel::kNightly, central, major, version,
          NightlyTime(day, slot), 0);
    }
  }
}

void Builder::ProjectNightlies() {
  // Project branches ("twigs") built nightlies of mozilla-central's version
  // on some days while a project used them.
  struct Twig {
    const char* name;
    int from_year, to_year;
  };
  const Twig twigs[] = {{"ux", 2012, 2014},    {"elm", 2011, 2025},   {"oak", 2011, 2025},
                        {"ash", 2013, 2025},   {"cedar", 2011, 2020}, {"larch", 2011, 2020},
                        {"date", 2014, 2018},  {"maple", 2011, 2025}, {"pine", 2015, 2025},
                        {"holly", 2012, 2016}, {"jamun", 2016, 2019}, {"birch", 2011, 2014}};
  for (const Twig& twig : twigs) {
    const uint8_t branch = BranchIndex(std::string("projects/") + twig.name, twig.name);
    const int64_t from = std::max(DaysFromCivil(twig.from_year, 1, 1), TimelineFirstDay());
    const int64_t to = std::min(DaysFromCivil(twig.to_year, 12, 31), TimelineLastDay());
    for (int64_t day = from; day <= to; ++day) {
      if (!rng_.PerMille(400)) continue;
      Add(Category::kFirefoxProjectNightly, Product::kFirefox, Channel::kNightly, branch,
          NightlyMajor(day), NightlyVersion(day), NightlyTime(day, static_cast<int>(rng_.Below(2))),
          0);
    }
  }
}

void Builder::AuroraNightlies() {
  // mozilla-aurora built Firefox "N.0a2" daily; from late 2014 that build
  // was also published as Developer Edition.
  const uint8_t aurora = Release("mozilla-aurora");
  const int64_t devedition_from = DaysFromCivil(2014, 11, 10);
  for (int64_t day = TimelineFirstDay(); day <= TimelineLastDay(); ++day) {
    if (!InAuroraEra(day)) continue;
    const int major = AuroraMajor(day);
    const bool devedition = day >= devedition_from && rng_.Below(2) == 0;
    Add(devedition ? Category::kDevedition : Category::kFirefoxAurora,
        devedition ? Product::kDevedition : Product::kFirefox, Channel::kAurora, aurora, major,
        Str(major) + ".0a2", NightlyTime(day, 0), 0);
  }
}

void Builder::FirefoxBetas() {
  const uint8_t beta = Release("mozilla-beta");
  const uint8_t central = Top("mozilla-central");
  const int64_t devedition_beta_from = DaysFromCivil(2017, 4, 18);
  for (int major = 4; major <= kLastMajor; ++major) {
    for (const BetaSlot& slot : BetaSchedule(major)) {
      if (slot.day > TimelineLastDay()) break;
      const std::string version = Str(major) + ".0b" + Str(slot.number);
      // 4.0's betas came straight from mozilla-central.
      const uint8_t branch = major == 4 ? central : beta;
      const size_t first = AddCandidates(Category::kFirefoxBeta, Product::kFirefox,
                                         Channel::kBeta, branch, major, version, slot.day, 1, 40);
      const size_t last = out_.groups.size();
      if (slot.day < devedition_beta_from) continue;
      // Developer Edition is built from the same changeset as the beta, on
      // the aurora channel (see the "61.0b4rc1" sample).
      for (size_t i = first; i < last; ++i) {
        const BuildGroup source = out_.groups[i];
        BuildGroup& twin = Add(Category::kDevedition, Product::kDevedition, Channel::kAurora,
                               beta, major, version, source.build_time +
                                   5 * 60 + static_cast<int64_t>(rng_.Below(40 * 60)),
                               source.build_number);
        twin.revision_key = source.revision_key;
        if (rng_.PerMille(80)) twin.version += "rc" + Str(twin.build_number);
        if (source.release_time != 0) twin.release_time = source.release_time + 600;
      }
    }
  }
}

void Builder::FirefoxReleases() {
  const uint8_t r192 = Release("mozilla-1.9.2");
  const uint8_t r20 = Release("mozilla-2.0");
  const uint8_t release = Release("mozilla-release");
  const int64_t first_36 = DaysFromCivil(2010, 3, 22);
  for (int x = 2; x <= 28; ++x) {
    AddCandidates(Category::kFirefoxRelease, Product::kFirefox, Channel::kRelease, r192, 3,
                  "3.6." + Str(x), first_36 + (x - 2) * 720 / 26, 2, 0);
  }
  AddCandidates(Category::kFirefoxRelease, Product::kFirefox, Channel::kRelease, r20, 4, "4.0",
                ReleaseDay(4) - 8, 8, 0);
  AddCandidates(Category::kFirefoxRelease, Product::kFirefox, Channel::kRelease, r20, 4,
                "4.0.1", DaysFromCivil(2011, 4, 25), 3, 0);
  for (int major = 5; major < kLastMajor; ++major) {
    const int64_t release_day = ReleaseDay(major);
    const int64_t next = ReleaseDay(major + 1);
    if (release_day - 8 > TimelineLastDay()) break;
    AddCandidates(Category::kFirefoxRelease, Product::kFirefox, Channel::kRelease, release, major,
                  Str(major) + ".0", release_day - 8, 8, 20);
    // Dot releases: most cycles had one, fewer had two or three.
    int64_t day = release_day;
    const int chances[] = {700, 400, 250};
    for (int dot = 1; dot <= 3; ++dot) {
      if (!rng_.PerMille(chances[dot - 1])) break;
      day += 7 + static_cast<int64_t>(rng_.Below(8));
      if (day >= next - 2 || day > TimelineLastDay()) break;
      AddCandidates(Category::kFirefoxRelease, Product::kFirefox, Channel::kRelease, release,
                    major, Str(major) + ".0." + Str(dot), day, 2, 0);
    }
  }
}

void Builder::FirefoxEsr() {
  for (int line : EsrLines()) {
    const uint8_t branch = Release("mozilla-esr" + Str(line));
    const int minors = EsrMinorCount(line);
    for (int minor = 0; minor < minors; ++minor) {
      const int64_t day = ReleaseDay(line + minor);
      AddCandidates(Category::kFirefoxEsr, Product::kFirefox, Channel::kEsr, branch, line,
                    EsrVersion(line, minor, 0), day - 7, 7, 0);
      if (line > 17 && rng_.PerMille(150)) {
        const int64_t spill = day + 5 + static_cast<int64_t>(rng_.Below(8));
        if (spill < ReleaseDay(line + minor + 1) && spill <= TimelineLastDay()) {
          AddCandidates(Category::kFirefoxEsr, Product::kFirefox, Channel::kEsr, branch, line,
                        EsrVersion(line, minor, 1), spill, 2, 0);
        }
      }
    }
  }
}

void Builder::Fennec() {
  const uint8_t central = Top("mozilla-central");
  const uint8_t aurora = Release("mozilla-aurora");
  const uint8_t beta = Release("mozilla-beta");
  const uint8_t release = Release("mozilla-release");
  const uint8_t esr68 = Release("mozilla-esr68");
  const int64_t nightly_from = DaysFromCivil(2011, 3, 22);
  const int64_t nightly_until = DaysFromCivil(2019, 6, 30);
  for (int64_t day = nightly_from; day <= nightly_until; ++day) {
    Add(Category::kFennecNightly, Product::kFennec, Channel::kNightly, central, NightlyMajor(day),
        NightlyVersion(day), NightlyTime(day, 1), 0);
    if (InAuroraEra(day)) {
      const int major = AuroraMajor(day);
      Add(Category::kFennecNightly, Product::kFennec, Channel::kAurora, aurora, major,
          Str(major) + ".0a2", NightlyTime(day, 1), 0);
    }
  }
  for (int major = 5; major <= 68; ++major) {
    for (const BetaSlot& slot : BetaSchedule(major)) {
      AddCandidates(Category::kFennecBeta, Product::kFennec, Channel::kBeta, beta, major,
                    Str(major) + ".0b" + Str(slot.number), slot.day, 1, 0);
    }
  }
  for (int major = 4; major <= 68; ++major) {
    const int64_t day = ReleaseDay(major) - 7;
    AddCandidates(Category::kFennecRelease, Product::kFennec, Channel::kRelease, release, major,
                  Str(major) + ".0", day, 7, 0);
    if (rng_.PerMille(400)) {
      AddCandidates(Category::kFennecRelease, Product::kFennec, Channel::kRelease, release,
                    major, Str(major) + ".0.1", day + 16, 2, 0);
    }
  }
  // After 68, Fennec shipped from mozilla-esr68 as "68.1", "68.2", ...
  for (int minor = 1; minor <= 12; ++minor) {
    const int64_t day = ReleaseDay(68 + minor) - 6;
    AddCandidates(Category::kFennecRelease, Product::kFennec, Channel::kRelease, esr68, 68,
                  "68." + Str(minor), day, 6, 0);
    if (rng_.PerMille(150)) {
      AddCandidates(Category::kFennecRelease, Product::kFennec, Channel::kRelease, esr68, 68,
                    "68." + Str(minor) + ".1", day + 12, 2, 0);
    }
  }
}

void Builder::Thunderbird() {
  const uint8_t central = Top("comm-central");
  const uint8_t beta = Release("comm-beta");
  const uint8_t release = Release("comm-release");
  const int64_t gecko5 = DaysFromCivil(2011, 4, 12);
  for (int64_t day = TimelineFirstDay(); day <= TimelineLastDay(); ++day) {
    const bool old = day < gecko5;
    Add(Category::kThunderbirdNightly, Product::kThunderbird, Channel::kNightly, central,
        old ? 3 : NightlyMajor(day), old ? "3.3a1pre" : NightlyVersion(day),
        NightlyTime(day, 0), 0);
  }
  for (int major = 5; major <= kLastMajor; ++major) {
    const std::vector<BetaSlot> slots = BetaSchedule(major);
    for (size_t i = 0; i < slots.size() && i < 4; ++i) {
      if (slots[i].day + 1 > TimelineLastDay()) break;
      AddCandidates(Category::kThunderbirdBeta, Product::kThunderbird, Channel::kBeta, beta, major,
                    Str(major) + ".0b" + Str(slots[i].number), slots[i].day + 1, 1, 0);
    }
  }
  // 3.1 (from comm-1.9.2) and its security updates.
  const uint8_t c192 = Release("comm-1.9.2");
  const int64_t tb31 = DaysFromCivil(2010, 6, 24);
  AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, Channel::kRelease, c192, 3,
                "3.1", tb31 - 6, 6, 0);
  for (int x = 1; x <= 20; ++x) {
    AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, Channel::kRelease, c192, 3,
                  "3.1." + Str(x), tb31 + 30 + (x - 1) * 640 / 19, 2, 0);
  }
  // The rapid releases 5..16.
  for (int major = 5; major <= 16; ++major) {
    const int64_t day = ReleaseDay(major) - 6;
    AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, Channel::kRelease, release,
                  major, Str(major) + ".0", day, 7, 0);
    if (rng_.PerMille(450)) {
      AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, Channel::kRelease,
                    release, major, Str(major) + ".0.1", day + 16, 2, 0);
    }
  }
  // Then one ESR-based line at a time; 128 is published on the esr channel.
  struct Line {
    int major;
    int year, month, day;
  };
  const Line lines[] = {{17, 2012, 11, 20}, {24, 2013, 9, 17},  {31, 2014, 7, 22},
                        {38, 2015, 6, 11},  {45, 2016, 4, 7},   {52, 2017, 4, 14},
                        {60, 2018, 8, 6},   {68, 2019, 8, 27},  {78, 2020, 7, 17},
                        {91, 2021, 8, 11},  {102, 2022, 6, 29}, {115, 2023, 7, 11},
                        {128, 2024, 7, 11}};
  constexpr size_t kLines = sizeof(lines) / sizeof(lines[0]);
  for (size_t l = 0; l < kLines; ++l) {
    const Line& line = lines[l];
    const uint8_t branch = Release("comm-esr" + Str(line.major));
    const bool esr = line.major >= 128;
    const std::string suffix = esr ? "esr" : "";
    const Channel channel = esr ? Channel::kEsr : Channel::kRelease;
    const int64_t start = DaysFromCivil(line.year, line.month, line.day);
    const int64_t end = l + 1 < kLines ? DaysFromCivil(lines[l + 1].year, lines[l + 1].month,
                                                       lines[l + 1].day) + 84
                                       : TimelineLastDay() + 1;
    const int64_t cycle = start < DaysFromCivil(2020, 1, 1) ? 42 : 28;
    for (int minor = 0;; ++minor) {
      const int64_t day = start + minor * cycle;
      if (day >= end || day > TimelineLastDay()) break;
      const std::string m = Str(line.major);
      std::string version = minor == 0          ? m + ".0" + suffix
                            : line.major == 17 ? m + ".0." + Str(minor)
                                               : m + "." + Str(minor) + ".0" + suffix;
      AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, channel, branch,
                    line.major, version, day - 6, 6, 0);
      if (minor > 0 && line.major != 17 && rng_.PerMille(250) && day + 7 <= TimelineLastDay()) {
        AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, channel, branch,
                      line.major, m + "." + Str(minor) + ".1" + suffix, day + 7, 2, 0);
      }
    }
  }
  // Monthly releases from 2025.
  for (int major = 134; major < kLastMajor; ++major) {
    const int64_t day = ReleaseDay(major) - 5;
    if (day > TimelineLastDay()) break;
    AddCandidates(Category::kThunderbirdRelease, Product::kThunderbird, Channel::kRelease, release,
                  major, Str(major) + ".0", day, 7, 0);
  }
}

void Builder::Focus() {
  const uint8_t beta = Release("mozilla-beta");
  const uint8_t release = Release("mozilla-release");
  for (int major = 100; major < kLastMajor; ++major) {
    const int64_t day = ReleaseDay(major) - 3;
    if (day > TimelineLastDay()) break;
    const std::vector<BetaSlot> slots = BetaSchedule(major);
    for (size_t i = 0; i < slots.size() && i < 3; ++i) {
      AddCandidates(Category::kFocus, Product::kFocus, Channel::kBeta, beta, major,
                    Str(major) + ".0b" + Str(slots[i].number), slots[i].day, 1, 0);
    }
    AddCandidates(Category::kFocus, Product::kFocus, Channel::kRelease, release, major,
                  Str(major) + ".0", day, 3, 0);
    if (rng_.PerMille(300) && day + 14 <= TimelineLastDay()) {
      AddCandidates(Category::kFocus, Product::kFocus, Channel::kRelease, release, major,
                    Str(major) + ".1.0", day + 14, 1, 0);
    }
  }
}

}  // namespace

Catalogue BuildCatalogue(uint64_t seed) {
  Builder builder(seed);
  builder.FirefoxNightlies();
  builder.ProjectNightlies();
  builder.AuroraNightlies();
  builder.FirefoxBetas();
  builder.FirefoxReleases();
  builder.FirefoxEsr();
  builder.Fennec();
  builder.Thunderbird();
  builder.Focus();
  return builder.Finish();
}

}  // namespace buildhub::ingest::gen
