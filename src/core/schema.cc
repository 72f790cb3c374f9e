// Schema: loading a schema file and the bundled default; the work is in
// schema_yaml.cc (reading), schema_compile.cc (compiling) and
// schema_validate.cc (validating).
#include "core/schema.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/schema_internal.h"

namespace buildhub {
namespace schema_internal {
// Generated at configure time from schema/schema.yaml (see src/CMakeLists.txt).
extern const unsigned char kDefaultSchemaText[];
extern const size_t kDefaultSchemaSize;
}  // namespace schema_internal

namespace {

constexpr size_t kMaxFileBytes = 16u << 20;
constexpr char kDefaultOrigin[] = "schema/schema.yaml (bundled)";

class CompiledSchemaImpl final : public Schema {
 public:
  CompiledSchemaImpl(std::unique_ptr<schema_internal::CompiledSchema> compiled, std::string origin)
      : compiled_(std::move(compiled)), origin_(std::move(origin)) {}

  ValidationReport Validate(const json::Value& document) const override {
    ValidationReport report;
    schema_internal::ValidateDocument(*compiled_->root, document, &report.errors, &report.warnings);
    return report;
  }

  const std::string& origin() const override { return origin_; }

 private:
  std::unique_ptr<schema_internal::CompiledSchema> compiled_;
  std::string origin_;
};

// Stands in for a bundled schema that does not compile (a build defect the
// tests catch): every document is rejected with the reason, rather than the
// process dying or everything being accepted.
class BrokenSchema final : public Schema {
 public:
  explicit BrokenSchema(std::string reason) : reason_(std::move(reason)), origin_(kDefaultOrigin) {}

  ValidationReport Validate(const json::Value&) const override {
    ValidationReport report;
    report.errors.push_back({"", "the bundled schema does not compile: " + reason_});
    return report;
  }

  const std::string& origin() const override { return origin_; }

 private:
  std::string reason_;
  std::string origin_;
};

}  // namespace

std::string ValidationReport::ErrorsJson() const {
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::WriteString(errors[i].message, &out);
  }
  out.push_back(']');
  return out;
}

Result<std::shared_ptr<const Schema>> Schema::LoadText(std::string_view yaml_or_json, std::string_view origin) {
  Result<json::Value> file = schema_internal::YamlToJson(yaml_or_json, origin);
  if (!file.ok()) return file.status();
  const json::Value* schema = &*file;
  std::string_view root_path;
  if (file->is_object()) {
    if (const json::Value* inner = file->find("schema")) {
      schema = inner;
      root_path = "schema";
    }
  }
  Result<std::unique_ptr<schema_internal::CompiledSchema>> compiled =
      schema_internal::Compile(*schema, origin, root_path);
  if (!compiled.ok()) return compiled.status();
  return std::shared_ptr<const Schema>(
      std::make_shared<CompiledSchemaImpl>(std::move(*compiled), std::string(origin)));
}

Result<std::shared_ptr<const Schema>> Schema::LoadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string message = fmt::format("cannot open schema file {}: {}", path, std::strerror(err));
    if (err == ENOENT) return NotFound(std::move(message));
    if (err == EACCES) return PermissionDenied(std::move(message));
    return InvalidArgument(std::move(message));
  }
  std::string text;
  Status status;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    status = InvalidArgument(fmt::format("cannot stat schema file {}: {}", path, std::strerror(errno)));
  } else if (S_ISDIR(st.st_mode)) {
    status = InvalidArgument(fmt::format("schema file {} is a directory", path));
  } else {
    char buf[65536];
    while (true) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = InvalidArgument(fmt::format("cannot read schema file {}: {}", path, std::strerror(errno)));
        break;
      }
      if (n == 0) break;
      text.append(buf, static_cast<size_t>(n));
      if (text.size() > kMaxFileBytes) {
        status = ResourceExhausted(
            fmt::format("schema file {} is larger than the {} bytes allowed", path, kMaxFileBytes));
        break;
      }
    }
  }
  ::close(fd);
  if (!status.ok()) return status;
  return LoadText(text, path);
}

std::shared_ptr<const Schema> Schema::Default() {
  static const std::shared_ptr<const Schema> schema = [] {
    Result<std::shared_ptr<const Schema>> loaded = LoadText(
        std::string_view(reinterpret_cast<const char*>(schema_internal::kDefaultSchemaText),
                         schema_internal::kDefaultSchemaSize), kDefaultOrigin);
    if (loaded.ok()) return *loaded;
    return std::shared_ptr<const Schema>(std::make_shared<BrokenSchema>(loaded.status().message()));
  }();
  return schema;
}

}  // namespace buildhub
