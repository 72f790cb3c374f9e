// Compiling a JSON Schema (draft 7) into Nodes.
//
// Every keyword is checked for its draft 7 type here, so that a typo in the
// schema file fails at load time with the keyword's path instead of
// silently validating nothing. $ref is resolved after the tree walk (it may
// point anywhere in the file, forwards or back to an ancestor); a chain of
// references and combinators that comes back to itself without descending
// into the document would loop forever and is refused.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/schema_internal.h"

namespace buildhub::schema_internal {
namespace {

constexpr size_t kMaxListText = 1024;
constexpr int kMaxSchemaDepth = 512;

std::string KindOf(const json::Value& v) {
  if (v.is_number()) return v.is_integer_literal() ? "integer" : "number";
  return json::TypeName(v.type());
}

std::string Sub(const std::string& path, std::string_view key) {
  std::string out = path;
  AppendPathKey(key, &out);
  return out;
}

std::string SubIndex(const std::string& path, size_t index) {
  std::string out = path;
  AppendPathIndex(index, &out);
  return out;
}

// The order Lookup in schema_validate.cc searches by.
bool KeyLess(const PropEntry& a, const PropEntry& b) {
  if (a.key.size() != b.key.size()) return a.key.size() < b.key.size();
  if (a.head != b.head) return a.head < b.head;
  return a.key < b.key;
}

class Compiler {
 public:
  Compiler(const json::Value& root, std::string_view origin, std::string_view root_path)
      : root_(root), origin_(origin), root_path_(root_path) {}

  Result<std::unique_ptr<CompiledSchema>> Run() {
    auto compiled = std::make_unique<CompiledSchema>();
    out_ = compiled.get();
    Result<const Node*> root = Get(root_, root_path_, 0);
    if (!root.ok()) return root.status();
    if (Status s = ResolveRefs(); !s.ok()) return s;
    if (Status s = CheckCycles(); !s.ok()) return s;
    ComputeReachesFormat();
    compiled->root = *root;
    return compiled;
  }

 private:
  struct PendingRef {
    Node* node;
    std::string ref;
    std::string path;
  };

  Status Error(const std::string& path, std::string_view problem) const {
    if (path.empty()) return InvalidArgument(fmt::format("{}: {}", origin_, problem));
    return InvalidArgument(fmt::format("{}: {}: {}", origin_, path, problem));
  }

  Status Expected(const std::string& path, std::string_view what, const json::Value& got) const {
    return Error(path, fmt::format("expected {}, got {}", what, KindOf(got)));
  }

  // The node for the schema `v`, compiled once per value in the file.
  Result<const Node*> Get(const json::Value& v, const std::string& path, int depth) {
    if (depth > kMaxSchemaDepth) return Error(path, fmt::format("schema nested deeper than {} levels", kMaxSchemaDepth));
    if (auto it = memo_.find(&v); it != memo_.end()) return static_cast<const Node*>(it->second);
    if (!v.is_object() && !v.is_bool()) return Expected(path, "a schema (an object or a boolean)", v);
    out_->nodes.push_back(std::make_unique<Node>());
    Node* node = out_->nodes.back().get();
    memo_[&v] = node;
    node->path = path;
    if (v.is_bool()) {
      node->always_false = !v.as_bool();
      node->trivial = v.as_bool();
      return static_cast<const Node*>(node);
    }
    if (Status s = Fill(node, v, path, depth); !s.ok()) return s;
    return static_cast<const Node*>(node);
  }

  Status NonNegative(const json::Value& v, const std::string& path, size_t* out) const {
    std::optional<int64_t> n = v.is_number() ? v.as_int64() : std::nullopt;
    if (!n || *n < 0) return Expected(path, "a non-negative integer", v);
    *out = static_cast<size_t>(*n);
    return Status::Ok();
  }

  Status Number(const json::Value& v, const std::string& path, Bound* out) const {
    if (!v.is_number()) return Expected(path, "a number", v);
    out->set = true;
    out->value = v;
    out->text = v.text();
    return Status::Ok();
  }

  Status Regex(const json::Value& v, const std::string& path, std::unique_ptr<RE2>* out) const {
    if (!v.is_string()) return Expected(path, "a regular expression string", v);
    return CompileRegex(v.text(), path, out);
  }

