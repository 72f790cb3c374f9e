#include "ingest/document.h"

#include "core/build_hash.h"

namespace buildhub::ingest {
namespace {

const json::Value* Member(const json::Value& object, std::string_view key) {
  return object.is_object() ? object.find(key) : nullptr;
}

store::NewBuild MakeBuild(const json::Value& document, const PrepareOptions& options) {
  store::NewBuild build;
  build.build_hash = BuildHash(document);
  build.build_json = json::Write(document);
  build.metadata_json = options.metadata_json;
  return build;
}

}  // namespace

bool IsFirefoxRelease(const json::Value& document) {
  const json::Value* source = Member(document, "source");
  const json::Value* target = Member(document, "target");
  if (source == nullptr || target == nullptr) return false;
  const json::Value* product = Member(*source, "product");
  const json::Value* channel = Member(*target, "channel");
  return product != nullptr && product->is_string() && product->text() == "firefox" &&
         channel != nullptr && channel->is_string() && channel->text() == "release";
}

PreparedDocument PrepareParsed(json::Value document, const PrepareOptions& options) {
  PreparedDocument out;
  if (!document.is_object()) {
    // Even with validation skipped, only objects can be builds.
    out.errors.push_back(std::string("expected a JSON object, got ") +
                         json::TypeName(document.type()));
    return out;
  }
  if (!options.skip_validation) {
    ValidationReport report = options.schema->Validate(document);
    for (auto& w : report.warnings) out.warnings.push_back(std::move(w.message));
    if (!report.ok()) {
      for (auto& e : report.errors) out.errors.push_back(std::move(e.message));
      return out;
    }
  }
  out.builds.push_back(MakeBuild(document, options));
  if (options.release_to_beta && IsFirefoxRelease(document)) {
    document.find("target")->set("channel", json::Value::String("beta"));
    out.builds.push_back(MakeBuild(document, options));
  }
  return out;
}

PreparedDocument PrepareDocument(std::string_view bytes, const PrepareOptions& options) {
  if (bytes.size() > options.max_document_bytes) {
    PreparedDocument out;
    out.errors.push_back("document is " + std::to_string(bytes.size()) +
                         " bytes, larger than the limit of " +
                         std::to_string(options.max_document_bytes) + " bytes");
    return out;
  }
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    PreparedDocument out;
    out.errors.push_back(bytes.empty() ? "empty document" : "document holds only whitespace");
    return out;
  }
  json::ParseOptions parse_options;
  parse_options.allow_bom = true;
  parse_options.max_depth = 64;  // the schema is 2 levels deep; 64 is plenty
  Result<json::Value> parsed = json::Parse(bytes, parse_options);
  if (!parsed.ok()) {
    PreparedDocument out;
    out.errors.push_back("invalid JSON: " + parsed.status().message());
    return out;
  }
  return PrepareParsed(std::move(*parsed), options);
}

}  // namespace buildhub::ingest
