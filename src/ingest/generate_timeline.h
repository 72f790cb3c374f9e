// Mozilla's release calendar as the corpus generator models it: which
// Firefox major shipped when, which version each channel carried on a given
// day, when the betas of a cycle were built, and the ESR lines. Days are
// counted from 1970-01-01 (UTC). The calendar is real at its anchors
// (3.6 on 2010-01-21, 70 on 2019-10-22, 130 on 2024-09-03, ...) and
// interpolated between them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace buildhub::ingest::gen {

// The generated corpus covers these days (inclusive).
int64_t TimelineFirstDay();  // 2010-01-22
int64_t TimelineLastDay();   // 2025-12-31

// Firefox majors, with 3 standing for 3.6. Valid for 3..kLastMajor.
constexpr int kLastMajor = 150;
int64_t ReleaseDay(int major);
// The newest major released on or before `day` (3 before 4.0 shipped).
int ReleasedMajorAt(int64_t day);

// 2011-04-12 .. 2017-04-18: the four-channel era (nightly, aurora, beta,
// release).
bool InAuroraEra(int64_t day);
// What mozilla-central called itself that day: "4.0b8pre", "72.0a1", ...
std::string NightlyVersion(int64_t day);
int NightlyMajor(int64_t day);
// The major on mozilla-aurora (only meaningful in the aurora era).
int AuroraMajor(int64_t day);

struct BetaSlot {
  int number;   // K in "N.0bK"
  int64_t day;  // when bK was built
};
// The betas of `major` (4 .. kLastMajor), in order, within the release
// cycle that precedes major.0.
std::vector<BetaSlot> BetaSchedule(int major);

// ESR lines (10, 17, 24, ..., 140) and how many minor versions each had
// within the timeline: minor i shipped with ReleaseDay(line + i).
const std::vector<int>& EsrLines();
int EsrMinorCount(int line);
// "68.0esr", "17.0.5esr", "68.5.0esr", "68.5.1esr" (patch > 0: a chemspill;
// lines 10 and 17 ignore it, they counted minors in the third place).
std::string EsrVersion(int line, int minor, int patch);

}  // namespace buildhub::ingest::gen
