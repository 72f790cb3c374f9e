// The common shape of stored dates, parsed without the general machinery:
// "2019-06-03T20:49:46.559307+00:00", "2018-05-10T16:07:05Z". Loading a
// million builds parses two million dates; the general parser (dates.h)
// handles everything else and is the reference (tests compare the two).
#pragma once

#include <cstdint>
#include <string_view>

namespace buildhub::search {

// Parses yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm) with valid field ranges;
// false for anything else (the caller then asks dates::ParseStoredDate).
bool FastIsoMillis(std::string_view s, int64_t* out);

}  // namespace buildhub::search
