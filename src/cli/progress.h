// Progress of a long job: a line rewritten in place on a terminal, a log
// line every few seconds otherwise, and the summary at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ingest/pipeline.h"

namespace buildhub::cli {

class Progress {
 public:
  explicit Progress(std::string label);

  // Cheap to call often; prints at most a few times per second.
  void Update(const ingest::IngestStats& stats);
  // Clears the terminal line and prints the final summary to stdout:
  // "ingest: 10000 documents read: 9990 inserted, 0 duplicates, 10 rejected,
  //  0 unreadable in 0.41 s (24390 builds/s)".
  void Finish(const ingest::IngestStats& stats);

  double ElapsedSeconds() const;

 private:
  std::string Line(const ingest::IngestStats& stats) const;

  std::string label_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
};

}  // namespace buildhub::cli
