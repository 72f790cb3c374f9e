#include "support/fixtures.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace buildhub::testing {

std::filesystem::path SharedReference(const std::string& relative) {
  std::filesystem::path root(BUILDHUB_SHARED_DIR);
  if (!std::filesystem::is_directory(root / "reference")) {
    // Say what is wrong once, instead of a cascade of unreadable fixtures.
    throw std::runtime_error(root.string() + "/reference is missing: the tests read their fixtures from "
                             "../shared beside the project root");
  }
  return root / "reference" / relative;
}

std::filesystem::path ProjectPath(const std::string& relative) {
  return std::filesystem::path(BUILDHUB_SOURCE_DIR) / relative;
}

std::filesystem::path BuildhubBinary() { return BUILDHUB_BINARY; }

std::string ReadFileOrDie(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrDie(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << bytes;
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "buildhub-test-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may make files unreadable or read-only; make them removable again.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

int RunCommand(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  output->clear();
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace buildhub::testing
