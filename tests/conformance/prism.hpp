// Prism (Stoplight's OpenAPI mock server) run for a conformance test: it
// serves one document on 127.0.0.1, validates every request against it and
// logs what it finds to a file. Shared by the Backend and Frontend API tests.
#ifndef CLERK_TESTS_CONFORMANCE_PRISM_HPP
#define CLERK_TESTS_CONFORMANCE_PRISM_HPP

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
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

inline constexpr int skipped = 77;  // CTest's SKIP_RETURN_CODE

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
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

// A loopback port free a moment ago, for Prism (which cannot take port 0).
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
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
  // False, with its log on stderr, when it does not listen within a minute.
  bool start(const fs::path& prism, const fs::path& served, const fs::path& log,
             bool dynamic = false) {
    log_ = log;
    port_ = free_port();
    if (port_ <= 0) {
      std::cerr << "cannot find a free port on 127.0.0.1\n";
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<std::string> args = {
        "node", prism.string(),        "mock",         "-h", "127.0.0.1",
        "-p",   std::to_string(port_), served.string()};
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
    // Prism reads the document (700 kB) first: allow it up to a minute.
    for (int i = 0; i < 600; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      if (read_file(log_).find("Prism is listening") != std::string::npos)
        return true;
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
  std::string log() const { return read_file(log_); }

  // Waits (bounded) until the log holds `marker`, and returns the log.
  std::string log_once_it_shows(const std::string& marker) const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
      text = log();
      if (text.find(marker) != std::string::npos)
        return text;
      std::this_thread::sleep_for(50ms);
    }
    FAIL("Prism's log never showed " << marker);
    return text;
  }

 private:
  fs::path log_;
  int port_ = -1;
  pid_t pid_ = -1;
};

}  // namespace clerk_test

#endif
