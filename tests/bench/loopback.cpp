// The loopback benchmark (tests/bench/loopback.sh; not a test): sequential
// creates against the fake Clerk served over HTTPS with keep-alive on
// 127.0.0.1, in this process's own server threads, from
//   - clerk::client over clerk::curl_transport (the shipped adapter);
//   - the floor: a bare libcurl loop on one reused handle, sending the same
//     bytes (the request clerk built, once) and keeping the body, parsing
//     nothing;
//   - @clerk/backend (Clerk's Node SDK, tests/bench/node), run as a child.
// It reports CPU time per call of the client alone (the calling thread's
// CPU clock for the two C++ clients, which do all their work on it; the
// Node process's own process.cpuUsage() for the SDK), calls per second of
// wall time, and how many connections the server saw. Each client makes
// one warm-up call first (not timed, but its connection counted).
//
// Usage: clerk_loopback_bench [--calls N] [--rounds R] [--node DIR]
// Without --node the SDK is not run. Prints a Markdown table.
#include <clerk/backend.hpp>
#include <clerk/transport/curl.hpp>

#include "certificate.hpp"
#include "fake_clerk_http.hpp"

#include <clerk/fakes/fake_clerk.hpp>

#include <curl/curl.h>
#include <httplib.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace {

constexpr const char* secret_key = "sk_test_loopback0bench0key0x";
constexpr const char* user_id = "user_bench";

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The fake Clerk over HTTPS, counting the connections it is asked on.
class server {
 public:
  explicit server(const clerk_test::test_certificate& cert) : http_(cert.https_server()) {
    clerk::fakes::fake_clerk fake({.secret_key = secret_key});
    fake.add_user(user_id);
    clerk_examples::serve_fake_clerk(*http_, fake);
    http_->set_keep_alive_max_count(1000000);
    http_->set_keep_alive_timeout(60);
    http_->set_tcp_nodelay(true);  // as Clerk's servers: no Nagle delay on the answer
    http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard l(m_);
      ports_.insert(req.remote_port);
      return httplib::Server::HandlerResponse::Unhandled;
    });
    port_ = http_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_->listen_after_bind(); });
  }
  ~server() {
    http_->stop();
    thread_.join();
  }
  bool ok() const { return port_ > 0; }
  std::string origin() const { return "https://127.0.0.1:" + std::to_string(port_); }
  // Connections seen since the last call.
  std::size_t take_connections() {
    std::lock_guard l(m_);
    auto n = ports_.size();
    ports_.clear();
    return n;
  }

 private:
  std::unique_ptr<httplib::Server> http_;
  int port_ = -1;
  std::thread thread_;
  std::mutex m_;
  std::set<int> ports_;
};

struct sample {
  double cpu = 0, wall = 0;  // seconds, over the timed calls
  std::size_t connections = 0;
};

struct row {
  std::string name;
  std::vector<sample> rounds;
};

// The shipped adapter: build, send, parse, on one client.
std::optional<sample> run_clerk(const clerk::config& cfg, const std::string& ca, int calls) {
  const clerk::client client(cfg, clerk::curl_transport(clerk::curl_options{.ca_file = ca}));
  const clerk::create_sign_in_token op{.user_id = user_id,
                                       .expires_in_seconds = std::chrono::hours(1)};
  if (!client.send(op))
    return std::nullopt;
  double c0 = thread_cpu_seconds(), w0 = wall_seconds();
  for (int i = 0; i < calls; ++i) {
    auto token = client.send(op);
    if (!token) {
      std::cerr << "clerk: " << token.error() << '\n';
      return std::nullopt;
    }
  }
  return sample{thread_cpu_seconds() - c0, wall_seconds() - w0, 0};
}

