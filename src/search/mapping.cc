#include "search/mapping.h"

#include "search/simple_match.h"

namespace buildhub::search {

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kObject: return "object";
    case FieldType::kKeyword: return "keyword";
    case FieldType::kText: return "text";
    case FieldType::kLong: return "long";
    case FieldType::kDouble: return "float";
    case FieldType::kDate: return "date";
    case FieldType::kBoolean: return "boolean";
  }
  return "unknown";
}

Mapping::Mapping() {
  FieldInfo root;
  root.id = kRoot;
  root.type = FieldType::kObject;
  fields_.push_back(std::move(root));
  Add(kRoot, "id", FieldType::kKeyword);
  uint32_t build = Add(kRoot, "build", FieldType::kObject);
  Add(build, "id", FieldType::kKeyword);
  Add(build, "date", FieldType::kDate);
  uint32_t source = Add(kRoot, "source", FieldType::kObject);
  for (const char* k : {"product", "repository", "tree", "revision"}) Add(source, k, FieldType::kKeyword);
  uint32_t target = Add(kRoot, "target", FieldType::kObject);
  for (const char* k : {"platform", "os", "locale", "version", "channel"}) {
    Add(target, k, FieldType::kKeyword);
  }
  uint32_t download = Add(kRoot, "download", FieldType::kObject);
  Add(download, "url", FieldType::kKeyword);
  Add(download, "mimetype", FieldType::kKeyword);
  Add(download, "size", FieldType::kLong);
  Add(download, "date", FieldType::kDate);
}

uint32_t Mapping::Add(uint32_t parent, std::string key, FieldType type) {
  FieldInfo f;
  f.id = static_cast<uint32_t>(fields_.size());
  f.path = parent == kRoot ? key : fields_[parent].path + "." + key;
  f.type = type;
  f.parent = parent;
  uint32_t id = f.id;
  by_path_.emplace(f.path, id);
  fields_[parent].children.emplace_back(std::move(key), id);
  fields_.push_back(std::move(f));
  if (type == FieldType::kText) {
    FieldInfo sub;
    sub.id = static_cast<uint32_t>(fields_.size());
    sub.path = fields_[id].path + ".keyword";
    sub.type = FieldType::kKeyword;
    sub.parent = parent;
    sub.text_parent = id;
    fields_[id].keyword_sub = sub.id;
    // A JSON key "keyword" under an object at the same path would collide;
    // the first one wins, as the mapping would refuse the second in ES.
    by_path_.emplace(sub.path, sub.id);
    fields_.push_back(std::move(sub));
  }
  return id;
}

uint32_t Mapping::AddField(uint32_t parent, std::string_view key, FieldType type) {
  if (fields_.size() + 2 > kMaxFields) return kNoField;
  if (parent >= fields_.size() || fields_[parent].type != FieldType::kObject) return kNoField;
  if (Depth(parent) + 1 > kMaxDepth) return kNoField;
  std::string path = parent == kRoot ? std::string(key) : fields_[parent].path + "." + std::string(key);
  if (by_path_.count(path)) return kNoField;  // e.g. "x.keyword" shadowed by a sub-field
  return Add(parent, std::string(key), type);
}

const FieldInfo* Mapping::Find(std::string_view path) const {
  auto it = by_path_.find(std::string(path));
  return it == by_path_.end() ? nullptr : &fields_[it->second];
}

uint32_t Mapping::Child(uint32_t parent, std::string_view key) const {
  for (const auto& [k, id] : fields_[parent].children) {
    if (k == key) return id;
  }
  return kNoField;
}

size_t Mapping::Depth(uint32_t id) const {
  size_t d = 0;
  while (id != kRoot && id != kNoField) {
    id = fields_[id].parent;
    ++d;
  }
  return d;
}

std::vector<uint32_t> Mapping::LeavesAt(std::string_view path) const {
  std::vector<uint32_t> out;
  const FieldInfo* f = Find(path);
  if (f == nullptr) return out;
  if (f->type != FieldType::kObject) {
    out.push_back(f->id);
    return out;
  }
  std::vector<uint32_t> stack{f->id};
  while (!stack.empty()) {
    uint32_t id = stack.back();
    stack.pop_back();
    for (const auto& [k, child] : fields_[id].children) {
      const FieldInfo& c = fields_[child];
      if (c.type == FieldType::kObject) {
        stack.push_back(child);
      } else {
        out.push_back(child);
        if (c.keyword_sub != kNoField) out.push_back(c.keyword_sub);
      }
    }
  }
  return out;
}

std::vector<uint32_t> Mapping::MatchPattern(std::string_view pattern) const {
  std::vector<uint32_t> out;
  for (const FieldInfo& f : fields_) {
    if (f.id == kRoot || f.type == FieldType::kObject) continue;
    if (SimpleMatch(pattern, f.path)) out.push_back(f.id);
  }
  return out;
}

}  // namespace buildhub::search
