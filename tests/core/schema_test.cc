#include "core/schema.h"

#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/schema_internal.h"
#include "support/fixtures.h"

namespace buildhub {
namespace {

using ::buildhub::testing::ProjectPath;
using ::buildhub::testing::ReadFileOrDie;
using ::buildhub::testing::SharedReference;
using ::buildhub::testing::TempDir;
using ::buildhub::testing::WriteFileOrDie;

json::Value ParseOrDie(const std::string& text) {
  Result<json::Value> v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().message() << " in " << text;
  return v.ok() ? std::move(v).value() : json::Value();
}

std::vector<std::string> Messages(const std::vector<SchemaIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& issue : issues) out.push_back(issue.message);
  return out;
}

std::vector<std::string> Errors(const Schema& schema, const json::Value& doc) {
  return Messages(schema.Validate(doc).errors);
}

std::vector<std::string> Errors(const Schema& schema, const std::string& doc_json) {
  return Errors(schema, ParseOrDie(doc_json));
}

std::shared_ptr<const Schema> LoadOrDie(const std::string& text) {
  Result<std::shared_ptr<const Schema>> s = Schema::LoadText(text, "test.yaml");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : nullptr;
}

std::string LoadError(const std::string& text) {
  Result<std::shared_ptr<const Schema>> s = Schema::LoadText(text, "test.yaml");
  EXPECT_FALSE(s.ok()) << "expected a load error for: " << text;
  return s.ok() ? "" : s.status().message();
}

json::Value ValidBuild() { return ParseOrDie(ReadFileOrDie(SharedReference("samples/valid-buildhub.json"))); }

// Sets doc[path...] = value, creating nothing: every step must exist.
void SetAt(json::Value* doc, const std::vector<std::string>& path, json::Value value) {
  json::Value* at = doc;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    at = at->find(path[i]);
    ASSERT_NE(at, nullptr) << path[i];
  }
  at->set(path.back(), std::move(value));
}

// --- The bundled schema and the reference samples ----------------------------

TEST(SchemaDefault, AcceptsEveryReferenceSample) {
  auto schema = Schema::Default();
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->origin(), "schema/schema.yaml (bundled)");
  std::vector<std::string> files = {"docs-user-example-68.0b7-buildhub.json"};
  for (const auto& entry : std::filesystem::directory_iterator(SharedReference("samples"))) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("valid-") && name.ends_with(".json")) files.push_back(name);
  }
  ASSERT_GE(files.size(), 4u);
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    ValidationReport report = schema->Validate(ParseOrDie(ReadFileOrDie(SharedReference("samples/" + name))));
    EXPECT_TRUE(report.ok()) << report.ErrorsJson();
    EXPECT_EQ(Messages(report.warnings), std::vector<std::string>{});
  }
}

TEST(SchemaDefault, IsTheProjectSchemaFile) {
  // The compiled-in text must behave exactly as the file does when loaded.
  Result<std::shared_ptr<const Schema>> from_file = Schema::LoadFile(ProjectPath("schema/schema.yaml").string());
  ASSERT_TRUE(from_file.ok()) << from_file.status().message();
  EXPECT_EQ((*from_file)->origin(), ProjectPath("schema/schema.yaml").string());
  json::Value doc = ValidBuild();
  doc.find("target")->erase("platform");
  doc.set("junk", json::Value::Int(1));
  EXPECT_EQ(Errors(**from_file, doc), Errors(*Schema::Default(), doc));
  EXPECT_EQ(Errors(*Schema::Default(), doc).size(), 2u);
}

TEST(SchemaDefault, AdditionalPropertiesAtEveryLevel) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  doc.set("junk", json::Value::Int(1));
  EXPECT_EQ(Errors(*schema, doc), std::vector<std::string>{"additional property 'junk' is not allowed"});
  for (const char* level : {"build", "target", "source", "download"}) {
    json::Value nested = ValidBuild();
    nested.find(level)->set("junk", json::Value::String("x"));
    EXPECT_EQ(Errors(*schema, nested),
              std::vector<std::string>{std::string(level) + ": additional property 'junk' is not allowed"});
  }
}

TEST(SchemaDefault, RequiredProperties) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  doc.erase("target");
  ValidationReport report = schema->Validate(doc);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].message, "required property 'target' is missing");
  EXPECT_EQ(report.errors[0].path, "");

  json::Value doc2 = ValidBuild();
  doc2.find("target")->erase("platform");
  report = schema->Validate(doc2);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].message, "target: required property 'platform' is missing");
  EXPECT_EQ(report.errors[0].path, "target");

  // Everything missing at once, in the schema's `required` order.
  EXPECT_EQ(Errors(*schema, "{}"),
            (std::vector<std::string>{"required property 'build' is missing", "required property 'source' is missing",
                                      "required property 'download' is missing",
                                      "required property 'target' is missing"}));
  // `build` is required but has no required members of its own.
  json::Value doc3 = ValidBuild();
  doc3.set("build", json::Value::Object());
  EXPECT_EQ(Errors(*schema, doc3), std::vector<std::string>{});
}