std::size_t keep_body(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// The floor: one handle, options set once, the same request bytes each time.
std::optional<sample> run_bare_curl(const clerk::config& cfg, const std::string& ca, int calls) {
  auto request = clerk::build_request(
      clerk::create_sign_in_token{.user_id = user_id, .expires_in_seconds = std::chrono::hours(1)},
      cfg);
  if (!request)
    return std::nullopt;
  CURL* c = curl_easy_init();
  curl_slist* headers = nullptr;
  for (const auto& h : request->headers)
    headers = curl_slist_append(headers, (h.name + ": " + h.value).c_str());
  headers = curl_slist_append(headers, "Expect:");
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, request->url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request->body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request->body.size()));
  curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &keep_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  auto once = [&] {
    body.clear();
    long status = 0;
    return curl_easy_perform(c) == CURLE_OK &&
           curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
  };
  std::optional<sample> out;
  if (once()) {
    double c0 = thread_cpu_seconds(), w0 = wall_seconds();
    bool ok = true;
    for (int i = 0; i < calls && ok; ++i)
      ok = once();
    if (ok)
      out = sample{thread_cpu_seconds() - c0, wall_seconds() - w0, 0};
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return out;
}

// @clerk/backend in a child node process; it reports its own figures.
std::optional<sample> run_node(const std::string& dir, const std::string& origin,
                               const std::string& ca, int calls) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0)
    return std::nullopt;
  std::string script = dir + "/create.mjs", count = std::to_string(calls);
  std::vector<std::string> args{"node", script, origin, secret_key, user_id, count};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env{"NODE_EXTRA_CA_CERTS=" + ca, "PATH=/usr/local/bin:/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "node", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; rc == 0 && (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;)
    out.append(buf, std::size_t(n));
  ::close(pipe_fds[0]);
  int status = 0;
  if (rc != 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    std::cerr << "node failed: " << out << '\n';
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  const auto& o = v.as_object();
  return sample{o.at("cpu_us").to_number<double>() * 1e-6,
                o.at("wall_ns").to_number<double>() * 1e-9, 0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int calls = 2000, rounds = 1;
  std::string node_dir;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--calls" && i + 1 < argc)
      calls = std::atoi(argv[++i]);
    else if (a == "--rounds" && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (a == "--node" && i + 1 < argc)
      node_dir = argv[++i];
    else {
      std::cerr << "usage: clerk_loopback_bench [--calls N] [--rounds R] [--node DIR]\n";
      return 2;
    }
  }
  clerk_test::test_certificate cert;
  if (!cert.valid()) {
    std::cerr << "cannot make a certificate\n";
    return 1;
  }
  server srv(cert);
  if (!srv.ok())
    return 1;
  auto cfg = clerk::config::make({.secret_key = secret_key, .base_url = srv.origin() + "/v1"});
  if (!cfg)
    return 1;

  std::vector<row> rows{{"clerk + `clerk::curl_transport`", {}},
                        {"bare libcurl, one reused handle (floor)", {}}};
  if (!node_dir.empty())
    rows.push_back({"`@clerk/backend` 3.25.0, Node", {}});
  // Rounds interleave the clients, so a busy machine weighs on all alike.
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < rows.size(); ++k) {
      srv.take_connections();
      std::optional<sample> s = k == 0   ? run_clerk(*cfg, cert.pem_path(), calls)
                                : k == 1 ? run_bare_curl(*cfg, cert.pem_path(), calls)
                                         : run_node(node_dir, srv.origin(), cert.pem_path(), calls);
      if (!s) {
        std::cerr << rows[k].name << ": failed\n";
        return 1;
      }
      s->connections = srv.take_connections();
      rows[k].rounds.push_back(*s);
    }
  }

  std::printf("%d sequential creates a client and round, %d round(s), medians:\n\n", calls, rounds);
  std::printf("| client | CPU µs/call | calls/s | connections |\n| --- | ---: | ---: | ---: |\n");
  std::vector<double> cpu_per_call;
  for (const auto& row : rows) {
    std::vector<double> cpu, rate;
    std::size_t connections = 0;
    for (const auto& s : row.rounds) {
      cpu.push_back(s.cpu / calls * 1e6);
      rate.push_back(calls / s.wall);
      connections = std::max(connections, s.connections);
    }
    cpu_per_call.push_back(median(cpu));
    std::printf("| %s | %.1f | %.0f | %zu |\n", row.name.c_str(), median(cpu), median(rate),
                connections);
  }
  std::printf("\nclerk / bare libcurl CPU: %.2fx", cpu_per_call[0] / cpu_per_call[1]);
  if (cpu_per_call.size() > 2)
    std::printf("; clerk / @clerk/backend CPU: %.2fx", cpu_per_call[0] / cpu_per_call[2]);
  std::printf("\n");
  return 0;
}
