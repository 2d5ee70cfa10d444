// A server that dies after doing the work: it reads a request on a reused
// keep-alive connection, carries it out, stops listening and closes the
// connection without an answer. libcurl then sends the request again on a new
// connection, which is refused. The request was sent once: the transports must
// not call that "not sent" (review 3, finding 2), or a retry policy sends a
// create again; consume_ticket must recover the session instead of resending
// the ticket. The server can listen again on the same port, as an origin that
// restarts does: a test's waiter brings it back when a retry waits.
#include <clerk/backend.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/frontend/sign_in.hpp>
#include <clerk/transport/asio.hpp>
#include <clerk/transport/asio_sign_in.hpp>
#include <clerk/transport/curl.hpp>

#include "servers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// What the server does with a request it has read (and carried out).
enum class fate {
  answer,
  drop,  // closes the connection without an answer
  die,   // stops listening, then closes the connection without an answer
};

// A keep-alive HTTP/1.1 server on raw sockets, on 127.0.0.1. Each request it
// reads (numbered from 1 over all connections) is carried out: forwarded to
// an upstream port on a connection of its own (a proxy in front of
// fake_clerk_server), or answered by `respond`. Then `fate_of` says what
// becomes of the answer. A thread a connection; every wait is bounded.
class dying_server {
 public:
  using fate_rule = std::function<fate(int request, std::string_view line)>;
  using responder = std::function<std::string(int request)>;

  explicit dying_server(fate_rule f, int upstream_port = 0, responder respond = nullptr)
      : fate_(std::move(f)), upstream_(upstream_port), respond_(std::move(respond)) {
    listen_again();
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~dying_server() {
    stopping_ = true;
    acceptor_.join();
    for (auto& t : connections_)
      t.join();
    std::lock_guard l(m_);
    if (listener_ >= 0)
      ::close(listener_);
  }
  dying_server(const dying_server&) = delete;
  dying_server& operator=(const dying_server&) = delete;

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string base_url() const { return origin() + "/v1"; }

  // Listens (again) on its port, if it does not.
  void listen_again() {
    std::lock_guard l(m_);
    if (listener_ >= 0)
      return;
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener_ >= 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = loopback(port_);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    REQUIRE(::listen(listener_, 16) == 0);
    ++listens_;
  }
  // How many times it started listening: 1 until it died and came back.
  int listens() const {
    std::lock_guard l(m_);
    return listens_;
  }

  // How many requests it read (each one carried out) whose line starts with `prefix`.
  std::size_t done(std::string_view prefix) const {
    std::lock_guard l(m_);
    std::size_t n = 0;
    for (const auto& line : lines_)
      n += std::string_view(line).starts_with(prefix);
    return n;
  }

  static std::string http_answer(int status, std::string_view body) {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    return a;
  }

  bool readable(int fd) const {
    for (int waited = 0; waited < 15000 && !stopping_; waited += 50) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0)
        return true;
    }
    return false;
  }
  // One HTTP/1.1 message (head and Content-Length body) after what `buffer`
  // holds; what follows stays in `buffer`. Empty at the end of the stream.
  std::string read_message(int fd, std::string& buffer) const {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!receive(fd, buffer))
        return {};
    head_end += 4;
    std::string head = buffer.substr(0, head_end);
    for (auto& c : head)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t length = 0;
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

  // Carries the request out: upstream's answer, or `respond`'s, or a token.
  std::string carry_out(int n, const std::string& request) const {
    if (upstream_ == 0)
      return respond_ ? respond_(n) : http_answer(200, clerk_test::sample_token_body);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(upstream_);
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
    while (!stopping_) {
      int fd = -1;
      {
        // Polled without waiting, under the lock: a dying connection closes
        // the listener from its own thread.
        std::lock_guard l(m_);
        if (listener_ >= 0) {
          pollfd p{listener_, POLLIN, 0};
          if (::poll(&p, 1, 0) > 0)
            fd = ::accept(listener_, nullptr, nullptr);
        }
      }
      if (fd >= 0)
        connections_.emplace_back([this, fd] { serve(fd); });
      else
        std::this_thread::sleep_for(2ms);
    }
  }

  void serve(int fd) {
    std::string buffer;
    for (;;) {
      std::string request = read_message(fd, buffer);
      if (request.empty())
        break;
      std::string line = request.substr(0, request.find("\r\n"));
      int n;
      {
        std::lock_guard l(m_);
        lines_.push_back(line);
        n = static_cast<int>(lines_.size());
      }
      std::string reply = carry_out(n, request);  // done, whatever becomes of the answer
      const fate f = fate_(n, line);
      if (f == fate::die) {
        std::lock_guard l(m_);
        if (listener_ >= 0)
          ::close(listener_);  // first: a new connection is refused from now on
        listener_ = -1;
      }
      if (f != fate::answer) {
        ::shutdown(fd, SHUT_RDWR);
        break;
      }
      send_all(fd, reply);
    }
    ::close(fd);
  }

  fate_rule fate_;
  int upstream_;
  responder respond_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex m_;  // guards listener_, listens_ and lines_
  int listener_ = -1;
  int port_ = 0;  // 0 until the first listen picks one
  int listens_ = 0;
  std::vector<std::string> lines_;
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // touched by the acceptor only, then joined
};

