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
#include <functional>
#include <memory>
#include <mutex>
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
  const clerk::fakes::fake_clerk& fake() const { return fake_; }

 private:
  clerk::fakes::fake_clerk fake_;
  loopback_server server_;
};

// What a misbehaving server saw of one request.
struct seen_request {
  std::string method, target, body;
  clerk::header_list headers;
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
//   /echo       200 with a sign-in token, recording the request
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

 private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    seen_request s{req.method, req.target, req.body, {}};
    for (const auto& [name, value] : req.headers)
      s.headers.add(name, value);
    {
      std::lock_guard l(m_);
      seen_.push_back(s);
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
  loopback_server server_;  // last: stops (joining its threads) before the rest goes
};

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
