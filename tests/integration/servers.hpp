// Loopback HTTP servers for the integration and conformance tests: the fake
// Clerk over real HTTP, and a misbehaving server. Each listens on
// 127.0.0.1, port 0, in a thread of the test, and stops when it goes out of
// scope; every wait in them is bounded.
#ifndef CLERK_TESTS_INTEGRATION_SERVERS_HPP
#define CLERK_TESTS_INTEGRATION_SERVERS_HPP

#include "fake_clerk_http.hpp"

#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/http.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace clerk_test {

// Runs a cpp-httplib server on 127.0.0.1 and a free port until destroyed.
// Pass an httplib::SSLServer to serve https.
class loopback_server {
 public:
  explicit loopback_server(const std::function<void(httplib::Server&)>& setup,
                           std::unique_ptr<httplib::Server> server = nullptr)
      : server_(server ? std::move(server) : std::make_unique<httplib::Server>()),
        https_(dynamic_cast<httplib::SSLServer*>(server_.get()) != nullptr) {
    REQUIRE(server_->is_valid());
    setup(*server_);
    // Keep-alive as long as the client wants: tests count connections.
    server_->set_keep_alive_max_count(1000000);
    server_->set_tcp_nodelay(true);
    port_ = server_->bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    // The socket already listens: connections made before the thread
    // reaches accept() wait in the backlog.
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }
  ~loopback_server() {
    server_->stop();
    thread_.join();
  }
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  int port() const { return port_; }
  std::string origin() const {
    return (https_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  bool https_;
  int port_ = -1;
  std::thread thread_;
};

// The fake Clerk over HTTP; base_url() is what a config points at.
class fake_clerk_server {
 public:
  explicit fake_clerk_server(clerk::fakes::fake_clerk fake,
                             std::unique_ptr<httplib::Server> server = nullptr)
      : fake_(fake),
        server_([&](httplib::Server& s) { clerk_examples::serve_fake_clerk(s, fake); },
                std::move(server)) {}
  std::string base_url() const { return server_.origin() + "/v1"; }
  std::string origin() const { return server_.origin(); }
  const clerk::fakes::fake_clerk& fake() const { return fake_; }

 private:
  clerk::fakes::fake_clerk fake_;
  loopback_server server_;
};

// What a misbehaving server saw of one request.
struct seen_request {
  std::string method, target, body;
  clerk::header_list headers;
  int remote_port = 0;  // one a connection
};

// One scripted answer of the misbehaving server's /script behaviour.
struct canned {
  int status = 200;
  std::string body{};
  std::string retry_after{};

  static canned token();
  static canned error_status(int s) { return {s, "", ""}; }
  static canned rate_limited(std::string retry_after);
  static canned cannot_be_revoked();
};

inline constexpr const char* html_500 =
    "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>"
    "<body><h1>Internal Server Error</h1></body></html>";

inline constexpr const char* rate_limited_body =
    R"({"errors":[{"message":"Too many requests","long_message":"Too many requests, please retry later","code":"too_many_requests","meta":{}}],"clerk_trace_id":"trace_429_limit"})";

inline constexpr const char* sample_token_body =
    R"({"object":"sign_in_token","id":"sit_echo","status":"pending","user_id":"user_echo","created_at":1719952616214,"updated_at":1719952616214})";

// A server that answers as a broken or hostile Clerk would. The first path
// segment picks the behaviour, so a base URL such as
// origin() + "/html500/v1" makes every request meet it:
//   /html500    500 with an HTML page
//   /ratelimit  429, Retry-After: 7 and a ClerkErrors body
//   /malformed  200, application/json, a body cut in the middle
//   /hang       no answer until the server stops (a client must time out)
//   /redirect   302 to /echo on the same server
//   /big        200, application/json, a 1 MiB body
//   /script     the next of the answers given to script(), then as /echo
//   /echo       200 with a sign-in token, recording the request
// Every request is recorded, with the client's port: connections() counts
// the connections the server saw.
class misbehaving_server {
 public:
  misbehaving_server()
      : server_([this](httplib::Server& s) {
          auto handler = [this](const httplib::Request& req, httplib::Response& res) {
            answer(req, res);
          };
          const std::string any = R"([\s\S]*)";
          s.Get(any, handler);
          s.Post(any, handler);
        }) {}

  ~misbehaving_server() {
    {
      std::lock_guard l(m_);
      stopping_ = true;
    }
    cv_.notify_all();
  }

  std::string base_url(std::string_view behaviour) const {
    return server_.origin() + '/' + std::string(behaviour) + "/v1";
  }

  std::vector<seen_request> seen() const {
    std::lock_guard l(m_);
    return seen_;
  }

  // The answers /script gives, in order.
  void script(std::vector<canned> answers) {
    std::lock_guard l(m_);
    script_.assign(answers.begin(), answers.end());
  }

  std::size_t connections() const {
    std::lock_guard l(m_);
    std::set<int> ports;
    for (const auto& s : seen_)
      ports.insert(s.remote_port);
    return ports.size();
  }

 private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    seen_request s{req.method, req.target, req.body, {}, req.remote_port};
    for (const auto& [name, value] : req.headers)
      s.headers.add(name, value);
    {
      std::lock_guard l(m_);
      seen_.push_back(s);
    }
    std::optional<canned> next;
    {
      std::lock_guard l(m_);
      if (std::string_view(req.path).starts_with("/script/") && !script_.empty()) {
        next = script_.front();
        script_.pop_front();
      }
    }
    if (next) {
      res.status = next->status;
      if (!next->retry_after.empty())
        res.set_header("Retry-After", next->retry_after);
      if (!next->body.empty())
        res.set_content(next->body, "application/json");
      return;
    }
    std::string_view path = req.path;
    auto starts = [&](std::string_view p) { return path.starts_with(p); };
    if (starts("/html500/")) {
      res.status = 500;
      res.set_content(html_500, "text/html");
    } else if (starts("/ratelimit/")) {
      res.status = 429;
      res.set_header("Retry-After", "7");
      res.set_content(rate_limited_body, "application/json");
    } else if (starts("/malformed/")) {
      res.status = 200;
      res.set_content(R"({"object":"sign_in_token","id":"sit_)", "application/json");
    } else if (starts("/hang/")) {
      // Bounded, so a client that never times out cannot hang the test.
      std::unique_lock l(m_);
      cv_.wait_for(l, std::chrono::seconds(15), [&] { return stopping_; });
      res.status = 503;
    } else if (starts("/big/")) {
      res.status = 200;
      std::string body = R"({"object":"sign_in_token","pad":")";
      body.append(std::size_t{1} << 20, 'x');
      body += "\"}";
      res.set_content(body, "application/json");
    } else if (starts("/redirect/")) {
      res.status = 302;
      res.set_header("Location", server_origin() + "/echo/v1/sign_in_tokens");
    } else {
      res.status = 200;
      res.set_content(sample_token_body, "application/json");
    }
  }