TEST(SchemaDefault, SizeMustBeA64BitInteger) {
  auto schema = Schema::Default();
  auto with_size = [&](const std::string& literal) {
    json::Value doc = ValidBuild();
    SetAt(&doc, {"download", "size"}, ParseOrDie(literal));
    return Errors(*schema, doc);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(with_size("\"64504466\""), V{"download.size: expected integer, got string"});
  EXPECT_EQ(with_size("true"), V{"download.size: expected integer, got boolean"});
  EXPECT_EQ(with_size("false"), V{"download.size: expected integer, got boolean"});
  EXPECT_EQ(with_size("null"), V{"download.size: expected integer, got null"});
  EXPECT_EQ(with_size("1.5"), V{"download.size: expected integer, got number"});
  EXPECT_EQ(with_size("1e400"), V{"download.size: expected integer, got number"});
  // Draft 7: a float with a zero fraction is an integer.
  EXPECT_EQ(with_size("1.0"), V{});
  EXPECT_EQ(with_size("64504466.000"), V{});
  EXPECT_EQ(with_size("1e3"), V{});
  EXPECT_EQ(with_size("-0"), V{});
  EXPECT_EQ(with_size("9223372036854775807"), V{});
  EXPECT_EQ(with_size("-9223372036854775808"), V{});
  // Beyond int64: an Elasticsearch long cannot hold it.
  EXPECT_EQ(with_size("123456789012345678901234"),
            V{"download.size: integer 123456789012345678901234 is out of the 64-bit range"});
  EXPECT_EQ(with_size("9223372036854775808"),
            V{"download.size: integer 9223372036854775808 is out of the 64-bit range"});
  EXPECT_EQ(with_size("-9223372036854775809"),
            V{"download.size: integer -9223372036854775809 is out of the 64-bit range"});
  EXPECT_EQ(with_size("1e30"), V{"download.size: integer 1e30 is out of the 64-bit range"});
  EXPECT_EQ(with_size("9223372036854775808.0"),
            V{"download.size: integer 9223372036854775808.0 is out of the 64-bit range"});
}

TEST(SchemaDefault, EnumNamesTheAllowedValues) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  SetAt(&doc, {"target", "os"}, json::Value::String("beos"));
  EXPECT_EQ(Errors(*schema, doc),
            std::vector<std::string>{R"(target.os: 'beos' is not one of ["linux", "win", "mac", "android", "maemo"])"});
  // Case matters, as in jsonschema.
  SetAt(&doc, {"target", "os"}, json::Value::String("Linux"));
  EXPECT_EQ(Errors(*schema, doc).size(), 1u);
  SetAt(&doc, {"target", "os"}, json::Value::String("linux"));
  EXPECT_EQ(Errors(*schema, doc), std::vector<std::string>{});
}

TEST(SchemaDefault, RootMustBeAnObject) {
  auto schema = Schema::Default();
  EXPECT_EQ(Errors(*schema, "[]"), std::vector<std::string>{"expected object, got array"});
  EXPECT_EQ(Errors(*schema, "[{\"build\": {}}]"), std::vector<std::string>{"expected object, got array"});
  EXPECT_EQ(Errors(*schema, "42"), std::vector<std::string>{"expected object, got integer"});
  EXPECT_EQ(Errors(*schema, "4.2"), std::vector<std::string>{"expected object, got number"});
  EXPECT_EQ(Errors(*schema, "\"x\""), std::vector<std::string>{"expected object, got string"});
  EXPECT_EQ(Errors(*schema, "null"), std::vector<std::string>{"expected object, got null"});
  EXPECT_EQ(Errors(*schema, "true"), std::vector<std::string>{"expected object, got boolean"});
}

// Walks the bundled schema's `properties` (read with the same YAML reader)
// to build a document with every field, then breaks each field in turn with
// every wrong JSON type.
struct Field {
  std::vector<std::string> path;
  std::string type;
  const json::Value* enum_values = nullptr;
};

void CollectFields(const json::Value& schema, std::vector<std::string> path, std::vector<Field>* out) {
  const json::Value* type = schema.find("type");
  ASSERT_NE(type, nullptr);
  if (!path.empty()) out->push_back({path, type->text(), schema.find("enum")});
  if (const json::Value* props = schema.find("properties")) {
    for (const auto& [key, sub] : props->members()) {
      std::vector<std::string> child = path;
      child.push_back(key);
      CollectFields(sub, child, out);
    }
  }
}

json::Value SampleOf(const Field& f) {
  if (f.enum_values != nullptr) return f.enum_values->items()[0];
  if (f.type == "string") return json::Value::String("x");
  if (f.type == "integer") return json::Value::Int(7);
  if (f.type == "object") return json::Value::Object();
  ADD_FAILURE() << "unexpected type " << f.type;
  return json::Value();
}

std::string Dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

TEST(SchemaDefault, WrongTypeAtEveryField) {
  Result<json::Value> file = schema_internal::YamlToJson(ReadFileOrDie(ProjectPath("schema/schema.yaml")), "x");
  ASSERT_TRUE(file.ok()) << file.status().message();
  std::vector<Field> fields;
  CollectFields(*file->find("schema"), {}, &fields);
  ASSERT_GE(fields.size(), 25u);  // 4 sections and their members

  json::Value full = json::Value::Object();
  for (const auto& f : fields) SetAt(&full, f.path, SampleOf(f));
  auto schema = Schema::Default();
  ASSERT_EQ(Errors(*schema, full), std::vector<std::string>{}) << json::Write(full);

  const std::vector<std::pair<std::string, std::string>> wrong = {
      {"\"s\"", "string"}, {"5", "integer"},   {"1.5", "number"}, {"true", "boolean"},
      {"null", "null"},    {"[1]", "array"}, {"{}", "object"}};
  size_t checked = 0;
  for (const auto& f : fields) {
    for (const auto& [literal, kind] : wrong) {
      if (kind == f.type || (f.type == "integer" && kind == "integer")) continue;
      json::Value doc = full;
      SetAt(&doc, f.path, ParseOrDie(literal));
      std::vector<std::string> errors = Errors(*schema, doc);
      SCOPED_TRACE(Dotted(f.path) + " = " + literal);
      ASSERT_FALSE(errors.empty());
      EXPECT_EQ(errors[0], Dotted(f.path) + ": expected " + f.type + ", got " + kind);
      // An enum field also says the value is not one of the allowed ones.
      EXPECT_EQ(errors.size(), f.enum_values != nullptr ? 2u : 1u);
      ++checked;
    }
  }
  EXPECT_EQ(checked, fields.size() * 6);
}

TEST(SchemaDefault, FormatIsOnlyAWarning) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  SetAt(&doc, {"build", "date"}, json::Value::String("yesterday"));
  SetAt(&doc, {"download", "date"}, json::Value::String("2018-02-30T10:00:00Z"));
  ValidationReport report = schema->Validate(doc);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.ErrorsJson(), "[]");
  EXPECT_EQ(Messages(report.warnings),
            (std::vector<std::string>{"build.date: 'yesterday' is not a valid date-time",
                                      "download.date: '2018-02-30T10:00:00Z' is not a valid date-time"}));
  EXPECT_EQ(report.warnings[0].path, "build.date");
}

