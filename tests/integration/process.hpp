// Runs a program as a child process with a given environment and collects
// its exit status, stdout and stderr. Every run is bounded: a child still
// running at the deadline is killed and the run reported as timed out. A
// server is run as a background_process, stopped with SIGTERM.
#ifndef CLERK_TESTS_INTEGRATION_PROCESS_HPP
#define CLERK_TESTS_INTEGRATION_PROCESS_HPP

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace clerk_test {

struct process_result {
  int exit_code = -1;  // -1 when killed by a signal or by the deadline
  bool timed_out = false;
  std::string out, err;
};

namespace detail {

// Starts `program` with `env` as its whole environment and the file `input`
// as its standard input; `out` and `err` receive the read ends of its stdout
// and stderr.
inline pid_t spawn(const std::string& program, const std::vector<std::string>& args,
                   const std::vector<std::string>& env, const std::string& input, int& out,
                   int& err) {
  int out_pipe[2], err_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> argv_s{program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = env;
  for (auto& e : env_s)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out = out_pipe[0];
  err = err_pipe[0];
  REQUIRE_MESSAGE(rc == 0, "cannot start " << program);
  return pid;
}

// Appends what the child writes on `out` and `err` to r until both close,
// killing it at `deadline`; then closes them, reaps the child and sets
// r.exit_code.
inline void collect(pid_t pid, int out, int err, std::chrono::steady_clock::time_point deadline,
                    process_result& r) {
  pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0)
      continue;  // EINTR
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0)
        continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0)
      ::close(f.fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status) && !r.timed_out)
    r.exit_code = WEXITSTATUS(status);
}

}  // namespace detail

// A file holding `text`, removed with the object: a child's standard input.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text) {
    char name[] = "/tmp/clerk_test_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    path = name;
  }
  ~temp_file() { ::unlink(path.c_str()); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
};

// `env` is the child's whole environment ("NAME=value" entries): nothing of
// the test's own environment leaks into it. Its standard input is the file
// `input` (default: empty).
inline process_result run_process(const std::string& program, const std::vector<std::string>& args,
                                  const std::vector<std::string>& env,
                                  std::chrono::seconds limit = std::chrono::seconds(30),
                                  const std::string& input = "/dev/null") {
  int out = -1, err = -1;
  pid_t pid = detail::spawn(program, args, env, input, out, err);
  process_result r;
  detail::collect(pid, out, err, std::chrono::steady_clock::now() + limit, r);
  return r;
}

// A program left running, such as a server: started as run_process starts
// one, read with first_line(), ended with stop() (or by the destructor).
class background_process {
 public:
  background_process(const std::string& program, const std::vector<std::string>& args,
                     const std::vector<std::string>& env)
      : pid_(detail::spawn(program, args, env, "/dev/null", out_, err_)) {}
  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;
  ~background_process() {
    if (pid_ > 0)
      stop();
  }

  // The first line the program writes on stdout, without its newline; empty
  // when stdout closes or `limit` passes first.
  std::string first_line(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t end;
    while ((end = result_.out.find('\n')) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return "";
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        continue;  // EINTR, or the deadline
      char buf[4096];
      ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0)
        return "";
      result_.out.append(buf, static_cast<std::size_t>(n));
    }
    return result_.out.substr(0, end);
  }

  // Sends SIGTERM and collects the program as run_process does: all it wrote
  // (stdout from its start) and its exit status; killed after `limit`.
  process_result stop(std::chrono::seconds limit = std::chrono::seconds(10)) {
    ::kill(pid_, SIGTERM);
    detail::collect(pid_, out_, err_, std::chrono::steady_clock::now() + limit, result_);
    pid_ = -1;
    return result_;
  }

 private:
  int out_ = -1, err_ = -1;
  pid_t pid_;
  process_result result_;
};

}  // namespace clerk_test

#endif
