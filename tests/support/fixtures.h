// Test helpers: fixture paths, file I/O, temporary directories.
#pragma once

#include <filesystem>
#include <string>

namespace buildhub::testing {

// A path under ../shared/reference (read-only in CI).
std::filesystem::path SharedReference(const std::string& relative);
// A path under the project root.
std::filesystem::path ProjectPath(const std::string& relative);
// The built `buildhub` binary.
std::filesystem::path BuildhubBinary();

std::string ReadFileOrDie(const std::filesystem::path& path);
void WriteFileOrDie(const std::filesystem::path& path, const std::string& bytes);

// A fresh directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command, returns its exit status; stdout+stderr go to *output.
int RunCommand(const std::string& command, std::string* output);

}  // namespace buildhub::testing