TEST(SchemaDefault, ReportsEveryErrorInDocumentOrder) {
  auto schema = Schema::Default();
  json::Value doc = ParseOrDie(R"({
    "zzz": 1,
    "build": {"number": "one", "odd": true},
    "source": {"product": 5},
    "download": {"url": "u", "mimetype": "m", "size": "big", "date": 7},
    "target": {"platform": "p", "locale": "l", "version": "v", "channel": "c", "os": "beos"}
  })");
  ValidationReport report = schema->Validate(doc);
  EXPECT_EQ(Messages(report.errors),
            (std::vector<std::string>{
                "additional property 'zzz' is not allowed",
                "build.number: expected integer, got string",
                "build: additional property 'odd' is not allowed",
                "source.product: expected string, got integer",
                "download.size: expected integer, got string",
                "download.date: expected string, got integer",
                R"(target.os: 'beos' is not one of ["linux", "win", "mac", "android", "maemo"])",
            }));
  EXPECT_EQ(report.errors[1].path, "build.number");
  EXPECT_EQ(report.errors[2].path, "build");
  Result<json::Value> json = json::Parse(report.ErrorsJson());
  ASSERT_TRUE(json.ok()) << report.ErrorsJson();
  ASSERT_EQ(json->items().size(), report.errors.size());
  EXPECT_EQ(json->items()[6].text(), report.errors[6].message);
}

TEST(SchemaDefault, CapsTheReportAtOneHundredErrors) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  for (int i = 0; i < 5000; ++i) doc.set("junk" + std::to_string(i), json::Value::Int(i));
  ValidationReport report = schema->Validate(doc);
  ASSERT_EQ(report.errors.size(), 101u);
  EXPECT_EQ(report.errors[0].message, "additional property 'junk0' is not allowed");
  EXPECT_EQ(report.errors[99].message, "additional property 'junk99' is not allowed");
  EXPECT_EQ(report.errors[100].message, "... and 4900 more errors");
  EXPECT_FALSE(report.ok());
}

TEST(SchemaDefault, OddKeysAndHugeValuesStayReadable) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  doc.set("a.b", json::Value::Int(1));
  doc.set("it's", json::Value::Int(1));
  doc.set(std::string(100000, 'k'), json::Value::Int(1));
  SetAt(&doc, {"target", "os"}, json::Value::String(std::string(1 << 20, 'x')));
  ValidationReport report = schema->Validate(doc);
  ASSERT_EQ(report.errors.size(), 4u);
  // target comes before the added members in the document.
  EXPECT_LT(report.errors[0].message.size(), 200u);
  EXPECT_TRUE(report.errors[0].message.starts_with("target.os: 'xxxx")) << report.errors[0].message;
  EXPECT_EQ(report.errors[1].message, "additional property 'a.b' is not allowed");
  EXPECT_EQ(report.errors[2].message, "additional property 'it\\'s' is not allowed");
  EXPECT_EQ(report.errors[3].message, "additional property '" + std::string(64, 'k') + "'... is not allowed");

  // Keys that are not identifiers show as ["..."] in paths.
  auto open = LoadOrDie("schema: {additionalProperties: {type: object, additionalProperties: {type: integer}}}");
  EXPECT_EQ(Errors(*open, R"({"a.b": {"c d": "x", "": "y", "ok": 1, "é": "z"}})"),
            (std::vector<std::string>{R"(["a.b"]["c d"]: expected integer, got string)",
                                      R"(["a.b"][""]: expected integer, got string)",
                                      R"(["a.b"]["é"]: expected integer, got string)"}));
}

TEST(SchemaDefault, DeepAndHostileDocuments) {
  auto schema = Schema::Default();
  // As deep as the parser allows, under an additional property: one error,
  // and nothing walks into the rejected value.
  std::string deep = std::string(500, '[') + std::string(500, ']');
  json::Value doc = ValidBuild();
  doc.set("deep", ParseOrDie(deep));
  EXPECT_EQ(Errors(*schema, doc), std::vector<std::string>{"additional property 'deep' is not allowed"});

  // A recursive schema on a document built in memory beyond any parser cap.
  auto tree = LoadOrDie(R"(
schema:
  $ref: '#/definitions/list'
  definitions:
    list: {type: array, items: {$ref: '#/definitions/list'}}
)");
  json::Value root = json::Value::Array();
  json::Value* at = &root;
  for (int i = 0; i < 5000; ++i) {
    at->push_back(json::Value::Array());
    at = &at->mutable_items().back();
  }
  std::vector<std::string> errors = Errors(*tree, root);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("nested too deeply to validate"), std::string::npos);
  EXPECT_LT(errors[0].size(), 700u) << "the path must be shortened";
  // Within the parser's depth, a wrong leaf is found and its long path cut.
  std::string nested = std::string(400, '[') + "\"leaf\"" + std::string(400, ']');
  errors = Errors(*tree, nested);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("[0][0][0]")) << errors[0];
  EXPECT_TRUE(errors[0].ends_with("[0][0]: expected array, got string")) << errors[0];
  EXPECT_NE(errors[0].find("..."), std::string::npos);
  EXPECT_LT(errors[0].size(), 600u);

  // anyOf at every level: explaining the failure re-validates each branch,
  // which must stay polynomial (one first error per level).
  auto any_tree = LoadOrDie(R"(
schema:
  $ref: '#/definitions/node'
  definitions:
    node: {anyOf: [{type: array, items: {$ref: '#/definitions/node'}}, {type: string}]}
)");
  std::string any_doc = std::string(500, '[') + "5" + std::string(500, ']');
  errors = Errors(*any_tree, any_doc);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("does not match any of the anyOf schemas (#0: [0]: does not match any")) << errors[0];
  EXPECT_EQ(Errors(*any_tree, std::string(500, '[') + "\"s\"" + std::string(500, ']')), std::vector<std::string>{});
}

// Thread CPU time: the machine is shared, wall time would measure the others.
double ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

TEST(SchemaDefault, Performance) {
  auto schema = Schema::Default();
  json::Value doc = ValidBuild();
  json::Value bad = ValidBuild();
  SetAt(&bad, {"download", "size"}, json::Value::String("big"));
  constexpr int kRounds = 200000;
  size_t ok = 0;
  const double start = ThreadCpuNanos();
  for (int i = 0; i < kRounds; ++i) ok += schema->Validate(doc).ok();
  const double mid = ThreadCpuNanos();
  for (int i = 0; i < kRounds / 10; ++i) ok += schema->Validate(bad).ok();
  const double end = ThreadCpuNanos();
  EXPECT_EQ(ok, static_cast<size_t>(kRounds));
  std::printf("[ perf     ] validate valid-buildhub.json: %.0f ns/doc (CPU); with one error: %.0f ns/doc\n",
              (mid - start) / kRounds, (end - mid) / (kRounds / 10));
}

