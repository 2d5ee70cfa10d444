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
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
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

// A loopback port nothing listens on: bound, then closed, so connecting is
// refused.
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace clerk_test

#endif