  std::string server_origin() const { return server_.origin(); }

  mutable std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<seen_request> seen_;
  std::deque<canned> script_;
  loopback_server server_;  // last: stops (joining its threads) before the rest goes
};

inline canned canned::token() {
  return {200, sample_token_body, ""};
}
inline canned canned::rate_limited(std::string retry_after) {
  return {429, rate_limited_body, std::move(retry_after)};
}
inline canned canned::cannot_be_revoked() {
  return {
      400,
      R"({"errors":[{"message":"cannot be revoked","long_message":"This sign in token cannot be revoked","code":"sign_in_token_cannot_be_revoked_code","meta":{}}],"clerk_trace_id":"trace_400_revoke"})",
      ""};
}

// 127.0.0.1:port as a socket address.
inline sockaddr_in loopback_address(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  return a;
}

// A TCP socket bound to 127.0.0.1 and a port the kernel picked, which
// `port` receives.
inline int bound_loopback_socket(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a = loopback_address(0);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  port = ntohs(a.sin_port);
  return fd;
}

// A keep-alive HTTP/1.1 server on raw sockets that loses answers after doing
// the work: an origin whose answer a load balancer or a crash lost. Each
// request it reads is done: answered with a sign-in token (200), or, with an
// upstream port, forwarded there on a connection of its own (a proxy in front
// of fake_clerk_server). But when drop(connection, request, its request
// line) says so, it closes the connection once it has read (and forwarded)
// the request, without answering. Connections and requests count from 1.
// With close_after_answer, every connection closes after its first answer
// (a server's idle timeout, at once).
class lossy_server {
 public:
  using drop_rule = std::function<bool(int connection, int request, std::string_view line)>;