// --- Loading -----------------------------------------------------------------

TEST(SchemaLoad, FilesAndTheirErrors) {
  TempDir dir;
  WriteFileOrDie(dir / "s.yaml", "schema:\n  type: object\n  required: [a]\n");
  Result<std::shared_ptr<const Schema>> s = Schema::LoadFile((dir / "s.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(Errors(**s, "{}"), std::vector<std::string>{"required property 'a' is missing"});

  // Without a top-level "schema" key the document is the schema; JSON works.
  WriteFileOrDie(dir / "s.json", R"({"type": "object", "properties": {"n": {"type": "integer", "maximum": 2}}})");
  s = Schema::LoadFile((dir / "s.json").string());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(Errors(**s, R"({"n": 3})"), std::vector<std::string>{"n: 3 is greater than the maximum of 2"});

  Result<std::shared_ptr<const Schema>> missing = Schema::LoadFile((dir / "nope.yaml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find((dir / "nope.yaml").string()), std::string::npos);

  Result<std::shared_ptr<const Schema>> directory = Schema::LoadFile(dir.path().string());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("is a directory"), std::string::npos);

  WriteFileOrDie(dir / "bad.yaml", "schema:\n  type: strin\n");
  Result<std::shared_ptr<const Schema>> bad = Schema::LoadFile((dir / "bad.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            (dir / "bad.yaml").string() +
                ": schema.type: unknown type 'strin'; draft 7 has null, boolean, integer, number, string, array "
                "and object");
}

TEST(SchemaLoad, BadYaml) {
  EXPECT_EQ(LoadError(""), "test.yaml: the file is empty");
  EXPECT_EQ(LoadError("schema:\n  type: [string\n"),
            "test.yaml: invalid YAML at line 3, column 1: end of sequence flow not found");
  EXPECT_EQ(LoadError("a: 1\n---\nb: 2\n"), "test.yaml: expected one YAML document, found 2");
  EXPECT_EQ(LoadError("schema:\n  type: object\n  type: string\n"),
            "test.yaml: schema: duplicate key 'type' (line 3, column 3)");
  EXPECT_EQ(LoadError("schema:\n  minimum: .inf\n"),
            "test.yaml: schema.minimum: '.inf' is not a finite number; JSON has no infinity or NaN (line 2, column 12)");
  EXPECT_EQ(LoadError("schema: !custom {type: object}\n"),
            "test.yaml: schema: unsupported YAML tag '!custom' (line 1, column 9)");
  EXPECT_EQ(LoadError("schema:\n  \xff: 1\n"), "test.yaml: invalid UTF-8 at byte 10");
  EXPECT_EQ(LoadError("schema: [1, 2]\n"), "test.yaml: schema: expected a schema (an object or a boolean), got array");
  EXPECT_EQ(LoadError("- 1\n"), "test.yaml: expected a schema (an object or a boolean), got array");
  // Not JSON and not YAML either: both diagnoses.
  std::string both = LoadError("{\"type\": \"object\",, }");
  EXPECT_TRUE(both.starts_with("test.yaml: not valid JSON (Expecting property name")) << both;
  EXPECT_NE(both.find("nor valid YAML"), std::string::npos) << both;

  // Hostile: alias expansion ("billion laughs") and deep nesting.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) laughs += std::string(i ? ", *" : "*") + prev;
    laughs += "]\n";
    prev = c;
  }
  std::string msg = LoadError(laughs);
  EXPECT_NE(msg.find("more than 200000 values (after expanding aliases)"), std::string::npos) << msg;
  msg = LoadError(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_TRUE(msg.starts_with("test.yaml: not valid JSON (nesting deeper than 256 levels")) << msg;
  EXPECT_NE(msg.find("nested too deeply"), std::string::npos) << msg;
  std::string dashes;
  for (int i = 0; i < 5000; ++i) dashes += "- ";
  msg = LoadError(dashes + "x\n");
  EXPECT_TRUE(msg.starts_with("test.yaml: invalid YAML at line 1")) << msg;
  EXPECT_TRUE(msg.ends_with("nested too deeply")) << msg;
  std::string block;
  for (int i = 0; i < 400; ++i) block += std::string(i, ' ') + "a:\n";
  msg = LoadError(block);
  EXPECT_NE(msg.find("nesting deeper than 256 levels"), std::string::npos) << msg;
}

TEST(SchemaLoad, YamlScalarsFollowTheCoreSchema) {
  auto schema = LoadOrDie(R"(
schema:
  properties:
    quoted_int: {const: '1'}
    plain_int: {const: 1}
    plain_float: {const: 1.5}
    exp_float: {const: 1e3}
    dot_float: {const: 2.}
    hex: {const: 0x1F}
    octal: {const: 0o17}
    signed: {const: +12}
    zeros: {const: 007}
    bool: {const: true}
    quoted_bool: {const: "true"}
    yes_is_a_string: {const: yes}
    nul: {const: null}
    tilde: {const: ~}
    tagged: {const: !!str 5}
    block:
      const: |
        two
        lines
)");
  ASSERT_NE(schema, nullptr);
  auto check = [&](const std::string& key, const std::string& good, const std::string& bad) {
    SCOPED_TRACE(key);
    EXPECT_EQ(Errors(*schema, "{\"" + key + "\": " + good + "}"), std::vector<std::string>{});
    EXPECT_EQ(Errors(*schema, "{\"" + key + "\": " + bad + "}").size(), 1u);
  };
  check("quoted_int", "\"1\"", "1");
  check("plain_int", "1.0", "\"1\"");
  check("plain_float", "1.50", "1");
  check("exp_float", "1000", "\"1e3\"");
  check("dot_float", "2", "2.5");
  check("hex", "31", "\"0x1F\"");
  check("octal", "15", "17");
  check("signed", "12", "\"+12\"");
  check("zeros", "7", "\"007\"");
  check("bool", "true", "1");
  check("quoted_bool", "\"true\"", "true");
  check("yes_is_a_string", "\"yes\"", "true");
  check("nul", "null", "\"null\"");
  check("tilde", "null", "\"~\"");
  check("tagged", "\"5\"", "5");
  check("block", "\"two\\nlines\\n\"", "\"two lines\"");
  EXPECT_EQ(Errors(*schema, R"({"plain_int": 2})"), std::vector<std::string>{"plain_int: 2 is not the constant 1"});
  EXPECT_EQ(Errors(*schema, R"({"quoted_int": 1})"),
            std::vector<std::string>{"quoted_int: 1 is not the constant '1'"});
}

TEST(SchemaLoad, KeywordTypeErrorsNameTheKeywordPath) {
  EXPECT_EQ(LoadError("schema: {type: 5}"),
            "test.yaml: schema.type: expected a type name or a non-empty array of type names, got integer");
  EXPECT_EQ(LoadError("schema: {type: [string, string]}"), "test.yaml: schema.type: type 'string' is listed twice");
  EXPECT_EQ(LoadError("schema: {properties: {a: {type: [string, 5]}}}"),
            "test.yaml: schema.properties.a.type[1]: expected a type name, got integer");
  EXPECT_EQ(LoadError("schema: {properties: [a]}"),
            "test.yaml: schema.properties: expected an object of schemas, got array");
  EXPECT_EQ(LoadError("schema: {properties: {a: 5}}"),
            "test.yaml: schema.properties.a: expected a schema (an object or a boolean), got integer");
  EXPECT_EQ(LoadError("schema: {required: a}"), "test.yaml: schema.required: expected an array of strings, got string");
  EXPECT_EQ(LoadError("schema: {required: [a, a]}"), "test.yaml: schema.required: 'a' is listed twice");
  EXPECT_EQ(LoadError("schema: {required: [a, 1]}"), "test.yaml: schema.required[1]: expected a string, got integer");
  EXPECT_EQ(LoadError("schema: {additionalProperties: 'no'}"),
            "test.yaml: schema.additionalProperties: expected a schema (an object or a boolean), got string");
  EXPECT_EQ(LoadError("schema: {minLength: -1}"),
            "test.yaml: schema.minLength: expected a non-negative integer, got integer");
  EXPECT_EQ(LoadError("schema: {maxItems: 1.5}"),
            "test.yaml: schema.maxItems: expected a non-negative integer, got number");
  EXPECT_EQ(LoadError("schema: {minimum: '3'}"), "test.yaml: schema.minimum: expected a number, got string");
  EXPECT_EQ(LoadError("schema: {exclusiveMinimum: true}"),
            "test.yaml: schema.exclusiveMinimum: a boolean is draft 4 syntax; draft 7 wants the bound itself as a "
            "number");
  EXPECT_EQ(LoadError("schema: {multipleOf: 0}"),
            "test.yaml: schema.multipleOf: expected a number greater than 0, got integer");
  EXPECT_EQ(LoadError("schema: {enum: 5}"), "test.yaml: schema.enum: expected an array, got integer");
  EXPECT_EQ(LoadError("schema: {anyOf: []}"), "test.yaml: schema.anyOf: expected a non-empty array of schemas, got array");
  EXPECT_EQ(LoadError("schema: {uniqueItems: 1}"), "test.yaml: schema.uniqueItems: expected a boolean, got integer");
  EXPECT_EQ(LoadError("schema: {format: 5}"), "test.yaml: schema.format: expected a string, got integer");
  EXPECT_EQ(LoadError("schema: {definitions: {a: {type: nope}}}"),
            "test.yaml: schema.definitions.a.type: unknown type 'nope'; draft 7 has null, boolean, integer, number, "
            "string, array and object");
  EXPECT_EQ(LoadError("schema: {$schema: 'http://json-schema.org/draft-04/schema#'}"),
            "test.yaml: schema.$schema: unsupported 'http://json-schema.org/draft-04/schema#': only JSON Schema "
            "draft 7 is implemented");
  // Without the "schema" wrapper paths start at the keyword.
  EXPECT_EQ(LoadError("{\"items\": {\"minItems\": \"2\"}}"),
            "test.yaml: items.minItems: expected a non-negative integer, got string");
}

TEST(SchemaLoad, BadRegexAndReferences) {
  EXPECT_EQ(LoadError("schema: {properties: {a: {pattern: '(?=x)'}}}"),
            "test.yaml: schema.properties.a.pattern: invalid regular expression '(?=x)': invalid perl operator: (?=");
  EXPECT_EQ(LoadError("schema: {pattern: '[a-'}"),
            "test.yaml: schema.pattern: invalid regular expression '[a-': missing ]: [a-");
  EXPECT_EQ(LoadError("schema: {patternProperties: {'(': {}}}"),
            "test.yaml: schema.patternProperties[\"(\"]: invalid regular expression '(': missing ): (");
  EXPECT_EQ(LoadError("schema: {pattern: 5}"),
            "test.yaml: schema.pattern: expected a regular expression string, got integer");
  EXPECT_EQ(LoadError("schema: {$ref: 'http://example.com/s.json'}"),
            "test.yaml: schema.$ref: unsupported reference 'http://example.com/s.json': only references within the "
            "file (\"#/definitions/...\") are supported");
  EXPECT_EQ(LoadError("schema: {properties: {a: {$ref: '#/definitions/missing'}}}"),
            "test.yaml: schema.properties.a.$ref: reference '#/definitions/missing' does not resolve: nothing at "
            "'definitions'");
  EXPECT_EQ(LoadError("schema: {$ref: 5}"), "test.yaml: schema.$ref: expected a string, got integer");
  std::string cycle = LoadError("schema: {definitions: {a: {$ref: '#/definitions/b'}, b: {anyOf: [{$ref: '#/definitions/a'}]}}}");
  EXPECT_NE(cycle.find("without descending into the document"), std::string::npos) << cycle;
  EXPECT_TRUE(cycle.starts_with("test.yaml: schema.definitions.")) << cycle;
  std::string self = LoadError("schema: {$ref: '#'}");
  EXPECT_NE(self.find("without descending into the document"), std::string::npos) << self;
}

// --- Every keyword ---------------------------------------------------------

const char kEveryKeyword[] = R"(
schema:
  type: object
  additionalProperties: false
  definitions:
    positive: {type: integer, exclusiveMinimum: 0}
    node:
      type: object
      required: [value]
      properties:
        value: {type: integer}
        children: {type: array, items: {$ref: '#/definitions/node'}}
  properties:
    any: {anyOf: [{type: string, maxLength: 3}, {type: integer, minimum: 10}]}
    one: {oneOf: [{type: integer, multipleOf: 3}, {type: integer, multipleOf: 5}]}
    all: {allOf: [{type: string, minLength: 2}, {pattern: '^a'}]}
    nope: {not: {type: string}}
    count: {$ref: '#/definitions/positive'}
    labels:
      type: object
      minProperties: 1
      maxProperties: 3
      patternProperties:
        '^x-': {type: string}
      additionalProperties: {type: integer}
    tuple:
      type: array
      items: [{type: string}, {type: number}]
      additionalItems: false
    tuple2: {items: [{const: 1}], additionalItems: {type: boolean}}
    set: {type: array, uniqueItems: true, minItems: 1, maxItems: 4}
    ratio: {type: number, multipleOf: 0.5, minimum: 0, exclusiveMaximum: 10}
    low: {type: integer, maximum: 5, exclusiveMinimum: -5}
    name: {type: string, minLength: 2, maxLength: 4, pattern: '^\p{Ll}+$'}
    kind: {const: {a: [1, 2]}}
    tree: {$ref: '#/definitions/node'}
    nullable: {type: [string, 'null']}
    forbidden: false
    anything: true
    email: {format: email}
    day: {format: date}
    link: {format: uri}
    keys: {propertyNames: {pattern: '^[a-z]+$'}, maxProperties: 10}
    deps: {dependencies: {a: [b], c: {required: [d]}}}
    has: {contains: {const: 'x'}}
    cond: {if: {type: integer}, then: {minimum: 0}, else: {type: string}}
)";

const char kEveryKeywordValid[] = R"({
  "any": "abc", "one": 9, "all": "ab", "nope": 5, "count": 1,
  "labels": {"x-a": "s", "n": 1}, "tuple": ["a", 1.5], "tuple2": [1, true, false],
  "set": [1, true, "1", [1]], "ratio": 9.5, "low": 5, "name": "été",
  "kind": {"a": [1.0, 2]}, "tree": {"value": 1, "children": [{"value": 2, "children": []}]},
  "nullable": null, "anything": [1, {"x": null}], "email": "a@b.org", "day": "2020-02-29",
  "link": "https://x.org/a%20b?q=1#f", "keys": {"abc": 1}, "deps": {"a": 1, "b": 2, "c": 3, "d": 4},
  "has": [1, "x"], "cond": -0.0
})";

class EveryKeyword : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = LoadOrDie(kEveryKeyword);
    ASSERT_NE(schema_, nullptr);
  }
  // The valid document with one member replaced.
  std::vector<std::string> With(const std::string& key, const std::string& value_json) {
    json::Value doc = ParseOrDie(kEveryKeywordValid);
    doc.set(key, ParseOrDie(value_json));
    return Errors(*schema_, doc);
  }
  std::shared_ptr<const Schema> schema_;
};