  Status CompileRegex(const std::string& pattern, const std::string& path, std::unique_ptr<RE2>* out) const {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) {
      return Error(path, fmt::format("invalid regular expression {}: {}", QuoteForMessage(pattern), re->error()));
    }
    *out = std::move(re);
    return Status::Ok();
  }

  Status SchemaList(const json::Value& v, const std::string& path, int depth, std::vector<const Node*>* out) {
    if (!v.is_array() || v.items().empty()) return Expected(path, "a non-empty array of schemas", v);
    for (size_t i = 0; i < v.items().size(); ++i) {
      Result<const Node*> child = Get(v.items()[i], SubIndex(path, i), depth + 1);
      if (!child.ok()) return child.status();
      out->push_back(*child);
    }
    return Status::Ok();
  }

  Status StringSet(const json::Value& v, const std::string& path, std::vector<std::string>* out) const {
    if (!v.is_array()) return Expected(path, "an array of strings", v);
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < v.items().size(); ++i) {
      const json::Value& item = v.items()[i];
      if (!item.is_string()) return Expected(SubIndex(path, i), "a string", item);
      if (!seen.insert(item.text()).second) {
        return Error(path, fmt::format("{} is listed twice", QuoteForMessage(item.text())));
      }
      out->push_back(item.text());
    }
    return Status::Ok();
  }

  // additionalProperties / additionalItems: a boolean or a schema.
  Status ExtraSchema(const json::Value& v, const std::string& path, int depth, Extra* mode, const Node** schema) {
    Result<const Node*> child = Get(v, path, depth + 1);
    if (!child.ok()) return child.status();
    if ((*child)->trivial) {
      *mode = Extra::kAllow;
    } else if ((*child)->always_false) {
      *mode = Extra::kDeny;
    } else {
      *mode = Extra::kSchema;
      *schema = *child;
    }
    return Status::Ok();
  }

