// A synchronous clerk::transport over cpp-httplib (Debian: libcpp-httplib-dev,
// which ships it as a compiled library: build with pkg-config's cpp-httplib
// flags, since they change the library's types). The library ships adapters
// for libcurl and Asio; this example shows how to write your own for another
// HTTP stack: copy it and change what you need.
//
//   clerk::client client(*config, clerk_examples::httplib_transport{});
//
// cpp-httplib has no overall deadline: the request's timeout bounds the
// connection, each read and each write separately. Redirects are never
// followed (its default). The body is read up to the request's
// max_body_bytes plus one byte, then handed back for the parser to refuse.
#ifndef CLERK_EXAMPLES_HTTPLIB_TRANSPORT_HPP
#define CLERK_EXAMPLES_HTTPLIB_TRANSPORT_HPP

#include <clerk/http.hpp>
#include <clerk/transport.hpp>
#include <clerk/transport/url.hpp>

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>

namespace clerk_examples {

// The category of httplib::Error values, so a transport_error keeps them.
class httplib_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "cpp-httplib"; }
  std::string message(int code) const override {
    return httplib::to_string(static_cast<httplib::Error>(code));
  }
};

inline const std::error_category& httplib_category() noexcept {
  static const httplib_error_category c;
  return c;
}

// A client a request: nothing is shared, so one httplib_transport may be used
// from many threads at once.
class httplib_transport {
 public:
  // Empty: OpenSSL's default CA paths (Debian: /etc/ssl/certs).
  std::string ca_file{};

  clerk::transport_result operator()(const clerk::http_request& r) const {
    auto url = clerk::split_url(r.url);
    if (!url)
      return clerk::transport_error{std::make_error_code(std::errc::invalid_argument),
                                    "not an http:// or https:// URL", true};
    std::string origin = (url->https ? "https://" : "http://") + bracketed(url->host) + ':' +
                         std::to_string(url->port);
    httplib::Client client(origin);
    if (!client.is_valid())
      return clerk::transport_error{std::make_error_code(std::errc::protocol_not_supported),
                                    "cpp-httplib cannot make a client for " + origin, true};
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(r.timeout);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(r.timeout - seconds);
    client.set_connection_timeout(seconds.count(), micros.count());
    client.set_read_timeout(seconds.count(), micros.count());
    client.set_write_timeout(seconds.count(), micros.count());
    client.set_follow_location(r.follow_redirects);
    client.set_url_encode(false);  // the library has encoded the path already
    client.set_keep_alive(false);
    if (!ca_file.empty())
      client.set_ca_cert_path(ca_file);

    httplib::Request req;
    req.method = std::string(to_string(r.method));
    req.path = url->target;
    for (const auto& h : r.headers)
      req.headers.emplace(h.name, h.value);
    req.body = r.body;

    // The status and headers arrive first; the body comes in pieces, and
    // reading stops one byte past the limit.
    clerk::http_response out;
    bool too_large = false;
    req.response_handler = [&](const httplib::Response& head) {
      out.status = head.status;
      for (const auto& [name, value] : head.headers)
        out.headers.add(name, value);
      return true;
    };
    req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
      std::size_t room = r.max_body_bytes - out.body.size();  // size <= max until the cut
      if (n > room) {
        out.body.append(data, room + 1);
        too_large = true;
        return false;  // cpp-httplib stops with Error::Canceled
      }
      out.body.append(data, n);
      return true;
    };

    httplib::Result res = client.send(req);
    if (!res && !(too_large && res.error() == httplib::Error::Canceled)) {
      httplib::Error e = res.error();
      return clerk::transport_error{
          {static_cast<int>(e), httplib_category()}, httplib::to_string(e), not_sent(e)};
    }
    return out;
  }

 private:
  static std::string bracketed(const std::string& host) {
    return host.find(':') == std::string::npos ? host : '[' + host + ']';
  }

  // The errors cpp-httplib reports before it writes the request.
  static bool not_sent(httplib::Error e) {
    switch (e) {
      case httplib::Error::Connection:
      case httplib::Error::BindIPAddress:
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification:
      case httplib::Error::ConnectionTimeout:
        return true;
      default:
        return false;
    }
  }
};

static_assert(clerk::transport<httplib_transport>);

}  // namespace clerk_examples

#endif
