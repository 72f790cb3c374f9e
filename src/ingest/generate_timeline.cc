#include "ingest/generate_timeline.h"

#include <algorithm>
#include <array>

#include "ingest/generate_time.h"

namespace buildhub::ingest::gen {
namespace {

struct Anchor {
  int major;
  int year, month, day;
};

// Real release dates; the majors between two anchors are spread evenly.
constexpr Anchor kAnchors[] = {
    {3, 2010, 1, 21},   {4, 2011, 3, 22},   {5, 2011, 6, 21},   {10, 2012, 1, 31},
    {15, 2012, 8, 28},  {20, 2013, 4, 2},   {25, 2013, 10, 29}, {30, 2014, 6, 10},
    {35, 2015, 1, 13},  {40, 2015, 8, 11},  {45, 2016, 3, 8},   {50, 2016, 11, 15},
    {55, 2017, 8, 8},   {57, 2017, 11, 14}, {60, 2018, 5, 9},   {65, 2019, 1, 29},
    {70, 2019, 10, 22}, {75, 2020, 4, 7},   {80, 2020, 8, 25},  {85, 2021, 1, 26},
    {90, 2021, 8, 10},  {95, 2021, 12, 7},  {100, 2022, 5, 3},  {105, 2022, 9, 20},
    {110, 2023, 3, 14}, {115, 2023, 7, 4},  {120, 2023, 11, 21}, {125, 2024, 4, 16},
    {130, 2024, 9, 3},  {135, 2025, 2, 4},  {140, 2025, 6, 24}, {145, 2025, 11, 11},
};

const std::array<int64_t, kLastMajor + 1>& ReleaseDays() {
  static const std::array<int64_t, kLastMajor + 1> days = [] {
    std::array<int64_t, kLastMajor + 1> out{};
    constexpr size_t n = sizeof(kAnchors) / sizeof(kAnchors[0]);
    for (size_t i = 0; i + 1 < n; ++i) {
      const Anchor& a = kAnchors[i];
      const Anchor& b = kAnchors[i + 1];
      const int64_t da = DaysFromCivil(a.year, a.month, a.day);
      const int64_t db = DaysFromCivil(b.year, b.month, b.day);
      for (int m = a.major; m < b.major; ++m) {
        out[m] = da + (db - da) * (m - a.major) / (b.major - a.major);
      }
    }
    const Anchor& last = kAnchors[n - 1];
    const int64_t dl = DaysFromCivil(last.year, last.month, last.day);
    for (int m = last.major; m <= kLastMajor; ++m) out[m] = dl + 28 * (m - last.major);
    for (int m = 0; m < 3; ++m) out[m] = out[3];
    return out;
  }();
  return days;
}

constexpr int64_t kFirstDay = DaysFromCivil(2010, 1, 22);
constexpr int64_t kLastDay = DaysFromCivil(2025, 12, 31);
constexpr int64_t kAuroraStart = DaysFromCivil(2011, 4, 12);
constexpr int64_t kAuroraEnd = DaysFromCivil(2017, 4, 18);
constexpr int64_t kFirstBeta4 = DaysFromCivil(2010, 7, 6);

}  // namespace

int64_t TimelineFirstDay() { return kFirstDay; }
int64_t TimelineLastDay() { return kLastDay; }

int64_t ReleaseDay(int major) {
  return ReleaseDays()[std::clamp(major, 0, kLastMajor)];
}

int ReleasedMajorAt(int64_t day) {
  const auto& days = ReleaseDays();
  // Majors are sorted by release day: find the last one on or before `day`.
  auto it = std::upper_bound(days.begin() + 3, days.end(), day);
  int major = static_cast<int>(it - days.begin()) - 1;
  return std::max(major, 3);
}

bool InAuroraEra(int64_t day) { return day >= kAuroraStart && day < kAuroraEnd; }

int NightlyMajor(int64_t day) {
  const int released = ReleasedMajorAt(day);
  if (released <= 3) return 4;
  if (day < kAuroraStart) return 5;
  if (InAuroraEra(day)) return released == 4 ? 6 : released + 3;
  return released + 2;
}

int AuroraMajor(int64_t day) {
  const int released = ReleasedMajorAt(day);
  return released <= 4 ? 5 : released + 2;
}

std::string NightlyVersion(int64_t day) {
  if (ReleasedMajorAt(day) <= 3) {
    // Before 4.0 shipped, mozilla-central was "3.7aNpre", then "4.0bNpre"
    // naming the 4.0 beta it was heading for.
    if (day < kFirstBeta4) {
      return "3.7a" + std::to_string(std::min<int64_t>(5, 1 + (day - kFirstDay) / 35)) + "pre";
    }
    int next_beta = 1;
    for (const BetaSlot& slot : BetaSchedule(4)) {
      if (slot.day <= day) next_beta = slot.number + 1;
    }
    return "4.0b" + std::to_string(next_beta) + "pre";
  }
  return std::to_string(NightlyMajor(day)) + ".0a1";
}

std::vector<BetaSlot> BetaSchedule(int major) {
  std::vector<BetaSlot> out;
  if (major == 4) {
    // 4.0b1 .. 4.0b12, roughly three weeks apart.
    for (int k = 1; k <= 12; ++k) out.push_back({k, kFirstBeta4 + 20 * (k - 1)});
    return out;
  }
  if (major < 5 || major > kLastMajor) return out;
  const int64_t start = ReleaseDay(major - 1);
  const int64_t end = ReleaseDay(major);
  // Weekly betas until 2016, twice a week until 2020, three times after.
  int64_t spacing_half_days = 14;
  if (start >= DaysFromCivil(2020, 1, 1)) {
    spacing_half_days = 5;
  } else if (start >= DaysFromCivil(2016, 1, 1)) {
    spacing_half_days = 7;
  }
  const int64_t usable = std::max<int64_t>(end - start - 8, 0);
  const int count = static_cast<int>(std::clamp<int64_t>(usable * 2 / spacing_half_days + 1, 2, 14));
  for (int k = 1; k <= count; ++k) {
    out.push_back({k, start + 1 + (k - 1) * spacing_half_days / 2});
  }
  return out;
}

const std::vector<int>& EsrLines() {
  static const std::vector<int> lines = {10, 17, 24, 31, 38, 45, 52, 60,
                                         68, 78, 91, 102, 115, 128, 140};
  return lines;
}

int EsrMinorCount(int line) {
  const auto& lines = EsrLines();
  auto it = std::find(lines.begin(), lines.end(), line);
  if (it == lines.end()) return 0;
  // A line overlaps the next one by two cycles; the newest lines (and 115,
  // which was extended) are still alive at the end of the timeline.
  int last_major = kLastMajor;
  if (line < 115 && it + 1 != lines.end()) last_major = *(it + 1) + 2;
  int count = 0;
  while (line + count <= last_major && ReleaseDay(line + count) <= kLastDay) ++count;
  return count;
}

std::string EsrVersion(int line, int minor, int patch) {
  const std::string l = std::to_string(line);
  if (minor == 0 && patch == 0) return l + ".0esr";
  // 10 and 17 counted in the third place and had no separate chemspills.
  if (line <= 17) return l + ".0." + std::to_string(minor) + "esr";
  return l + "." + std::to_string(minor) + "." + std::to_string(patch) + "esr";
}

}  // namespace buildhub::ingest::gen