  Status Fill(Node* n, const json::Value& v, const std::string& path, int depth) {
    // Definitions are compiled even when nothing refers to them, so that a
    // broken one is reported at load time, as jsonschema's check_schema does.
    if (const json::Value* defs = v.find("definitions")) {
      const std::string defs_path = Sub(path, "definitions");
      if (!defs->is_object()) return Expected(defs_path, "an object of schemas", *defs);
      for (const auto& [name, def] : defs->members()) {
        Result<const Node*> child = Get(def, Sub(defs_path, name), depth + 1);
        if (!child.ok()) return child.status();
      }
    }
    if (const json::Value* schema = v.find("$schema")) {
      if (!schema->is_string()) return Expected(Sub(path, "$schema"), "a string", *schema);
      const std::string& uri = schema->text();
      if (uri.find("draft-07") == std::string::npos && uri.find("draft-06") == std::string::npos) {
        return Error(Sub(path, "$schema"),
                     fmt::format("unsupported {}: only JSON Schema draft 7 is implemented", QuoteForMessage(uri)));
      }
    }
    // Draft 7: next to $ref every other keyword is ignored.
    if (const json::Value* ref = v.find("$ref")) {
      const std::string ref_path = Sub(path, "$ref");
      if (!ref->is_string()) return Expected(ref_path, "a string", *ref);
      pending_.push_back({n, ref->text(), ref_path});
      return Status::Ok();
    }

    const json::Value* properties = nullptr;
    const json::Value* if_value = nullptr;
    const json::Value* then_value = nullptr;
    const json::Value* else_value = nullptr;
    const json::Value* additional_items = nullptr;
    for (const auto& [key, val] : v.members()) {
      const std::string kp = Sub(path, key);
      Status s;
      if (key == "type") {
        s = Type(n, val, kp);
      } else if (key == "properties") {
        if (!val.is_object()) return Expected(kp, "an object of schemas", val);
        properties = &val;
      } else if (key == "required") {
        s = StringSet(val, kp, &n->required);
      } else if (key == "additionalProperties") {
        s = ExtraSchema(val, kp, depth, &n->additional, &n->additional_schema);
      } else if (key == "patternProperties") {
        if (!val.is_object()) return Expected(kp, "an object of schemas", val);
        for (const auto& [pattern, sub] : val.members()) {
          PatternEntry entry;
          const std::string pp = Sub(kp, pattern);
          if (Status rs = CompileRegex(pattern, pp, &entry.re); !rs.ok()) return rs;
          Result<const Node*> child = Get(sub, pp, depth + 1);
          if (!child.ok()) return child.status();
          entry.schema = *child;
          n->pattern_props.push_back(std::move(entry));
        }
      } else if (key == "propertyNames") {
        Result<const Node*> child = Get(val, kp, depth + 1);
        if (!child.ok()) return child.status();
        if (!(*child)->trivial) n->property_names = *child;
      } else if (key == "dependencies") {
        s = Dependencies(n, val, kp, depth);
      } else if (key == "minProperties") {
        s = NonNegative(val, kp, &n->min_props);
      } else if (key == "maxProperties") {
        s = NonNegative(val, kp, &n->max_props);
      } else if (key == "items") {
        if (val.is_array()) {
          n->has_tuple = true;
          for (size_t i = 0; i < val.items().size(); ++i) {
            Result<const Node*> child = Get(val.items()[i], SubIndex(kp, i), depth + 1);
            if (!child.ok()) return child.status();
            n->tuple.push_back(*child);
          }
        } else {
          Result<const Node*> child = Get(val, kp, depth + 1);
          if (!child.ok()) return child.status();
          if (!(*child)->trivial) n->items = *child;
        }
      } else if (key == "additionalItems") {
        additional_items = &val;
      } else if (key == "minItems") {
        s = NonNegative(val, kp, &n->min_items);
      } else if (key == "maxItems") {
        s = NonNegative(val, kp, &n->max_items);
      } else if (key == "uniqueItems") {
        if (!val.is_bool()) return Expected(kp, "a boolean", val);
        n->unique_items = val.as_bool();
      } else if (key == "contains") {
        Result<const Node*> child = Get(val, kp, depth + 1);
        if (!child.ok()) return child.status();
        n->contains = *child;
      } else if (key == "minLength") {
        s = NonNegative(val, kp, &n->min_length);
      } else if (key == "maxLength") {
        s = NonNegative(val, kp, &n->max_length);
      } else if (key == "pattern") {
        s = Regex(val, kp, &n->pattern);
      } else if (key == "format") {
        if (!val.is_string()) return Expected(kp, "a string", val);
        // Unknown formats are ignored, as draft 7 allows.
        if (val.text() == "date-time") n->format = Format::kDateTime;
        if (val.text() == "date") n->format = Format::kDate;
        if (val.text() == "email") n->format = Format::kEmail;
        if (val.text() == "uri") n->format = Format::kUri;
      } else if (key == "minimum") {
        s = Number(val, kp, &n->minimum);
      } else if (key == "maximum") {
        s = Number(val, kp, &n->maximum);
      } else if (key == "exclusiveMinimum" || key == "exclusiveMaximum") {
        if (val.is_bool()) {
          return Error(kp, "a boolean is draft 4 syntax; draft 7 wants the bound itself as a number");
        }
        s = Number(val, kp, key == "exclusiveMinimum" ? &n->exclusive_minimum : &n->exclusive_maximum);
      } else if (key == "multipleOf") {
        s = Number(val, kp, &n->multiple_of);
        if (s.ok() && !(val.as_double() > 0)) return Expected(kp, "a number greater than 0", val);
      } else if (key == "enum") {
        if (!val.is_array()) return Expected(kp, "an array", val);
        n->has_enum = true;
        n->enum_values = val.items();
        n->enum_text = RenderJsonList(n->enum_values, kMaxListText);
      } else if (key == "const") {
        n->has_const = true;
        n->const_value = val;
        n->const_text = RenderForMessage(val);
      } else if (key == "allOf") {
        s = SchemaList(val, kp, depth, &n->all_of);
      } else if (key == "anyOf") {
        s = SchemaList(val, kp, depth, &n->any_of);
      } else if (key == "oneOf") {
        s = SchemaList(val, kp, depth, &n->one_of);
      } else if (key == "not") {
        Result<const Node*> child = Get(val, kp, depth + 1);
        if (!child.ok()) return child.status();
        n->not_schema = *child;
      } else if (key == "if") {
        if_value = &val;
      } else if (key == "then") {
        then_value = &val;
      } else if (key == "else") {
        else_value = &val;
      }
      // Anything else (title, description, default, examples, $comment,
      // definitions handled above, unknown keywords) carries no constraint.
      if (!s.ok()) return s;
    }

    if (Status s = Properties(n, properties, Sub(path, "properties"), depth); !s.ok()) return s;
    if (additional_items != nullptr && n->has_tuple) {
      Status s = ExtraSchema(*additional_items, Sub(path, "additionalItems"), depth, &n->additional_items,
                             &n->additional_items_schema);
      if (!s.ok()) return s;
    } else if (additional_items != nullptr) {
      // Ignored without an items array, but it must still be a schema.
      Result<const Node*> child = Get(*additional_items, Sub(path, "additionalItems"), depth + 1);
      if (!child.ok()) return child.status();
    }
    if (Status s = Conditional(n, if_value, then_value, else_value, path, depth); !s.ok()) return s;

    n->object_checks = !n->props.empty() || !n->pattern_props.empty() || n->additional != Extra::kAllow ||
                       n->min_props > 0 || n->max_props != std::numeric_limits<size_t>::max() ||
                       n->property_names != nullptr || !n->dependencies.empty();
    n->array_checks = n->items != nullptr || n->has_tuple || n->min_items > 0 ||
                      n->max_items != std::numeric_limits<size_t>::max() || n->unique_items || n->contains != nullptr;
    n->string_checks = n->min_length > 0 || n->max_length != std::numeric_limits<size_t>::max() ||
                       n->pattern != nullptr || n->format != Format::kNone;
    n->number_checks = n->minimum.set || n->maximum.set || n->exclusive_minimum.set || n->exclusive_maximum.set ||
                       n->multiple_of.set;
    n->generic_checks = n->has_enum || n->has_const || !n->all_of.empty() || !n->any_of.empty() ||
                        !n->one_of.empty() || n->not_schema != nullptr || n->if_schema != nullptr;
    n->trivial = n->types == 0 && !n->object_checks && !n->array_checks && !n->string_checks && !n->number_checks &&
                 !n->generic_checks;
    return Status::Ok();
  }