// The port of a loopback_server's origin ("http://127.0.0.1:PORT").
int port_of(const std::string& origin) {
  return std::atoi(origin.c_str() + origin.rfind(':') + 1);
}

// A waiter that brings the server back (when it has one) as a retry waits, and
// never sleeps: its clock moves by what it is asked to wait. So a retry
// reaches the server only if the policy chose to retry.
struct reviving_waiter {
  dying_server* server = nullptr;
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>();
  std::shared_ptr<int> waits = std::make_shared<int>(0);

  bool wait(std::chrono::milliseconds d) const {
    ++*waits;
    if (server != nullptr)
      server->listen_again();
    *now += d;
    return true;
  }
  std::chrono::steady_clock::time_point steady_now() const { return *now; }
  std::chrono::system_clock::time_point system_now() const { return {}; }
  double jitter() const { return 0.5; }
};

constexpr const char* dying_key = "sk_test_integration0dying0server0";

clerk::config dying_config(const std::string& base_url) {
  auto c = clerk::config::make({.secret_key = dying_key, .base_url = base_url});
  REQUIRE(c.has_value());
  return *c;
}

// Dies on the second request, after answering the first on the same connection.
fate die_on_second(int request, std::string_view) {
  return request == 2 ? fate::die : fate::answer;
}

const clerk::create_sign_in_token create_op{.user_id = "user_1"};
const clerk::revoke_sign_in_token revoke_op{"sit_1"};

}  // namespace

TEST_CASE("curl: a create written before its server died is 'may have been done', never resent") {
  dying_server server(die_on_second);
  reviving_waiter waiter{&server};
  // The default policy: a create is retried only when it is known unsent.
  const clerk::client client(dying_config(server.base_url()), clerk::curl_transport{},
                             clerk::retry_policy{}, waiter);
  auto first = client.send(create_op);
  REQUIRE_MESSAGE(first.has_value(), first.error().message());

  auto second = client.send(create_op);  // reuses the connection; libcurl's resend is refused
  REQUIRE(second.has_error());
  INFO(second.error().message());
  const clerk::transport_error* t = second.error().as_transport();
  REQUIRE(t != nullptr);
  CHECK(t->code == std::error_code(CURLE_COULDNT_CONNECT, clerk::curl_category()));
  CHECK_FALSE(t->request_not_sent);
  CHECK(second.error().message().find("may have been done") != std::string::npos);
  CHECK(second.error().stop() == clerk::retry_stop::may_have_reached_clerk);
  CHECK(second.error().attempts() == 1);
  CHECK(*waiter.waits == 0);
  CHECK(server.done("POST /v1/sign_in_tokens") == 2);  // the caller knows of the first
}