using V = std::vector<std::string>;

TEST_F(EveryKeyword, ValidDocumentPasses) {
  ValidationReport report = schema_->Validate(ParseOrDie(kEveryKeywordValid));
  EXPECT_EQ(Messages(report.errors), V{});
  EXPECT_EQ(Messages(report.warnings), V{});
  EXPECT_EQ(Errors(*schema_, "{}"), V{});
}

TEST_F(EveryKeyword, Combinators) {
  EXPECT_EQ(With("any", "42"), V{});
  EXPECT_EQ(With("any", "\"abcd\""),
            V{"any: does not match any of the anyOf schemas (#0: any: 'abcd' is longer than the maximum length of 3; "
              "#1: any: expected integer, got string)"});
  EXPECT_EQ(With("one", "10"), V{});
  EXPECT_EQ(With("one", "15"), V{"one: matches more than one of the oneOf schemas (#0 and #1)"});
  EXPECT_EQ(With("one", "7"), V{"one: does not match any of the oneOf schemas (#0: one: 7 is not a multiple of 3; "
                                "#1: one: 7 is not a multiple of 5)"});
  EXPECT_EQ(With("all", "\"b\""),
            (V{"all: 'b' is shorter than the minimum length of 2", "all: 'b' does not match the pattern '^a'"}));
  EXPECT_EQ(With("nope", "\"x\""), V{"nope: 'x' must not match the schema under 'not'"});
  EXPECT_EQ(With("nope", "null"), V{});
  EXPECT_EQ(With("cond", "7"), V{});
  EXPECT_EQ(With("cond", "-7"), V{"cond: -7 is less than the minimum of 0"});
  EXPECT_EQ(With("cond", "\"s\""), V{});
  EXPECT_EQ(With("cond", "true"), V{"cond: expected string, got boolean"});
}