  Status Type(Node* n, const json::Value& v, const std::string& path) const {
    std::vector<const json::Value*> names;
    if (v.is_string()) {
      names.push_back(&v);
    } else if (v.is_array() && !v.items().empty()) {
      for (const auto& item : v.items()) names.push_back(&item);
    } else {
      return Expected(path, "a type name or a non-empty array of type names", v);
    }
    for (size_t i = 0; i < names.size(); ++i) {
      const json::Value& name = *names[i];
      const std::string item_path = v.is_array() ? SubIndex(path, i) : path;
      if (!name.is_string()) return Expected(item_path, "a type name", name);
      uint8_t bit = 0;
      const std::string& t = name.text();
      if (t == "null") bit = kNullBit;
      if (t == "boolean") bit = kBoolBit;
      if (t == "integer") bit = kIntegerBit;
      if (t == "number") bit = kNumberBit;
      if (t == "string") bit = kStringBit;
      if (t == "array") bit = kArrayBit;
      if (t == "object") bit = kObjectBit;
      if (bit == 0) {
        return Error(item_path, fmt::format("unknown type {}; draft 7 has null, boolean, integer, number, "
                                            "string, array and object",
                                            QuoteForMessage(t)));
      }
      if (n->types & bit) return Error(path, fmt::format("type {} is listed twice", QuoteForMessage(t)));
      n->types |= bit;
      if (!n->type_names.empty()) n->type_names += " or ";
      n->type_names += t;
    }
    return Status::Ok();
  }

  // `properties` and `required` merge into one sorted table, so that one
  // lookup per document member serves both.
  Status Properties(Node* n, const json::Value* properties, const std::string& path, int depth) {
    std::unordered_map<std::string_view, size_t> index;
    if (properties != nullptr) {
      for (const auto& [key, sub] : properties->members()) {
        Result<const Node*> child = Get(sub, Sub(path, key), depth + 1);
        if (!child.ok()) return child.status();
        index[key] = n->props.size();
        n->props.push_back({key, 0, *child, -1});
      }
    }
    for (size_t i = 0; i < n->required.size(); ++i) {
      auto it = index.find(n->required[i]);
      if (it == index.end()) {
        n->props.push_back({n->required[i], 0, nullptr, static_cast<int>(i)});
      } else {
        n->props[it->second].required_index = static_cast<int>(i);
      }
    }
    for (auto& p : n->props) p.head = KeyHead(p.key);
    std::sort(n->props.begin(), n->props.end(), KeyLess);
    return Status::Ok();
  }

