// Prism (Stoplight's OpenAPI mock server) run for a conformance test: it
// serves one document on 127.0.0.1, validates every request against it and
// logs what it finds to a file. Shared by the Backend and Frontend API tests.
#ifndef CLERK_TESTS_CONFORMANCE_PRISM_HPP
#define CLERK_TESTS_CONFORMANCE_PRISM_HPP

#include "cannot_run.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace clerk_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The file from byte `from` on.
inline std::string read_file(const fs::path& p, std::size_t from = 0) {
  std::ifstream in(p, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto i = text.find(part); i != std::string::npos; i = text.find(part, i + part.size()))
    ++n;
  return n;
}

inline bool on_path(const char* program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0)
      return true;
  return false;
}

// The Backend API document with "/v1" put back in front of every path (Prism
// drops the server URL's path) and the server URL cut to the origin. Nothing
// else: Prism's answers are what the document allows.
inline std::string prefixed_document(const std::string& doc) {
  std::string out;
  std::istringstream lines(doc);
  bool in_paths = false;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != ' ')
      in_paths = line == "paths:";
    if (in_paths && line.starts_with("  /"))
      line.insert(2, "/v1");
    if (line == "  - url: https://api.clerk.com/v1")
      line = "  - url: https://api.clerk.com";
    out += line;
    out += '\n';
  }
  return out;
}

// What Prism's log says of a stretch of requests.
struct prism_verdicts {
  std::size_t received = 0;             // requests Prism received
  std::size_t request_violations = 0;   // "Violation: request...": a request breaks the document
  std::size_t refused = 0;              // "did not pass the validation rules"
  std::size_t response_violations = 0;  // Prism's own answers breaking the document
  std::size_t unrouted = 0;             // no operation of the document matched (Prism's 404)
  std::string problems;                 // the lines of request violations and refusals
};

inline prism_verdicts verdicts_of(const std::string& log) {
  prism_verdicts v;
  v.received = count(log, "Request received");
  v.request_violations = count(log, "Violation: request");
  v.refused = count(log, "did not pass the validation rules");
  v.response_violations = count(log, "Violation: response");
  v.unrouted = count(log, "Request terminated with error");
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line) && v.problems.size() < 4000;)
    if (line.find("Violation: request") != std::string::npos ||
        line.find("did not pass the validation rules") != std::string::npos)
      v.problems += line + '\n';
  return v;
}

class prism_process {
 public:
  prism_process() = default;
  prism_process(const prism_process&) = delete;
  prism_process& operator=(const prism_process&) = delete;
  ~prism_process() { stop(); }

  // Why the test cannot run here (the document, node or Prism is missing),
  // or nullopt.
  static std::optional<std::string> missing(const fs::path& document, const fs::path& prism) {
    if (!fs::exists(document))
      return "Clerk's OpenAPI document is not at " + document.string();
    if (!on_path("node"))
      return std::string("node is not installed (bash tests/setup.sh installs it)");
    if (!fs::exists(prism))
      return std::string(
          "Prism is not installed in tests/conformance/node_modules "
          "(bash tests/setup.sh runs npm ci there)");
    return std::nullopt;
  }

  // Starts Prism on `served`, logging to `log`, in a process group of its
  // own (stopped together, by that group's id); `dynamic`: answers made up
  // from the schemas (prism mock -d) instead of the document's examples.
  // Prism binds port 0 itself and logs the port it got: no other process can
  // take it in between. False, with its log on stderr, when it does not
  // listen within three minutes.
  bool start(const fs::path& prism, const fs::path& served, const fs::path& log,
             bool dynamic = false) {
    log_ = log;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<std::string> args = {"node",      prism.string(), "mock", "-h",
                                     "127.0.0.1", "-p",           "0",    served.string()};
    if (dynamic)
      args.push_back("-d");
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawnp(&pid_, "node", &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      pid_ = -1;
      std::cerr << "cannot start Prism: " << std::strerror(rc) << '\n';
      return false;
    }
    // Prism reads the document (700 kB) first: allow it three minutes. It
    // takes seconds alone, but the Frontend API document has taken 90 s on
    // 2 cores under a load of 11.
    const std::string listening = "Prism is listening on http://127.0.0.1:";
    for (int i = 0; i < 1800; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      const std::string text = read_file(log_);
      const auto at = text.find(listening);
      // The whole line, not a port still being written.
      if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + listening.size());
        if (port_ > 0 && port_ < 65536)
          return true;
        std::cerr << "Prism logged no port it listens on\n";
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    std::cerr << "Prism did not start; its log:\n" << read_file(log_) << '\n';
    stop();
    return false;
  }

  void stop() {
    if (pid_ <= 0)
      return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(100ms);
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log(std::size_t from = 0) const { return read_file(log_, from); }
  std::size_t log_size() const {
    std::error_code ec;
    auto n = fs::file_size(log_, ec);
    return ec ? 0 : static_cast<std::size_t>(n);
  }

  // A test's send helper counts here each request it sends to Prism, so that
  // a case can compare what it sent with what Prism received (prism_span).
  void count_sent(std::size_t n = 1) { sent_ += n; }
  std::size_t sent() const { return sent_; }

  // Waits (bounded) until Prism has answered `n` requests logged from byte
  // `from` on (an answer, or its 404 for a path the document lacks), and
  // returns what the log says of them; a failed check when it has not within
  // 10 s.
  prism_verdicts verdicts_since(std::size_t from, std::size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string text;
    for (;;) {
      text = log(from);
      const std::size_t answered =
          count(text, "> Responding with") + count(text, "Request terminated with error");
      if (answered >= n)
        break;
      if (std::chrono::steady_clock::now() > deadline) {
        FAIL_CHECK("Prism's log shows " << answered << " answers of the " << n << " requests sent");
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    return verdicts_of(text);
  }

 private:
  fs::path log_;
  int port_ = -1;
  pid_t pid_ = -1;
  std::size_t sent_ = 0;
};

// The requests of one test case, judged by Prism's log: made where the case
// starts, check() where it ends. Each case judges its own requests, so that
// it holds alone (-tc=) and in any order (--order-by=rand).
class prism_span {
 public:
  explicit prism_span(const prism_process& p) : p_(p), from_(p.log_size()), sent_(p.sent()) {}

  std::size_t sent() const { return p_.sent() - sent_; }

  // Waits for Prism's answers to what was sent since the span began, and
  // checks that Prism received exactly that many requests, refused none and
  // found none that breaks the document.
  prism_verdicts check() const {
    const std::size_t n = sent();
    auto v = p_.verdicts_since(from_, n);
    INFO("Prism's request violations and refusals:\n" << v.problems);
    CHECK(n > 0);
    CHECK(v.received == n);
    CHECK(v.request_violations == 0);
    CHECK(v.refused == 0);
    return v;
  }

 private:
  const prism_process& p_;
  std::size_t from_, sent_;
};

}  // namespace clerk_test

#endif
