#include "search/json_out.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/json.h"

namespace buildhub::search {

void JsonOut::Key(std::string_view key) {
  if (need_comma_) out_->push_back(',');
  json::WriteString(key, out_);
  out_->push_back(':');
  after_key_ = true;
  need_comma_ = false;
}

void JsonOut::String(std::string_view s) {
  Value();
  json::WriteString(s, out_);
}

void JsonOut::Int(int64_t v) {
  Value();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_->append(buf, r.ptr);
}

void JsonOut::Double(double v) {
  Value();
  if (!std::isfinite(v)) {
    out_->append("null");
    return;
  }
  out_->append(json::PythonFloatRepr(v));
}

std::string ScoreRepr(float v) {
  if (!std::isfinite(v)) return "null";
  char buf[48];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  *r.ptr = '\0';
  double d = std::strtod(buf, nullptr);
  return json::PythonFloatRepr(d);
}

void JsonOut::Score(float v) {
  Value();
  out_->append(ScoreRepr(v));
}

void JsonOut::Bool(bool v) {
  Value();
  out_->append(v ? "true" : "false");
}

void JsonOut::Null() {
  Value();
  out_->append("null");
}

void JsonOut::Raw(std::string_view json) {
  Value();
  out_->append(json);
}

}  // namespace buildhub::search
