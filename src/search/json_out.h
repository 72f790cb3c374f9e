// JsonOut: a small streaming writer for responses. Compact separators, keys
// in the order written, strings escaped as json::WriteString does, doubles as
// Python's repr (the original re-serialised every ES response through
// Python's json module), scores as Java floats read back by Python.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace buildhub::search {

class JsonOut {
 public:
  explicit JsonOut(std::string* out) : out_(out) {}

  void BeginObject() { Value(); out_->push_back('{'); need_comma_ = false; }
  void EndObject() { out_->push_back('}'); need_comma_ = true; }
  void BeginArray() { Value(); out_->push_back('['); need_comma_ = false; }
  void EndArray() { out_->push_back(']'); need_comma_ = true; }
  void Key(std::string_view key);

  void String(std::string_view s);
  void Int(int64_t v);
  void Double(double v);       // Python repr; non-finite values as null (ES writes null)
  void Score(float v);         // a Lucene score: float32 digits
  void Bool(bool v);
  void Null();
  void Raw(std::string_view json);  // one complete JSON value, copied verbatim

  std::string* out() { return out_; }

 private:
  void Value() {
    if (after_key_) {
      after_key_ = false;
    } else if (need_comma_) {
      out_->push_back(',');
    }
    need_comma_ = true;
  }

  std::string* out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

// Python repr of the float32 `v` once Java printed it and Python parsed it.
std::string ScoreRepr(float v);

}  // namespace buildhub::search
