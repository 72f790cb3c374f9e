#include "ingest/local_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "core/json.h"
#include "core/log.h"

namespace buildhub::ingest {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsNdjsonName(std::string_view name) {
  return EndsWith(name, ".ndjson") || EndsWith(name, ".jsonl");
}

bool IsJsonName(std::string_view name) { return EndsWith(name, ".json"); }

std::string ErrnoText(int err) { return std::strerror(err); }

// Reads a file descriptor to the end, at most `cap` bytes; *truncated is set
// when more was there.
Status ReadUpTo(int fd, size_t cap, std::string* out, bool* truncated) {
  out->clear();
  *truncated = false;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable(ErrnoText(errno));
    }
    if (n == 0) return Status::Ok();
    size_t room = cap + 1 - std::min(out->size(), cap + 1);
    out->append(buf, std::min(static_cast<size_t>(n), room));
    if (out->size() > cap) {
      *truncated = true;
      return Status::Ok();
    }
  }
}

// Splits a byte stream into lines, with lines longer than the cap skipped
// (reported once each) without buffering them.
class LineFeeder {
 public:
  LineFeeder(std::string key_prefix, const LocalInputOptions& options, DocumentSink* pipeline)
      : prefix_(std::move(key_prefix)), options_(options), pipeline_(pipeline) {}

  Status Feed(std::string_view chunk) {
    size_t start = 0;
    while (start < chunk.size()) {
      size_t nl = chunk.find('\n', start);
      std::string_view piece = chunk.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      if (!oversized_) {
        if (line_.size() + piece.size() > options_.max_document_bytes) {
          oversized_ = true;
          line_.clear();
        } else {
          line_.append(piece);
        }
      }
      if (nl == std::string_view::npos) break;
      Status s = EndLine();
      if (!s.ok()) return s;
      start = nl + 1;
    }
    return Status::Ok();
  }

  Status Finish() {
    if (!line_.empty() || oversized_) return EndLine();
    return Status::Ok();
  }

 private:
  Status EndLine() {
    if (options_.stop != nullptr && options_.stop->load()) return Cancelled("interrupted");
    ++line_number_;
    std::string key = prefix_ + ":" + std::to_string(line_number_);
    Status s;
    if (oversized_) {
      s = pipeline_->AddUnreadable(key, "line is larger than the limit of " +
                                            std::to_string(options_.max_document_bytes) +
                                            " bytes (--max-document-bytes)");
    } else if (line_.find_first_not_of(" \t\r") != std::string::npos) {
      SourceItem item;
      item.key = std::move(key);
      item.bytes = std::move(line_);
      s = pipeline_->Add(std::move(item));
    }
    line_.clear();
    oversized_ = false;
    if (options_.on_progress && line_number_ % 4096 == 0) options_.on_progress();
    return s;
  }

  std::string prefix_;
  const LocalInputOptions& options_;
  DocumentSink* pipeline_;
  std::string line_;
  bool oversized_ = false;
  size_t line_number_ = 0;
};

class Walker {
 public:
  Walker(const LocalInputOptions& options, DocumentSink* pipeline)
      : options_(options), pipeline_(pipeline) {}