TEST_CASE("Asio: a create written before its server died is not sent again") {
  dying_server server(die_on_second);
  boost::asio::io_context io;
  clerk::asio_client client(dying_config(server.base_url()),
                            clerk::asio_transport(io.get_executor(), nullptr),
                            clerk::retry_policy{});
  std::optional<clerk::result<clerk::sign_in_token>> first, second;
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto a = co_await client.send(create_op);
    first.emplace(std::move(a));
    auto b = co_await client.send(create_op);
    second.emplace(std::move(b));
  };
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.run();
  REQUIRE(first.has_value());
  REQUIRE_MESSAGE(first->has_value(), first->error().message());
  REQUIRE(second.has_value());
  REQUIRE(second->has_error());
  INFO(second->error().message());
  REQUIRE(second->error().as_transport() != nullptr);
  CHECK_FALSE(second->error().as_transport()->request_not_sent);
  CHECK(second->error().stop() == clerk::retry_stop::may_have_reached_clerk);
  CHECK(server.done("POST /v1/sign_in_tokens") == 2);
}

TEST_CASE(
    "a replayable request written before its server died and resent to none is not 'not sent'") {
  // Both adapters send a replayable request (a revoke) again on a new
  // connection; refused, it still went out once.
  SUBCASE("curl") {
    dying_server server(die_on_second);
    clerk::curl_transport curl;
    auto request = clerk::build_request(revoke_op, dying_config(server.base_url()));
    REQUIRE(request.has_value());
    REQUIRE(curl(*request).has_value());
    auto r = curl(*request);
    REQUIRE(r.has_error());
    INFO(r.error().message);
    CHECK_FALSE(r.error().request_not_sent);
    CHECK(server.done("POST /v1/sign_in_tokens/sit_1/revoke") == 2);
  }
  SUBCASE("Asio") {
    dying_server server(die_on_second);
    auto request = clerk::build_request(revoke_op, dying_config(server.base_url()));
    REQUIRE(request.has_value());
    boost::asio::io_context io;
    clerk::asio_transport transport(io.get_executor(), nullptr);
    std::optional<clerk::transport_result> first, second;
    auto run = [&]() -> boost::asio::awaitable<void> {
      auto a = co_await transport.async_send(*request);
      first.emplace(std::move(a));
      auto b = co_await transport.async_send(*request);
      second.emplace(std::move(b));
    };
    boost::asio::co_spawn(io, run, boost::asio::detached);
    io.run();
    REQUIRE(first.has_value());
    REQUIRE(first->has_value());
    REQUIRE(second.has_value());
    REQUIRE(second->has_error());
    INFO(second->error().message);
    CHECK_FALSE(second->error().request_not_sent);
    CHECK(server.done("POST /v1/sign_in_tokens/sit_1/revoke") == 2);
  }
}

TEST_CASE(
    "curl: a revoke done before its server died, retried once it is back, is maybe_done_earlier") {
  dying_server server(die_on_second, 0, [](int request) {
    return request == 3
               ? dying_server::http_answer(400, clerk_test::canned::cannot_be_revoked().body)
               : dying_server::http_answer(200, clerk_test::sample_token_body);
  });
  reviving_waiter waiter{&server};
  const clerk::client client(dying_config(server.base_url()), clerk::curl_transport{},
                             clerk::retry_policy{}, waiter);
  REQUIRE(client.send(revoke_op).has_value());
  auto r = client.send(revoke_op);
  REQUIRE(r.has_error());
  INFO(r.error().message());
  CHECK(r.error().http_status() == 400);
  CHECK(r.error().stop() == clerk::retry_stop::maybe_done_earlier);
  CHECK(r.error().attempts() == 2);
  CHECK(server.listens() == 2);
}

// ---- consume_ticket ------------------------------------------------------

