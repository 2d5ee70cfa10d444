// The Asio adapter: an asynchronous transport over Boost.Asio/Beast with
// C++20 coroutines, and a client that builds, sends (with co_await), parses
// and retries (Debian: libboost1.81-dev, libssl-dev; CMake: link clerk::asio).
// Not part of <clerk/backend.hpp>: the core performs no I/O.
//
//   boost::asio::ssl::context tls = clerk::make_tls_context();
//   clerk::asio_client client(*config, clerk::asio_transport(executor, &tls), *policy);
//   auto token = co_await client.send(clerk::create_sign_in_token{.user_id = id});
//
// The Frontend API: clerk::asio_frontend_client over a frontend_config,
// co_await fapi.send(op, token); consume_ticket as a coroutine is in
// <clerk/transport/asio_sign_in.hpp>.
//
// What it does:
// - reuses connections: the transport keeps idle keep-alive connections by
//   origin. One found closed by its server before use is dropped; one that
//   dies after the request went out and before any byte of the answer came
//   back is replaced once, and the request sent again on a fresh one, only
//   when it was not written whole or is replayable (http_request::
//   replayable). Otherwise the server may have done it: the call fails with
//   a transport_error that says it may have been sent, as it does when a
//   request written whole is sent again and the new connection fails;
// - the request's timeout bounds the whole exchange (resolve, connect, TLS
//   handshake, write, read);
// - cancellation: the awaiting coroutine's cancellation slot (terminal or
//   total: co_spawn with bind_cancellation_slot, or awaitable operators)
//   cancels the exchange or the retry wait; the call returns the last error,
//   with stop() == retry_stop::cancelled;
// - never follows a redirect; verifies TLS peers and host names on every
//   connection, whatever the ssl::context's verify mode: a caller's context
//   (e.g. one that loads a private CA) can add trust, never turn checks off;
// - reads at most the request's max_body_bytes + 1 bytes of a body and hands
//   that back, so the parser refuses it as an unexpected_response.
//
// A transport and a client belong to one executor: use them from one thread
// or strand. Both must outlive every send that uses them.
//
// Exceptions: Asio's coroutines (awaitable, co_spawn) need them; this header
// does not build with -fno-exceptions. It throws nothing of its own: network
// failures are transport_errors, and cancellation does not throw.
#ifndef CLERK_TRANSPORT_ASIO_HPP
#define CLERK_TRANSPORT_ASIO_HPP

#include <clerk/client.hpp>
#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/frontend/config.hpp>
#include <clerk/http.hpp>
#include <clerk/result.hpp>
#include <clerk/retry.hpp>
#include <clerk/transport.hpp>
#include <clerk/transport/sleep.hpp>
#include <clerk/transport/url.hpp>
#include <clerk/version.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// A client TLS context that verifies servers against the system's CA store.
inline boost::asio::ssl::context make_tls_context() {
  boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
  boost::system::error_code ec;
  tls.set_default_verify_paths(ec);  // without them, every handshake fails: safe
  tls.set_verify_mode(boost::asio::ssl::verify_peer, ec);
  return tls;
}

struct asio_options {
  // Connecting (TCP and TLS) gives up after this, or the request's timeout
  // if that is shorter.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::size_t max_idle_connections = 4;  // kept open for reuse, all origins together
};

class asio_transport {
 public:
  // `tls` is for https:// URLs and must outlive the transport; without one,
  // an https:// request fails with a transport_error (request not sent).
  asio_transport(boost::asio::any_io_executor ex, boost::asio::ssl::context* tls,
                 asio_options o = {})
      : ex_(std::move(ex)), tls_(tls), options_(o) {}