  explicit lossy_server(drop_rule drop, int upstream_port = 0, bool close_after_answer = false)
      : drop_(std::move(drop)), upstream_(upstream_port), close_after_answer_(close_after_answer) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener_ >= 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = loopback_address(0);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    REQUIRE(::listen(listener_, 16) == 0);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~lossy_server() {
    stopping_ = true;
    acceptor_.join();
    for (auto& t : connections_)
      t.join();
    ::close(listener_);
  }
  lossy_server(const lossy_server&) = delete;
  lossy_server& operator=(const lossy_server&) = delete;

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string base_url() const { return origin() + "/v1"; }

  // Every request read, "connection.request METHOD TARGET", in order.
  std::vector<std::string> log() const {
    std::lock_guard l(m_);
    return log_;
  }
  // Waits (bounded) until the server has closed `n` connections.
  void wait_closed(int n) const {
    std::unique_lock l(m_);
    cv_.wait_for(l, std::chrono::seconds(15), [&] { return closed_ >= n; });
  }

  // How many requests read (each one done) whose line starts with `prefix`.
  std::size_t done(std::string_view prefix) const {
    std::size_t n = 0;
    for (const auto& entry : log())
      if (std::string_view(entry).substr(entry.find(' ') + 1).starts_with(prefix))
        ++n;
    return n;
  }

 private:
  // Waits (bounded, and never past the server's end) until `fd` can be read.
  bool readable(int fd) const {
    for (int waited = 0; waited < 15000 && !stopping_; waited += 50) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0)
        return true;
    }
    return false;
  }

  // One HTTP/1.1 message (head and Content-Length body) from `fd`, after what
  // `buffer` holds; what follows it stays in `buffer`. Empty at the end.
  std::string read_message(int fd, std::string& buffer) const {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!receive(fd, buffer))
        return {};
    head_end += 4;
    std::size_t length = 0;
    std::string head = buffer.substr(0, head_end);
    for (auto& c : head)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto at = head.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
    while (buffer.size() < head_end + length)
      if (!receive(fd, buffer))
        return {};
    std::string message = buffer.substr(0, head_end + length);
    buffer.erase(0, head_end + length);
    return message;
  }
  bool receive(int fd, std::string& buffer) const {
    char chunk[16384];
    if (!readable(fd))
      return false;
    auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0)
      return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  static void send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0)
        return;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // The answer to `request`: upstream's, or a sign-in token.
  std::string answer(const std::string& request) const {
    if (upstream_ == 0)
      return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(std::string_view(sample_token_body).size()) + "\r\n\r\n" +
             sample_token_body;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback_address(upstream_);
    std::string out, buffer;
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      send_all(fd, request);
      out = read_message(fd, buffer);
    }
    if (fd >= 0)
      ::close(fd);
    return out.empty() ? "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n" : out;
  }

  void accept_loop() {
    int number = 0;
    while (!stopping_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0)
        continue;
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd >= 0)
        connections_.emplace_back([this, fd, n = ++number] { serve(fd, n); });
    }
  }

  void serve(int fd, int connection) {
    std::string buffer;
    for (int i = 1;; ++i) {
      std::string request = read_message(fd, buffer);
      if (request.empty())
        break;
      std::string line = request.substr(0, request.find("\r\n"));
      {
        std::lock_guard l(m_);
        log_.push_back(std::to_string(connection) + '.' + std::to_string(i) + ' ' + line);
      }
      std::string reply = answer(request);  // done, whether answered or not
      if (drop_(connection, i, line)) {
        ::shutdown(fd, SHUT_RDWR);
        break;
      }
      send_all(fd, reply);
      if (close_after_answer_)
        break;
    }
    ::close(fd);
    {
      std::lock_guard l(m_);
      ++closed_;
    }
    cv_.notify_all();
  }

  drop_rule drop_;
  int upstream_;
  bool close_after_answer_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::vector<std::string> log_;
  int closed_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // touched by the acceptor only, then joined
};

