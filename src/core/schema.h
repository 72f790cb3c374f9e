// Schema: a JSON Schema (draft 7) validator driven by a schema file, so that
// Mozilla's schema.yaml can change without a rebuild. The file is YAML (or
// JSON, which is YAML) with the schema under a top-level "schema" key, as
// Buildhub2's schema.yaml has it; a document without that key is the schema.
//
// Keywords: type (incl. arrays of types; integer accepts 1.0 but not true),
// properties, required, additionalProperties (bool or schema),
// patternProperties, enum, const, items (schema or array), additionalItems,
// minItems/maxItems, uniqueItems, minLength/maxLength (code points), pattern
// (RE2, unanchored), minimum/maximum/exclusiveMinimum/exclusiveMaximum,
// multipleOf, minProperties/maxProperties, allOf/anyOf/oneOf/not,
// $ref to "#/definitions/..." within the file, and format (date-time, date,
// email, uri) reported as warnings, never as errors. Also the rest of draft
// 7's validation keywords (propertyNames, dependencies, contains,
// if/then/else) and boolean schemas. Unknown keywords (title, description,
// ...) are ignored, as draft 7 says.
//
// Errors are reported in document order and capped at 100 per document; past
// the cap one last entry "... and N more errors" (path "") gives the count.
// An integer-typed value that does not fit in 64 bits is an error (Buildhub's
// rule: Elasticsearch's long cannot hold it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace buildhub {

struct SchemaIssue {
  std::string path;     // dotted JSON path, "" for the root: "download.size", "items[3]"
  std::string message;  // "download.size: expected integer, got string"
};

struct ValidationReport {
  std::vector<SchemaIssue> errors;    // any error: the document is invalid
  std::vector<SchemaIssue> warnings;  // format checks only
  bool ok() const { return errors.empty(); }
  // The error messages as a JSON array of strings.
  std::string ErrorsJson() const;
};

class Schema {
 public:
  // Loads and compiles a schema file; errors name the file and the problem.
  static Result<std::shared_ptr<const Schema>> LoadFile(const std::string& path);
  static Result<std::shared_ptr<const Schema>> LoadText(std::string_view yaml_or_json,
                                                        std::string_view origin);
  // The bundled default (schema/schema.yaml in the project, compiled in).
  static std::shared_ptr<const Schema> Default();

  virtual ~Schema() = default;
  // Reports every error found (not only the first), in document order.
  virtual ValidationReport Validate(const json::Value& document) const = 0;
  virtual const std::string& origin() const = 0;
};

}  // namespace buildhub