  Status Dependencies(Node* n, const json::Value& v, const std::string& path, int depth) {
    if (!v.is_object()) return Expected(path, "an object", v);
    for (const auto& [key, dep] : v.members()) {
      Dependency d;
      d.key = key;
      const std::string dp = Sub(path, key);
      if (dep.is_array()) {
        if (Status s = StringSet(dep, dp, &d.required); !s.ok()) return s;
      } else {
        Result<const Node*> child = Get(dep, dp, depth + 1);
        if (!child.ok()) return child.status();
        d.schema = *child;
      }
      n->dependencies.push_back(std::move(d));
    }
    return Status::Ok();
  }

  Status Conditional(Node* n, const json::Value* if_value, const json::Value* then_value,
                     const json::Value* else_value, const std::string& path, int depth) {
    const Node* nodes[3] = {nullptr, nullptr, nullptr};
    const json::Value* values[3] = {if_value, then_value, else_value};
    const char* names[3] = {"if", "then", "else"};
    for (int i = 0; i < 3; ++i) {
      if (values[i] == nullptr) continue;
      Result<const Node*> child = Get(*values[i], Sub(path, names[i]), depth + 1);
      if (!child.ok()) return child.status();
      nodes[i] = *child;
    }
    // Without `if`, `then` and `else` do nothing (they were still checked).
    if (nodes[0] == nullptr || (nodes[1] == nullptr && nodes[2] == nullptr)) return Status::Ok();
    n->if_schema = nodes[0];
    n->then_schema = nodes[1];
    n->else_schema = nodes[2];
    return Status::Ok();
  }