TEST_F(EveryKeyword, ReferencesAndRecursion) {
  EXPECT_EQ(With("count", "0"), V{"count: 0 is less than or equal to the exclusive minimum of 0"});
  EXPECT_EQ(With("count", "2.0"), V{});
  EXPECT_EQ(With("count", "\"1\""), V{"count: expected integer, got string"});
  EXPECT_EQ(With("tree", R"({"value": 1, "children": [{"value": 2}, {"value": 3, "children": [{"value": "x"}, {}]}]})"),
            (V{"tree.children[1].children[0].value: expected integer, got string",
               "tree.children[1].children[1]: required property 'value' is missing"}));
}

TEST_F(EveryKeyword, Objects) {
  EXPECT_EQ(With("labels", "{}"), V{"labels: expected at least 1 property, got 0"});
  EXPECT_EQ(With("labels", R"({"a": 1, "b": 2, "c": 3, "d": 4})"), V{"labels: expected at most 3 properties, got 4"});
  EXPECT_EQ(With("labels", R"({"x-a": 1, "b": "s"})"),
            (V{"labels.x-a: expected string, got integer", "labels.b: expected integer, got string"}));
  EXPECT_EQ(With("forbidden", "1"), V{"forbidden: no value is allowed here (the schema is false)"});
  EXPECT_EQ(With("extra", "1"), V{"additional property 'extra' is not allowed"});
  EXPECT_EQ(With("keys", R"({"abc": 1, "Bad": 2})"),
            V{"keys: property name 'Bad' does not match the propertyNames schema (keys: 'Bad' does not match the "
              "pattern '^[a-z]+$')"});
  EXPECT_EQ(With("deps", R"({"a": 1})"), V{"deps: property 'b' is required when 'a' is present"});
  EXPECT_EQ(With("deps", R"({"c": 1})"), V{"deps: required property 'd' is missing"});
  EXPECT_EQ(With("deps", R"({"b": 1, "d": 1})"), V{});
}