  // co_await t.async_send(r): the response, whatever its status, or a
  // transport_error when none was had. `r` must outlive the co_await.
  boost::asio::awaitable<transport_result> async_send(const http_request& r) {
    namespace asio = boost::asio;
    co_await asio::this_coro::throw_if_cancelled(false);
    if (r.timeout.count() <= 0)
      co_return failed(std::make_error_code(std::errc::timed_out), "no time left for the request",
                       true);
    auto url = split_url(r.url);
    if (!url)
      co_return failed(std::make_error_code(std::errc::invalid_argument),
                       "not an http:// or https:// URL", true);
    if (url->https && tls_ == nullptr)
      co_return failed(std::make_error_code(std::errc::protocol_not_supported),
                       "https:// needs a TLS context", true);
    const auto deadline = std::chrono::steady_clock::now() + r.timeout;
    const std::string key = (url->https ? "https://" : "http://") + url->host_header();
    const auto request = to_beast(r, *url);

    // An idle connection first; if it died under the request (nothing of an
    // answer came back), once more on a fresh one, when that cannot make the
    // server do it twice.
    std::unique_ptr<connection> c = take_idle(key);
    const bool reused = c != nullptr;
    bool written = false;  // whole, on the connection that died: the server may have done it
    for (int round = 0; round < 2; ++round) {
      if (!c) {
        auto opened = co_await open(*url, key, deadline);
        if (!opened) {
          transport_error e = std::move(opened).error();
          if (written) {  // a replayable request, sent again to a server gone
            e.request_not_sent = false;
            e.message =
                "the request went out on a connection that died before its answer, so it "
                "may have been done; sending it again failed: " +
                e.message;
          }
          co_return e;
        }
        c = std::move(*opened);
      }
      c->lowest().expires_at(deadline);
      exchange_outcome out = co_await exchange(*c, request, r.max_body_bytes);
      if (out.result) {
        if (out.keep_alive && idle_.size() < options_.max_idle_connections) {
          c->lowest().expires_never();
          idle_.push_back(std::move(c));
        }
        co_return std::move(out.result);
      }
      if (!(reused && round == 0 && out.stale && (!out.written || r.replayable)))
        co_return std::move(out.result);
      written = out.written;
      c.reset();
    }
    co_return failed(std::make_error_code(std::errc::io_error), "unreachable", false);
  }

  // New connections opened so far (the rest of the requests reused one).
  std::uint64_t connections_opened() const noexcept { return connections_; }

  const boost::asio::any_io_executor& get_executor() const noexcept { return ex_; }

 private:
  using tcp_stream = boost::beast::tcp_stream;
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using beast_request = boost::beast::http::request<boost::beast::http::string_body>;

  struct connection {
    std::string key;
    std::optional<tcp_stream> plain;
    std::optional<tls_stream> secure;
    boost::beast::flat_buffer buffer;
    tcp_stream& lowest() { return secure ? boost::beast::get_lowest_layer(*secure) : *plain; }
  };

  struct exchange_outcome {
    transport_result result;
    bool keep_alive = false;
    bool stale = false;    // failed before any byte of the answer: the server had closed it
    bool written = false;  // the request went out whole: the server may have done it
  };

  static transport_error failed(std::error_code code, std::string message, bool not_sent) {
    return transport_error{code, std::move(message), not_sent};
  }
  static transport_error failed_at(boost::system::error_code ec, const char* step, bool not_sent) {
    return transport_error{ec, std::string(step) + ": " + ec.message(), not_sent};
  }

  // An idle connection to `key` that its server has not closed, or nullptr.
  std::unique_ptr<connection> take_idle(const std::string& key) {
    for (auto it = idle_.begin(); it != idle_.end();) {
      if ((*it)->key != key) {
        ++it;
        continue;
      }
      auto c = std::move(*it);
      it = idle_.erase(it);
      if (quiet(*c))
        return c;
    }
    return nullptr;
  }

  // Whether an idle connection has nothing to read: an end of stream, a
  // reset, a TLS alert or stray bytes all mean it cannot carry a request.
  // Checked before reuse, so that the common case (the server closed it
  // while it was idle) costs no request that may not be sent again.
  static bool quiet(connection& c) {
    auto& socket = c.lowest().socket();
    boost::system::error_code ec;
    const bool was_non_blocking = socket.non_blocking();
    socket.non_blocking(true, ec);
    if (ec)
      return false;
    char byte;
    socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
    boost::system::error_code ignored;
    socket.non_blocking(was_non_blocking, ignored);
    return ec == boost::asio::error::would_block;
  }

  static beast_request to_beast(const http_request& r, const url_parts& url) {
    beast_request req;
    req.method_string(to_string(r.method));
    req.target(url.target);
    req.version(11);
    req.set(boost::beast::http::field::host, url.host_header());
    for (const auto& h : r.headers)
      req.insert(h.name, h.value);
    req.body() = r.body;
    req.prepare_payload();  // Content-Length, 0 for a bodiless POST
    return req;
  }