  // "#" or "#/json/pointer" within the file (the schema is the document).
  Result<const json::Value*> Resolve(const std::string& ref, const std::string& path, std::string* target_path) const {
    if (ref.empty() || ref[0] != '#') {
      return Error(path, fmt::format("unsupported reference {}: only references within the file "
                                     "(\"#/definitions/...\") are supported",
                                     QuoteForMessage(ref)));
    }
    std::string pointer;
    // Percent-decoding: "#/definitions/a%20b" names "a b".
    for (size_t i = 1; i < ref.size(); ++i) {
      if (ref[i] == '%' && i + 2 < ref.size() && isxdigit(static_cast<unsigned char>(ref[i + 1])) &&
          isxdigit(static_cast<unsigned char>(ref[i + 2]))) {
        pointer.push_back(static_cast<char>(std::stoi(ref.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        pointer.push_back(ref[i]);
      }
    }
    const json::Value* at = &root_;
    *target_path = root_path_;
    if (pointer.empty()) return at;
    if (pointer[0] != '/') {
      return Error(path, fmt::format("unsupported reference {}: a fragment must be a JSON pointer (\"#/...\")",
                                     QuoteForMessage(ref)));
    }
    size_t pos = 1;
    while (true) {
      size_t slash = pointer.find('/', pos);
      std::string raw = pointer.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
      std::string token;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
          token.push_back(raw[i + 1] == '0' ? '~' : '/');
          ++i;
        } else {
          token.push_back(raw[i]);
        }
      }
      const json::Value* next = nullptr;
      if (at->is_object()) {
        next = at->find(token);
        AppendPathKey(token, target_path);
      } else if (at->is_array() && !token.empty() && token.size() < 10 &&
                 token.find_first_not_of("0123456789") == std::string::npos) {
        size_t i = std::stoul(token);
        if (i < at->items().size()) next = &at->items()[i];
        AppendPathIndex(i, target_path);
      }
      if (next == nullptr) {
        return Error(path, fmt::format("reference {} does not resolve: nothing at {}", QuoteForMessage(ref),
                                       QuoteForMessage(token)));
      }
      at = next;
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    return at;
  }

  Status ResolveRefs() {
    while (!pending_.empty()) {
      PendingRef p = std::move(pending_.back());
      pending_.pop_back();
      std::string target_path;
      Result<const json::Value*> target = Resolve(p.ref, p.path, &target_path);
      if (!target.ok()) return target.status();
      Result<const Node*> node = Get(**target, target_path, 0);
      if (!node.ok()) return node.status();
      p.node->ref = *node;
    }
    return Status::Ok();
  }

  // Schemas that apply to the same value (no descent into the document).
  static void SameValueEdges(const Node* n, std::vector<const Node*>* out) {
    out->clear();
    if (n->ref) out->push_back(n->ref);
    for (const Node* c : n->all_of) out->push_back(c);
    for (const Node* c : n->any_of) out->push_back(c);
    for (const Node* c : n->one_of) out->push_back(c);
    if (n->not_schema) out->push_back(n->not_schema);
    if (n->if_schema) out->push_back(n->if_schema);
    if (n->then_schema) out->push_back(n->then_schema);
    if (n->else_schema) out->push_back(n->else_schema);
  }

  // Iterative depth-first search (a recursive one could overflow the stack
  // on a long chain of references).
  Status CheckCycles() const {
    enum : uint8_t { kNew = 0, kActive, kDone };
    std::unordered_map<const Node*, uint8_t> state;
    struct Frame {
      const Node* node;
      std::vector<const Node*> edges;
      size_t next = 0;
    };
    for (const auto& start : out_->nodes) {
      if (state[start.get()] != kNew) continue;
      std::vector<Frame> stack;
      stack.push_back({start.get(), {}, 0});
      SameValueEdges(start.get(), &stack.back().edges);
      state[start.get()] = kActive;
      while (!stack.empty()) {
        Frame& top = stack.back();
        if (top.next == top.edges.size()) {
          state[top.node] = kDone;
          stack.pop_back();
          continue;
        }
        const Node* child = top.edges[top.next++];
        uint8_t& child_state = state[child];
        if (child_state == kActive) {
          return Error(top.node->path.empty() ? child->path : top.node->path,
                       fmt::format("this schema leads back to {} without descending into the document "
                                   "(a $ref/allOf/anyOf/oneOf/not cycle would never terminate)",
                                   child->path.empty() ? "the root schema" : QuoteForMessage(child->path)));
        }
        if (child_state == kDone) continue;
        child_state = kActive;
        Frame frame{child, {}, 0};
        SameValueEdges(child, &frame.edges);
        stack.push_back(std::move(frame));
      }
    }
    return Status::Ok();
  }

  static bool AnyReaches(const Node* n) {
    auto reaches = [](const Node* c) { return c != nullptr && c->reaches_format; };
    if (n->format != Format::kNone) return true;
    if (reaches(n->ref) || reaches(n->additional_schema) || reaches(n->property_names) || reaches(n->items) ||
        reaches(n->additional_items_schema) || reaches(n->contains) || reaches(n->if_schema) ||
        reaches(n->then_schema) || reaches(n->else_schema)) {
      return true;
    }
    for (const auto& p : n->props) {
      if (reaches(p.schema)) return true;
    }
    for (const auto& p : n->pattern_props) {
      if (reaches(p.schema)) return true;
    }
    for (const auto& d : n->dependencies) {
      if (reaches(d.schema)) return true;
    }
    for (const auto* list : {&n->tuple, &n->all_of, &n->any_of, &n->one_of}) {
      for (const Node* c : *list) {
        if (reaches(c)) return true;
      }
    }
    return false;
  }

  // Fixed point; children are created after their parents, so walking the
  // nodes backwards settles in one or two passes except through $ref.
  void ComputeReachesFormat() {
    for (size_t pass = 0; pass <= out_->nodes.size(); ++pass) {
      bool changed = false;
      for (size_t i = out_->nodes.size(); i-- > 0;) {
        Node* n = out_->nodes[i].get();
        if (!n->reaches_format && AnyReaches(n)) {
          n->reaches_format = true;
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  const json::Value& root_;
  std::string_view origin_;
  std::string root_path_;
  CompiledSchema* out_ = nullptr;
  std::unordered_map<const json::Value*, Node*> memo_;
  std::vector<PendingRef> pending_;
};

}  // namespace

Result<std::unique_ptr<CompiledSchema>> Compile(const json::Value& schema, std::string_view origin,
                                                std::string_view root_path) {
  return Compiler(schema, origin, root_path).Run();
}

}  // namespace buildhub::schema_internal
