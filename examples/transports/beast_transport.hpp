// An asynchronous transport over Boost.Beast with C++20 coroutines (Debian:
// libboost1.81-dev; OpenSSL for https). The library stays synchronous and
// performs no I/O: an async program builds the request with
// clerk::build_request, sends it with co_await, and parses the answer with
// clerk::parse_response. async_send below does exactly that; copy this header
// and url_parts.hpp into your project.
//
//   asio::ssl::context tls = clerk_examples::make_tls_context();
//   clerk_examples::beast_transport t{&tls};
//   auto token = co_await clerk_examples::async_send(config, t, clerk::revoke_sign_in_token{id});
//
// The request's timeout bounds the whole exchange (resolve, connect, TLS
// handshake, write, read). Redirects are never followed.
#ifndef CLERK_EXAMPLES_BEAST_TRANSPORT_HPP
#define CLERK_EXAMPLES_BEAST_TRANSPORT_HPP

#include "url_parts.hpp"

#include <clerk/client.hpp>
#include <clerk/config.hpp>
#include <clerk/http.hpp>
#include <clerk/transport.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace clerk_examples {

namespace asio = boost::asio;
namespace beast = boost::beast;

// A client TLS context that verifies servers against the system's CA store.
inline asio::ssl::context make_tls_context() {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  return tls;
}

// Sends one request description and co_returns the response description or
// a transport_error. Never throws for a network failure. Without a TLS
// context, https:// URLs fail with a transport_error (request not sent).
class beast_transport {
 public:
  asio::ssl::context* tls = nullptr;
  // A larger response body fails the exchange instead of growing memory.
  std::size_t max_body_bytes = std::size_t{16} << 20;

  // `r` must stay alive until the returned awaitable completes.
  asio::awaitable<clerk::transport_result> operator()(const clerk::http_request& r) const {
    auto url = split_url(r.url);
    if (!url)
      co_return failed(std::make_error_code(std::errc::invalid_argument),
                       "not an http:// or https:// URL", true);
    if (url->https && tls == nullptr)
      co_return failed(std::make_error_code(std::errc::protocol_not_supported),
                       "https:// needs a TLS context", true);

    auto ex = co_await asio::this_coro::executor;
    const auto deadline = std::chrono::steady_clock::now() + r.timeout;
    boost::system::error_code ec;

    // The resolver has no timeout of its own: a timer cancels it. The timer's
    // handler shares ownership, since it may run after this frame is gone.
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(ex);
    asio::steady_timer timer(ex, deadline);
    timer.async_wait([resolver](boost::system::error_code e) {
      if (!e)
        resolver->cancel();
    });
    auto endpoints = co_await resolver->async_resolve(
        url->host, std::to_string(url->port), asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    if (ec == asio::error::operation_aborted)
      co_return failed(std::make_error_code(std::errc::timed_out), "resolve: timed out", true);
    if (ec)
      co_return failed(ec, "resolve: " + ec.message(), true);

    auto request = to_beast(r, *url);
    if (!url->https) {
      beast::tcp_stream stream(ex);
      stream.expires_at(deadline);  // for every operation from here on
      co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        co_return failed(ec, "connect: " + ec.message(), true);
      co_return co_await exchange(stream, request);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ex, *tls);
    beast::get_lowest_layer(stream).expires_at(deadline);
    // SNI, then a check that the certificate names the host we asked for.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str()))
      co_return failed(std::make_error_code(std::errc::invalid_argument),
                       "TLS: cannot set the server name", true);
    stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
    co_await beast::get_lowest_layer(stream).async_connect(
        endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return failed(ec, "connect: " + ec.message(), true);
    co_await stream.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return failed(ec, "TLS handshake: " + ec.message(), true);
    co_return co_await exchange(stream, request);
  }

 private:
  using beast_request = beast::http::request<beast::http::string_body>;

  static clerk::transport_error failed(std::error_code code, std::string message, bool not_sent) {
    return clerk::transport_error{code, std::move(message), not_sent};
  }

  static beast_request to_beast(const clerk::http_request& r, const url_parts& url) {
    beast_request req;
    req.method_string(to_string(r.method));
    req.target(url.target);
    req.version(11);
    bool default_port = url.port == (url.https ? 443 : 80);
    std::string host = url.host.find(':') == std::string::npos ? url.host : '[' + url.host + ']';
    req.set(beast::http::field::host, default_port ? host : host + ':' + std::to_string(url.port));
    for (const auto& h : r.headers)
      req.insert(h.name, h.value);
    req.body() = r.body;
    req.prepare_payload();  // Content-Length, 0 for a bodiless POST
    return req;
  }

  template <class Stream>
  asio::awaitable<clerk::transport_result> exchange(Stream& stream,
                                                    const beast_request& request) const {
    boost::system::error_code ec;
    co_await beast::http::async_write(stream, request,
                                      asio::redirect_error(asio::use_awaitable, ec));
    // Some bytes may have gone out: from here on a failure is "maybe sent".
    if (ec)
      co_return failed(ec, "write: " + ec.message(), false);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(max_body_bytes);
    co_await beast::http::async_read(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return failed(ec, "read: " + ec.message(), false);
    auto& res = parser.get();
    clerk::http_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
      out.headers.add(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    co_return out;
  }
};

// What clerk::client::send does, with co_await between the pure builder and
// the pure parser. Everything is taken by value, so nothing can dangle while
// the coroutine is suspended.
template <clerk::operation Op>
asio::awaitable<clerk::result<typename Op::response_type>> async_send(clerk::config cfg,
                                                                      beast_transport t, Op op) {
  auto request = build_request(op, cfg);  // found by ADL, as client::send does
  if (!request)
    co_return std::move(request).error();
  clerk::transport_result response = co_await t(*request);
  if (!response)
    co_return clerk::error(std::move(response).error());
  co_return parse_response(op, *response, cfg.limits());
}

}  // namespace clerk_examples

#endif