  // Resolve, connect and (for https) the TLS handshake, all before the
  // request: any failure here means it was not sent.
  boost::asio::awaitable<basic_result<std::unique_ptr<connection>, transport_error>> open(
      const url_parts& url, const std::string& key,
      std::chrono::steady_clock::time_point deadline) {
    namespace asio = boost::asio;
    co_await asio::this_coro::throw_if_cancelled(false);
    boost::system::error_code ec;
    // The resolver has no timeout of its own: a timer cancels it. The
    // timer's handler shares ownership, as it may run after this frame ends.
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(ex_);
    asio::steady_timer timer(ex_, deadline);
    timer.async_wait([resolver](boost::system::error_code e) {
      if (!e)
        resolver->cancel();
    });
    auto endpoints = co_await resolver->async_resolve(
        url.host, std::to_string(url.port), asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    if (ec == asio::error::operation_aborted && std::chrono::steady_clock::now() >= deadline)
      co_return failed(std::make_error_code(std::errc::timed_out), "resolve: timed out", true);
    if (ec)
      co_return failed_at(ec, "resolve", true);

    auto c = std::make_unique<connection>();
    c->key = key;
    if (url.https)
      c->secure.emplace(ex_, *tls_);
    else
      c->plain.emplace(ex_);
    // The connect and the TLS handshake end by the request's deadline too.
    const auto now = std::chrono::steady_clock::now();
    c->lowest().expires_at(
        options_.connect_timeout < deadline - now ? now + options_.connect_timeout : deadline);
    co_await c->lowest().async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return failed_at(ec, "connect", true);
    ++connections_;
    if (url.https) {
      // SNI for host names (not for IP literals, which it may not carry),
      // then a check that the certificate names the host we asked for.
      boost::system::error_code not_ip;
      asio::ip::make_address(url.host, not_ip);
      if (not_ip && !SSL_set_tlsext_host_name(c->secure->native_handle(), url.host.c_str()))
        co_return failed(std::make_error_code(std::errc::invalid_argument),
                         "TLS: cannot set the server name", true);
      // Peers are verified whatever the context says (OpenSSL's default is
      // to accept any certificate): a context only adds trust.
      c->secure->set_verify_mode(asio::ssl::verify_peer, ec);
      if (ec)
        co_return failed_at(ec, "TLS: cannot require peer verification", true);
      c->secure->set_verify_callback(asio::ssl::host_name_verification(url.host));
      co_await c->secure->async_handshake(asio::ssl::stream_base::client,
                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        co_return failed_at(ec, "TLS handshake", true);
    }
    co_return std::move(c);
  }

  boost::asio::awaitable<exchange_outcome> exchange(connection& c, const beast_request& request,
                                                    std::size_t max_body_bytes) {
    if (c.secure)
      co_return co_await exchange_on(*c.secure, c.buffer, request, max_body_bytes);
    co_return co_await exchange_on(*c.plain, c.buffer, request, max_body_bytes);
  }

  template <class Stream>
  static boost::asio::awaitable<exchange_outcome> exchange_on(Stream& stream,
                                                              boost::beast::flat_buffer& buffer,
                                                              const beast_request& request,
                                                              std::size_t max_body_bytes) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    co_await asio::this_coro::throw_if_cancelled(false);
    boost::system::error_code ec;
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    // Some bytes may have gone out: from here on a failure is "maybe sent".
    // A request not written whole cannot have been done: the server lacks
    // its end.
    if (ec)
      co_return exchange_outcome{failed_at(ec, "write", false), false, is_stale(ec), false};
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // capped below instead
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return exchange_outcome{failed_at(ec, "read", false), false, is_stale(ec), true};
    // The body in pieces, stopping one byte past the limit.
    bool cut = false;
    while (!parser.is_done()) {
      co_await http::async_read_some(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        co_return exchange_outcome{failed_at(ec, "read", false), false, false, true};
      if (parser.get().body().size() > max_body_bytes) {
        cut = true;
        break;
      }
    }
    auto& res = parser.get();
    http_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
      out.headers.add(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    if (cut)
      out.body.resize(max_body_bytes + 1);
    co_return exchange_outcome{std::move(out), !cut && parser.keep_alive(), false, true};
  }

  // The ways a reused connection that the server had closed fails.
  static bool is_stale(boost::system::error_code ec) {
    namespace asio = boost::asio;
    return ec == boost::beast::http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::ssl::error::stream_truncated;
  }

  boost::asio::any_io_executor ex_;
  boost::asio::ssl::context* tls_;
  asio_options options_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::uint64_t connections_ = 0;
};

// Build, co_await the transport, parse, and retry by the policy, waiting on
// a timer: clerk::client for coroutines, over any service config. asio_client
// serves the Backend API (clerk::config), asio_frontend_client the Frontend
// API (frontend_config: send(op, token)).
template <class Config>
class basic_asio_client {
 public:
  basic_asio_client(Config cfg, asio_transport t, retry_policy policy = retry_policy::none())
      : config_(std::move(cfg)), transport_(std::move(t)), policy_(std::move(policy)) {}

  // What client::send returns, as an awaitable; the operation is taken by
  // value so nothing dangles while the coroutine waits. A cancelled call
  // returns its last error (a transport_error with operation_aborted, when
  // it was cancelled during an exchange) with stop() == retry_stop::cancelled.
  template <operation<Config> Op>
  boost::asio::awaitable<result<typename Op::response_type>> send(Op op) {
    co_return co_await send_to(op, config_);
  }

  // The same on behalf of the caller's state, as client::send(op, token):
  // the Frontend API's client token, read when the request is built and
  // updated from the answer. It must outlive the call.
  template <operation<typename detail::binding<Config>::service> Op>
  boost::asio::awaitable<result<typename Op::response_type>> send(
      Op op, typename detail::binding<Config>::state& state) {
    const auto service = config_.bind(state);
    auto answer = co_await send_to(op, service);
    if constexpr (requires { state.update(answer->client_token); })
      if (answer)
        state.update(answer->client_token);
    co_return answer;
  }

  const Config& config() const noexcept { return config_; }
  asio_transport& transport() noexcept { return transport_; }
  const retry_policy& policy() const noexcept { return policy_; }

 private:
  // `op` and `service` live in the awaiting send's frame.
  template <class Op, class Service>
  boost::asio::awaitable<result<typename Op::response_type>> send_to(const Op& op,
                                                                     const Service& service) {
    namespace asio = boost::asio;
    co_await asio::this_coro::throw_if_cancelled(false);
    auto request = build_request(op, service);
    if (!request)
      co_return std::move(request).error();
    request->max_body_bytes = service.limits().max_body_bytes;
    retry_state state(policy_, detail::idempotent_of<Op>(), detail::already_done_code<Op>());
    const auto configured_timeout = request->timeout;
    const auto start = clocks_.steady_now();
    auto elapsed = [&] {
      // Rounded up: never more time left than there is.
      return std::chrono::ceil<std::chrono::milliseconds>(clocks_.steady_now() - start);
    };
    // The copies of secrets this call made are wiped however it ends.
    struct wipe_on_exit {
      http_request& r;
      ~wipe_on_exit() { detail::wipe_secrets(r); }
    } wipe{*request};
    for (;;) {
      request->timeout = state.attempt_timeout(configured_timeout, elapsed());
      transport_result response = co_await transport_.async_send(*request);
      result<typename Op::response_type> outcome =
          response ? parse_response(op, *response, service)
                   : result<typename Op::response_type>(clerk::error(std::move(response).error()));
      if (response)
        detail::wipe_secrets(*response);
      if (outcome)
        co_return outcome;
      clerk::error e = std::move(outcome).error();
      if (co_await cancelled()) {
        state.on_cancelled(e, true);
        co_return e;
      }
      auto step = state.on_failure(
          e, {elapsed(), std::chrono::floor<std::chrono::seconds>(clocks_.system_now()),
              clocks_.jitter()});
      if (!step.retry)
        co_return e;
      asio::steady_timer timer(transport_.get_executor(), step.delay);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec || co_await cancelled()) {
        state.on_cancelled(e);
        co_return e;
      }
    }
  }

  static boost::asio::awaitable<bool> cancelled() {
    auto cs = co_await boost::asio::this_coro::cancellation_state;
    co_return cs.cancelled() != boost::asio::cancellation_type::none;
  }

  Config config_;
  asio_transport transport_;
  retry_policy policy_;
  system_clocks clocks_{};
};

using asio_client = basic_asio_client<clerk::config>;
using asio_frontend_client = basic_asio_client<frontend::frontend_config>;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