TEST_F(EveryKeyword, Arrays) {
  EXPECT_EQ(With("tuple", R"(["a", 1, 2])"), V{"tuple: expected at most 2 items (additionalItems is false), got 3"});
  EXPECT_EQ(With("tuple", R"(["a", "b"])"), V{"tuple[1]: expected number, got string"});
  EXPECT_EQ(With("tuple", R"(["a"])"), V{});
  EXPECT_EQ(With("tuple2", R"([1, true, 3])"), V{"tuple2[2]: expected boolean, got integer"});
  EXPECT_EQ(With("tuple2", R"([2])"), V{"tuple2[0]: 2 is not the constant 1"});
  EXPECT_EQ(With("set", R"([1, 1.0])"), V{"set: items [0] and [1] are equal, but uniqueItems requires distinct items"});
  EXPECT_EQ(With("set", R"([{"a": 1, "b": [2]}, {"b": [2.0], "a": 1}])"),
            V{"set: items [0] and [1] are equal, but uniqueItems requires distinct items"});
  EXPECT_EQ(With("set", R"([0, false, null, ""])"), V{});
  EXPECT_EQ(With("set", "[]"), V{"set: expected at least 1 item, got 0"});
  EXPECT_EQ(With("set", "[1, 2, 3, 4, 5]"), V{"set: expected at most 4 items, got 5"});
  EXPECT_EQ(With("has", "[1, 2]"), V{"has: no item matches the 'contains' schema"});
  EXPECT_EQ(With("has", "[]"), V{"has: no item matches the 'contains' schema"});
}

TEST_F(EveryKeyword, UniqueItemsOnLargeArrays) {
  // Past the quadratic cut-off the hashed path must agree.
  std::string big = "[";
  for (int i = 0; i < 1000; ++i) big += (i ? ", " : "") + std::to_string(i);
  big += "]";
  auto schema = LoadOrDie("schema: {uniqueItems: true}");
  EXPECT_EQ(Errors(*schema, big), V{});
  std::string dup = big.substr(0, big.size() - 1) + ", 500.0, 7, 999]";
  EXPECT_EQ(Errors(*schema, dup), V{"items [500] and [1000] are equal, but uniqueItems requires distinct items"});
  EXPECT_EQ(Errors(*schema, R"([123456789012345678901234, 123456789012345678901235])"), V{});
  // Integers beyond 64 bits compare exactly, as Python's do: 10**23 != 1e23,
  // but 2**70 == 2.0**70.
  EXPECT_EQ(Errors(*schema, R"([100000000000000000000000, 1e23])"), V{});
  EXPECT_EQ(Errors(*schema, R"([1180591620717411303424, 1.180591620717411303424e21])"),
            V{"items [0] and [1] are equal, but uniqueItems requires distinct items"});
}

TEST_F(EveryKeyword, StringsAndNumbers) {
  EXPECT_EQ(With("name", "\"A\""),
            (V{"name: 'A' is shorter than the minimum length of 2", "name: 'A' does not match the pattern '^\\\\p{Ll}+$'"}));
  // Lengths count code points: "ééééé" is 5 characters and 10 bytes.
  EXPECT_EQ(With("name", "\"ééééé\""), V{"name: 'ééééé' is longer than the maximum length of 4"});
  EXPECT_EQ(With("name", "\"éé\""), V{});
  EXPECT_EQ(With("ratio", "10"), V{"ratio: 10 is greater than or equal to the exclusive maximum of 10"});
  EXPECT_EQ(With("ratio", "0.3"), V{"ratio: 0.3 is not a multiple of 0.5"});
  EXPECT_EQ(With("ratio", "-1"), V{"ratio: -1 is less than the minimum of 0"});
  EXPECT_EQ(With("ratio", "true"), V{"ratio: expected number, got boolean"});
  EXPECT_EQ(With("low", "6"), V{"low: 6 is greater than the maximum of 5"});
  EXPECT_EQ(With("low", "-5"), V{"low: -5 is less than or equal to the exclusive minimum of -5"});
  EXPECT_EQ(With("low", "-4"), V{});
  EXPECT_EQ(With("kind", R"({"a": [2, 1]})"), V{R"(kind: {"a": [2, 1]} is not the constant {"a": [1, 2]})"});
  EXPECT_EQ(With("kind", R"({"a": [true, 2]})").size(), 1u);
  EXPECT_EQ(With("nullable", "5"), V{"nullable: expected string or null, got integer"});
  EXPECT_EQ(With("nullable", "\"s\""), V{});
}

TEST_F(EveryKeyword, FormatsWarnOnly) {
  json::Value doc = ParseOrDie(kEveryKeywordValid);
  doc.set("email", json::Value::String("nobody"));
  doc.set("day", json::Value::String("2019-02-29"));
  doc.set("link", json::Value::String("not a uri"));
  ValidationReport report = schema_->Validate(doc);
  EXPECT_TRUE(report.ok()) << report.ErrorsJson();
  EXPECT_EQ(Messages(report.warnings),
            (V{"email: 'nobody' is not a valid email", "day: '2019-02-29' is not a valid date",
               "link: 'not a uri' is not a valid uri"}));
}

// Random documents and mangled schema texts: never a crash, and reports
// that hold together. (Accept/reject decisions were cross-checked against
// Python's jsonschema Draft7Validator during development.)
json::Value RandomValue(std::mt19937* rng, int depth) {
  auto pick = [&](int n) { return static_cast<int>((*rng)() % static_cast<unsigned>(n)); };
  static const char* kStrings[] = {"", "a", "ab", "abc", "abcd", "x", "é", "Ab", "x-a", "value", "children"};
  static const char* kNumbers[] = {"0", "1", "-1", "3", "15", "1.0", "0.5", "9.5", "10", "-0.0", "1e400",
                                   "123456789012345678901234", "-5"};
  const int c = pick(10);
  if (depth > 4 || c < 5) {
    switch (pick(4)) {
      case 0: return pick(2) ? json::Value::Null() : json::Value::Bool(pick(2) == 1);
      case 1: return json::Value::NumberLiteral(kNumbers[pick(13)]);
      default: return json::Value::String(kStrings[pick(11)]);
    }
  }
  if (c < 7) {
    json::Value a = json::Value::Array();
    for (int i = pick(5); i > 0; --i) a.push_back(RandomValue(rng, depth + 1));
    return a;
  }
  json::Value o = json::Value::Object();
  for (int i = pick(4); i > 0; --i) o.set(kStrings[pick(11)], RandomValue(rng, depth + 1));
  return o;
}

