// Java's Double.toString, which Elasticsearch uses where a number becomes a
// string: keyword term/range bounds given as JSON floats (65.0 -> "65.0"),
// range aggregation keys ("*-100.0").
#pragma once

#include <string>

namespace buildhub::search {

std::string JavaDoubleString(double v);

}  // namespace buildhub::search