namespace {

clerk::frontend::frontend_config frontend_at(const std::string& origin) {
  auto c = clerk::frontend::frontend_config::make({.frontend_api_url = origin});
  REQUIRE(c.has_value());
  return *c;
}

struct minted {
  std::string id;
  clerk::secret ticket;
};
minted mint(const clerk::fakes::fake_clerk& fake) {
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  auto t = clerk::client(*cfg, fake).send(create_op);
  REQUIRE(t.has_value());
  return {t->id, clerk::secret(std::string(t->token->reveal()))};
}

}  // namespace

TEST_CASE("curl: consume_ticket recovers the session of a sign-in whose server died after it") {
  clerk::fakes::fake_clerk fake;
  fake.add_user("user_1");
  clerk_test::fake_clerk_server upstream(fake);
  // A proxy in front of the fake: the first sign-in reaches Clerk, then the
  // proxy dies.
  auto sign_ins = std::make_shared<std::atomic<int>>(0);
  dying_server proxy(
      [sign_ins](int, std::string_view line) {
        return line.starts_with("POST /v1/client/sign_ins") && ++*sign_ins == 1 ? fate::die
                                                                                : fate::answer;
      },
      port_of(upstream.origin()));
  auto t = mint(fake);
  clerk::frontend::client_token token;

  SUBCASE("the proxy comes back: the session is read back and adopted") {
    reviving_waiter waiter{&proxy};
    auto s = clerk::frontend::consume_ticket(
        clerk::client(frontend_at(proxy.origin()), clerk::curl_transport{}, clerk::retry_policy{},
                      waiter),
        token, t.ticket);
    REQUIRE_MESSAGE(s.has_value(), s.error().message());
    CHECK(s->recovered);
    CHECK(s->user_id == "user_1");
    CHECK(s->status == clerk::frontend::session_status::active);
    CHECK(fake.find_session(s->session_id)->status == "active");
    CHECK(*waiter.waits >= 1);  // the read-back waited for the proxy
  }
  SUBCASE("the proxy stays down: the ticket may be spent, never 'not sent'") {
    reviving_waiter waiter;  // brings nothing back
    auto s = clerk::frontend::consume_ticket(
        clerk::client(frontend_at(proxy.origin()), clerk::curl_transport{}, clerk::retry_policy{},
                      waiter),
        token, t.ticket);
    REQUIRE(s.has_error());
    INFO(s.error().message());
    REQUIRE(s.error().as_transport() != nullptr);
    CHECK_FALSE(s.error().as_transport()->request_not_sent);
    CHECK(s.error().message().find("the ticket may be spent") != std::string::npos);
    CHECK(s.error().message().find("not sent") == std::string::npos);
  }
  CHECK(proxy.done("POST /v1/client/sign_ins") == 1);
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);
}

TEST_CASE("Asio: consume_ticket recovers a pending session whose sign-in answer was lost") {
  clerk::fakes::fake_clerk fake({.session_tasks = {"choose-organization"}});
  fake.add_user("user_1");
  clerk_test::fake_clerk_server upstream(fake);
  dying_server proxy(
      [](int, std::string_view line) {
        return line.starts_with("POST /v1/client/sign_ins") ? fate::drop : fate::answer;
      },
      port_of(upstream.origin()));
  auto t = mint(fake);
  clerk::frontend::client_token token;
  boost::asio::io_context io;
  clerk::asio_frontend_client fapi(frontend_at(proxy.origin()),
                                   clerk::asio_transport(io.get_executor(), nullptr),
                                   clerk::retry_policy{});
  std::optional<clerk::result<clerk::frontend::ticket_sign_in>> out;
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto r = co_await clerk::frontend::consume_ticket(fapi, token, t.ticket);
    out.emplace(std::move(r));
  };
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.run();
  REQUIRE(out.has_value());
  REQUIRE_MESSAGE(out->has_value(), out->error().message());
  CHECK((*out)->recovered);
  CHECK((*out)->status == clerk::frontend::session_status::pending);
  CHECK(fake.find_session((*out)->session_id)->status == "pending");
  CHECK(proxy.done("POST /v1/client/sign_ins") == 1);
}