TEST_F(EveryKeyword, RandomDocumentsAndMangledSchemas) {
  // The same schema as the only branch of an anyOf: the branch runs in
  // check-only mode, which must accept and reject exactly as the full run.
  Result<json::Value> file = schema_internal::YamlToJson(kEveryKeyword, "test.yaml");
  ASSERT_TRUE(file.ok());
  json::Value inner = *file->find("schema");
  json::Value wrapper = json::Value::Object();
  wrapper.set("definitions", *inner.find("definitions"));
  inner.erase("definitions");
  json::Value any_of = json::Value::Array();
  any_of.push_back(inner);
  wrapper.set("anyOf", any_of);
  auto wrapped = LoadOrDie(json::Write(wrapper));
  ASSERT_NE(wrapped, nullptr);

  std::mt19937 rng(20240601);
  static const char* kKeys[] = {"any", "one", "all", "nope", "count", "labels", "tuple", "tuple2", "set",
                                "ratio", "low", "name", "kind", "tree", "nullable", "forbidden", "keys",
                                "deps", "has", "cond", "email", "zz"};
  size_t valid = 0;
  for (int i = 0; i < 3000; ++i) {
    json::Value doc = json::Value::Object();
    for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) doc.set(kKeys[rng() % 22], RandomValue(&rng, 0));
    ValidationReport report = schema_->Validate(doc);
    valid += report.ok();
    ASSERT_LE(report.errors.size(), 101u);
    Result<json::Value> errors = json::Parse(report.ErrorsJson());
    ASSERT_TRUE(errors.ok()) << report.ErrorsJson();
    ASSERT_EQ(errors->items().size(), report.errors.size());
    for (const auto& e : report.errors) {
      ASSERT_FALSE(e.message.empty());
      if (!e.path.empty()) {
        ASSERT_TRUE(e.message.starts_with(e.path + ": ")) << e.message;
      }
    }
    std::vector<std::string> via_any_of = Errors(*wrapped, doc);
    ASSERT_EQ(report.ok(), via_any_of.empty()) << json::Write(doc);
    if (!report.ok()) {
      ASSERT_EQ(via_any_of.size(), 1u);
      ASSERT_TRUE(via_any_of[0].starts_with("does not match any of the anyOf schemas (#0: " + report.errors[0].message))
          << via_any_of[0];
    }
  }
  EXPECT_GT(valid, 100u);
  EXPECT_LT(valid, 2900u);

  const std::string text = kEveryKeyword;
  size_t loaded = 0;
  for (int i = 0; i < 400; ++i) {
    std::string mangled = text;
    for (int m = 1 + static_cast<int>(rng() % 4); m > 0; --m) {
      const size_t at = rng() % mangled.size();
      switch (rng() % 3) {
        case 0: mangled.erase(at, 1 + rng() % 8); break;
        case 1: mangled.insert(at, 1, "{}[]:,'\"-#&*!|> \n0a"[rng() % 19]); break;
        default: mangled[at] = "{}[]:,'\"-#&*!|> \n0a"[rng() % 19]; break;
      }
    }
    Result<std::shared_ptr<const Schema>> s = Schema::LoadText(mangled, "test.yaml");
    if (s.ok()) {
      ++loaded;
      (void)(*s)->Validate(ParseOrDie(kEveryKeywordValid));
    } else {
      ASSERT_TRUE(s.status().message().starts_with("test.yaml: ")) << s.status().message();
    }
  }
  EXPECT_GT(loaded, 0u);
}

TEST(SchemaFormats, Rfc3339AndFriends) {
  using schema_internal::IsDate;
  using schema_internal::IsDateTime;
  using schema_internal::IsEmail;
  using schema_internal::IsUri;
  for (const char* ok : {"2017-04-13T21:49:00Z", "2019-06-03T20:49:46.559307+00:00", "2016-12-31t23:59:60z",
                         "2000-02-29T00:00:00-12:30"}) {
    EXPECT_TRUE(IsDateTime(ok)) << ok;
  }
  for (const char* bad : {"2017-04-13", "2017-04-13 21:49:00Z", "2017-04-13T21:49:00", "2017-13-01T00:00:00Z",
                          "2100-02-29T00:00:00Z", "2017-04-13T24:00:00Z", "2017-04-13T21:49:00.Z",
                          "2017-04-13T21:49:00+0000", "2017-04-13T21:49:00Zjunk", ""}) {
    EXPECT_FALSE(IsDateTime(bad)) << bad;
  }
  EXPECT_TRUE(IsDate("2020-02-29"));
  EXPECT_FALSE(IsDate("2020-2-29"));
  EXPECT_TRUE(IsEmail("a@b"));
  EXPECT_FALSE(IsEmail("a b@c"));
  EXPECT_FALSE(IsEmail("@c"));
  EXPECT_TRUE(IsUri("https://archive.mozilla.org/pub/firefox/x%20y.exe"));
  EXPECT_TRUE(IsUri("urn:isbn:0451450523"));
  EXPECT_FALSE(IsUri("https://archive.mozilla.org/pub/Firefox 61.0b4.dmg"));
  EXPECT_FALSE(IsUri("/relative/path"));
  EXPECT_FALSE(IsUri("http://x/%zz"));
}

TEST(SchemaConcurrency, OneSchemaManyThreads) {
  auto schema = Schema::Default();
  json::Value good = ValidBuild();
  json::Value bad = ValidBuild();
  bad.set("junk", json::Value::Int(1));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!schema->Validate(good).ok()) ++failures;
        if (Errors(*schema, bad) != V{"additional property 'junk' is not allowed"}) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace buildhub
