// Java's Double.toString, which Elasticsearch uses where a number becomes a
// string: keyword term/range bounds given as JSON floats (65.0 -> "65.0"),
// range aggregation keys ("*-100.0").
#pragma once

#include <cstdint>
#include <string>

namespace buildhub::search {

std::string JavaDoubleString(double v);

// Java's (long) and (int) casts of a double, which Elasticsearch applies
// wherever a double becomes an integer: NaN gives 0 and values beyond the
// range saturate. A plain static_cast is undefined behaviour there, and
// request bodies can carry any double.
int64_t JavaLongCast(double v);
int JavaIntCast(double v);

}  // namespace buildhub::search
