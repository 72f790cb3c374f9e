#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "core/log.h"

namespace buildhub::cli {

Progress::Progress(std::string label)
    : label_(std::move(label)),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

double Progress::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::Line(const ingest::IngestStats& s) const {
  double elapsed = ElapsedSeconds();
  double rate = elapsed > 0 ? static_cast<double>(s.documents) / elapsed : 0;
  return fmt::format("{}: {} documents read: {} inserted, {} duplicates, {} rejected, {} unreadable ({:.0f} documents/s)",
                     label_, s.documents, s.inserted, s.duplicates, s.rejected, s.unreadable, rate);
}

void Progress::Update(const ingest::IngestStats& stats) {
  auto now = std::chrono::steady_clock::now();
  auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
  if (now - last_print_ < interval) return;
  last_print_ = now;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", Line(stats).c_str());
    std::fflush(stderr);
    printed_ = true;
  } else {
    log::Info("progress", "{}", Line(stats));
  }
}

void Progress::Finish(const ingest::IngestStats& s) {
  if (tty_ && printed_) std::fprintf(stderr, "\r\033[K");
  double elapsed = ElapsedSeconds();
  int64_t builds = s.inserted + s.duplicates;
  double rate = elapsed > 0 ? static_cast<double>(builds) / elapsed : 0;
  std::printf("%s: %lld documents read: %lld inserted, %lld duplicates, %lld rejected, %lld unreadable in %.2f s (%.0f builds/s)\n",
              label_.c_str(), static_cast<long long>(s.documents), static_cast<long long>(s.inserted),
              static_cast<long long>(s.duplicates), static_cast<long long>(s.rejected),
              static_cast<long long>(s.unreadable), elapsed, rate);
  std::fflush(stdout);
}

}  // namespace buildhub::cli
