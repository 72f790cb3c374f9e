// Helpers for the store tests: synthetic builds and child processes that
// start at the same moment.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace buildhub::store::testing {

// A distinct build per `n`, with a document of about `doc_bytes` bytes.
inline NewBuild MakeBuild(int n, size_t doc_bytes = 300) {
  char hash[48];
  std::snprintf(hash, sizeof hash, "v1:%032x", n);
  NewBuild b;
  b.build_hash = hash;
  std::string doc = "{\"build\":{\"id\":\"2026" + std::to_string(n) +
                    "\",\"date\":\"2026-11-28T09:44:33Z\"},\"source\":{\"product\":\"firefox\"},"
                    "\"target\":{\"version\":\"68.0b" + std::to_string(n % 20) + "\"},\"pad\":\"";
  while (doc.size() + 2 < doc_bytes) doc += 'x';
  doc += "\"}";
  b.build_json = std::move(doc);
  b.s3_object_key = "pub/firefox/candidates/" + std::to_string(n) + "/buildhub.json";
  b.s3_object_etag = "etag" + std::to_string(n);
  return b;
}

inline std::vector<NewBuild> MakeBuilds(int first, int count, size_t doc_bytes = 300) {
  std::vector<NewBuild> builds;
  builds.reserve(count);
  for (int i = 0; i < count; ++i) builds.push_back(MakeBuild(first + i, doc_bytes));
  return builds;
}

// What a child process reports back.
struct ChildResult {
  int code = -1;  // 0 = success
  int64_t value = 0;
  char message[512] = {};
};

inline ChildResult ChildOk(int64_t value) {
  ChildResult r;
  r.code = 0;
  r.value = value;
  return r;
}

inline ChildResult ChildFailed(const std::string& message) {
  ChildResult r;
  r.code = 1;
  std::snprintf(r.message, sizeof r.message, "%s", message.c_str());
  return r;
}

// Forks `count` children; each waits until all are forked, runs body(i) and
// reports its ChildResult. Children never return into the test framework
// (they _exit). A child that does not report within `timeout` is killed and
// reported as failed. The parent must hold no open database connection.
inline std::vector<ChildResult> RunChildrenTogether(
    int count, const std::function<ChildResult(int)>& body,
    std::chrono::seconds timeout = std::chrono::seconds(180)) {
  std::vector<ChildResult> results(count);
  int start[2];
  if (pipe(start) != 0) {
    for (auto& r : results) r = ChildFailed("pipe failed");
    return results;
  }
  std::vector<pid_t> pids(count, -1);
  std::vector<int> result_fds(count, -1);
  for (int i = 0; i < count; ++i) {
    int out[2];
    if (pipe(out) != 0) {
      results[i] = ChildFailed("pipe failed");
      continue;
    }
    pid_t pid = fork();
    if (pid == 0) {
      close(start[1]);
      close(out[0]);
      char byte;
      // EOF on the start pipe is the starting gun: every child sees it at once.
      while (read(start[0], &byte, 1) > 0) {
      }
      ChildResult r = body(i);
      ssize_t ignored = write(out[1], &r, sizeof r);
      (void)ignored;
      _exit(r.code == 0 ? 0 : 1);
    }
    close(out[1]);
    if (pid < 0) {
      close(out[0]);
      results[i] = ChildFailed("fork failed");
      continue;
    }
    pids[i] = pid;
    result_fds[i] = out[0];
  }
  close(start[0]);
  close(start[1]);  // go

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int i = 0; i < count; ++i) {
    if (pids[i] < 0) continue;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{result_fds[i], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    ChildResult r;
    if (ready == 1 && read(result_fds[i], &r, sizeof r) == static_cast<ssize_t>(sizeof r)) {
      results[i] = r;
    } else {
      kill(pids[i], SIGKILL);
      results[i] = ChildFailed(ready == 1 ? "child died without reporting" : "child timed out");
    }
    close(result_fds[i]);
    int status = 0;
    waitpid(pids[i], &status, 0);
  }
  return results;
}

}  // namespace buildhub::store::testing