  Status Visit(const std::string& path, bool top_level) {
    if (Stopped()) return Cancelled("interrupted");
    if (path == "-") return ReadStream(STDIN_FILENO, "<stdin>", options_.format);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int err = errno;
      if (err == ELOOP) return pipeline_->AddUnreadable(path, "symbolic link loop");
      return pipeline_->AddUnreadable(path, ErrnoText(err));
    }
    if (S_ISDIR(st.st_mode)) return VisitDirectory(path, st);
    if (!S_ISREG(st.st_mode) && !top_level) return Status::Ok();  // sockets, fifos in trees
    return VisitFile(path, st);
  }

 private:
  Status VisitDirectory(const std::string& path, const struct stat& st) {
    if (!visited_.insert({st.st_dev, st.st_ino}).second) {
      log::Warn("ingest", "{}: directory already visited (symbolic link loop?), skipped", path);
      return Status::Ok();
    }
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return pipeline_->AddUnreadable(path, ErrnoText(errno));
    std::vector<std::string> names;
    while (struct dirent* entry = ::readdir(dir)) {
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    std::string base = path;
    if (base.empty() || base.back() != '/') base += '/';
    for (const std::string& name : names) {
      std::string child = base + name;
      struct stat cst;
      if (::stat(child.c_str(), &cst) != 0) {
        int err = errno;
        // A dangling link or a loop among links: say so and go on.
        if (err == ELOOP) {
          Status s = pipeline_->AddUnreadable(child, "symbolic link loop");
          if (!s.ok()) return s;
        } else if (IsJsonName(name) || IsNdjsonName(name)) {
          Status s = pipeline_->AddUnreadable(child, ErrnoText(err));
          if (!s.ok()) return s;
        }
        continue;
      }
      if (S_ISDIR(cst.st_mode)) {
        Status s = VisitDirectory(child, cst);
        if (!s.ok()) return s;
      } else if (S_ISREG(cst.st_mode) && (IsJsonName(name) || IsNdjsonName(name))) {
        Status s = VisitFile(child, cst);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status VisitFile(const std::string& path, const struct stat& st) {
    if (Stopped()) return Cancelled("interrupted");
    InputFormat format = options_.format;
    if (format == InputFormat::kAuto && IsNdjsonName(path)) format = InputFormat::kNdjson;
    // A .json file is one document: refuse an oversized one before reading it
    // (an NDJSON corpus should be named .ndjson or given --format ndjson).
    bool single = format == InputFormat::kJson || (format == InputFormat::kAuto && IsJsonName(path));
    if (single && static_cast<size_t>(st.st_size) > options_.max_document_bytes) {
      return pipeline_->AddUnreadable(
          path, "file is " + std::to_string(st.st_size) + " bytes, larger than the limit of " +
                    std::to_string(options_.max_document_bytes) +
                    " bytes (--max-document-bytes; use --format ndjson for a file of many documents)");
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return pipeline_->AddUnreadable(path, ErrnoText(errno));
    Status s = ReadStream(fd, path, format);
    ::close(fd);
    if (options_.on_progress) options_.on_progress();
    return s;
  }

  // One document, or NDJSON: decided by the format, or (auto) by whether the
  // text is a single JSON value.
  Status ReadStream(int fd, const std::string& name, InputFormat format) {
    if (format == InputFormat::kNdjson) return ReadLines(fd, name, "");
    std::string head;
    bool truncated = false;
    Status read = ReadUpTo(fd, options_.max_document_bytes, &head, &truncated);
    if (!read.ok()) return pipeline_->AddUnreadable(name, "read failed: " + read.message());
    if (format == InputFormat::kJson) {
      if (truncated) {
        return pipeline_->AddUnreadable(name, "larger than the limit of " +
                                                  std::to_string(options_.max_document_bytes) +
                                                  " bytes (--max-document-bytes)");
      }
      return AddWhole(name, std::move(head));
    }
    // Auto: a single value unless it is too big or has "extra data" (NDJSON).
    if (!truncated) {
      json::ParseOptions parse;
      parse.allow_bom = true;
      parse.max_depth = 64;
      Result<json::Value> value = json::Parse(head, parse);
      bool several = !value.ok() && value.status().message().rfind("Extra data", 0) == 0 &&
                     head.find('\n') != std::string::npos;
      if (!several) return AddWhole(name, std::move(head));
    }
    return ReadLines(fd, name, head);
  }

  Status AddWhole(const std::string& name, std::string bytes) {
    SourceItem item;
    item.key = name;
    item.bytes = std::move(bytes);
    return pipeline_->Add(std::move(item));
  }

  Status ReadLines(int fd, const std::string& name, std::string_view already_read) {
    LineFeeder feeder(name, options_, pipeline_);
    Status s = feeder.Feed(already_read);
    if (!s.ok()) return s;
    std::string buf(1 << 20, '\0');
    while (true) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return pipeline_->AddUnreadable(name, "read failed: " + ErrnoText(errno));
      }
      if (n == 0) break;
      s = feeder.Feed(std::string_view(buf.data(), static_cast<size_t>(n)));
      if (!s.ok()) return s;
    }
    return feeder.Finish();
  }

  bool Stopped() const { return options_.stop != nullptr && options_.stop->load(); }

  const LocalInputOptions& options_;
  DocumentSink* pipeline_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

}  // namespace

bool ParseInputFormat(std::string_view text, InputFormat* out) {
  if (text == "auto") *out = InputFormat::kAuto;
  else if (text == "json") *out = InputFormat::kJson;
  else if (text == "ndjson" || text == "jsonl") *out = InputFormat::kNdjson;
  else return false;
  return true;
}

Status IngestPaths(const std::vector<std::string>& paths, const LocalInputOptions& options,
                   DocumentSink* pipeline) {
  Walker walker(options, pipeline);
  for (const std::string& path : paths) {
    Status s = walker.Visit(path, /*top_level=*/true);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace buildhub::ingest