// Answers its first request with a status line and then header lines, 1 KiB
// each, without end: until the client closes the connection or 256 MiB went
// out. sent() tells how far it got.
class header_flood_server {
 public:
  header_flood_server() {
    listener_ = bound_loopback_socket(port_);
    REQUIRE(::listen(listener_, 4) == 0);
    thread_ = std::thread([this] { run(); });
  }
  ~header_flood_server() {
    stopping_ = true;
    if (thread_.joinable())
      thread_.join();
    ::close(listener_);
  }
  header_flood_server(const header_flood_server&) = delete;
  header_flood_server& operator=(const header_flood_server&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  // Bytes of headers sent before the client closed (or the cap): waits for
  // the server to end. Call it once the client's call has returned.
  std::size_t sent() {
    if (thread_.joinable())
      thread_.join();
    return sent_;
  }

  static constexpr std::size_t cap = std::size_t{256} << 20;

 private:
  void run() {
    int fd = -1;
    for (int waited = 0; fd < 0 && waited < 15000 && !stopping_; waited += 50) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0)
        fd = ::accept(listener_, nullptr, nullptr);
    }
    if (fd < 0)
      return;
    timeval t{0, 100000};  // sends wake up to see stopping_
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
    char request[65536];
    (void)::recv(fd, request, sizeof request, 0);  // small enough to come in one piece
    std::string start = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    const std::string line = "X-Pad: " + std::string(1014, 'a') + "\r\n";
    while (sent_ < cap && !stopping_) {
      auto n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        continue;
      if (n <= 0)
        break;  // the client closed it
      sent_ += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::size_t sent_ = 0;
  std::thread thread_;
};

// A listening socket on 127.0.0.1 whose accept queue is full and which never
// accepts: a new connection's SYN is dropped, so connecting hangs (until the
// client gives up), as towards a blackholed address. The constructor returns
// only once the kernel reports the queue full.
class blackhole_listener {
 public:
  blackhole_listener() {
    listener_ = bound_loopback_socket(port_);
    REQUIRE(::listen(listener_, 0) == 0);
    sockaddr_in a = loopback_address(port_);
    // Connections fill the queue one by one, each waited for until it is
    // queued: a filler still in its handshake could leave the test's own
    // connection the free place.
    for (int i = 0; i < 8 && !queue_full(); ++i) {
      const unsigned before = queued();
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      REQUIRE(fd >= 0);
      (void)::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers_.push_back(fd);
      for (int waited = 0; queued() == before && waited < 5000; ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE(queue_full());
  }
  ~blackhole_listener() {
    for (int fd : fillers_)
      ::close(fd);
    ::close(listener_);
  }
  blackhole_listener(const blackhole_listener&) = delete;
  blackhole_listener& operator=(const blackhole_listener&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  // Linux's TCP_INFO of a listening socket: tcpi_unacked is the number of
  // connections in its accept queue, tcpi_sacked the queue's limit, which
  // the kernel lets it pass by one.
  tcp_info info() const {
    tcp_info i{};
    socklen_t n = sizeof i;
    REQUIRE(::getsockopt(listener_, IPPROTO_TCP, TCP_INFO, &i, &n) == 0);
    return i;
  }
  unsigned queued() const { return info().tcpi_unacked; }
  bool queue_full() const {
    const tcp_info i = info();
    return i.tcpi_unacked > i.tcpi_sacked;
  }

  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

// A loopback port that refuses connections for as long as this lives: a
// socket bound to it that never listens (the kernel answers a connection to
// it with a reset), and holds it, so no other server can take it meanwhile.
class closed_port {
 public:
  closed_port() { fd_ = bound_loopback_socket(port_); }
  ~closed_port() { ::close(fd_); }
  closed_port(const closed_port&) = delete;
  closed_port& operator=(const closed_port&) = delete;

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace clerk_test

#endif
