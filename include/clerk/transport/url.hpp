// Splits the absolute URL of a clerk::http_request into what socket-level
// HTTP clients want: scheme, host, port and request target. For transport
// writers (the Asio adapter and the cpp-httplib example use it); no I/O.
#ifndef CLERK_TRANSPORT_URL_HPP
#define CLERK_TRANSPORT_URL_HPP

#include <clerk/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

struct url_parts {
  bool https = false;
  std::string host{};  // without the brackets of an IPv6 literal
  std::uint16_t port = 0;
  std::string target{};  // path and query, as given (already percent-encoded)

  // "host", "host:port" or "[v6]:port": the Host header's value.
  std::string host_header() const {
    std::string h = host.find(':') == std::string::npos ? host : '[' + host + ']';
    if (port != (https ? 443 : 80))
      h += ':' + std::to_string(port);
    return h;
  }
};

// The parts of an http:// or https:// URL, or nullopt when it is neither or
// its port is not a number in 1..65535. No decoding happens: the library has
// already encoded the path, and re-encoding it would change the request.
inline std::optional<url_parts> split_url(std::string_view url) {
  url_parts p;
  if (url.starts_with("https://")) {
    p.https = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  auto slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? "/" : url.substr(slash);
  p.target = std::string(target.substr(0, target.find('#')));
  if (p.target.empty() || p.target.front() != '/')
    p.target.insert(0, 1, '/');

  std::string_view port;
  if (authority.starts_with('[')) {  // [::1]:8080
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    p.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
      return std::nullopt;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    auto colon = authority.rfind(':');
    p.host = std::string(authority.substr(0, colon));
    port = colon == std::string_view::npos ? std::string_view() : authority.substr(colon + 1);
  }
  if (p.host.empty())
    return std::nullopt;
  if (port.empty()) {
    p.port = p.https ? 443 : 80;
    return p;
  }
  unsigned n = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || port.size() > 5)
      return std::nullopt;
    n = n * 10 + unsigned(c - '0');
  }
  if (n == 0 || n > 65535)
    return std::nullopt;
  p.port = static_cast<std::uint16_t>(n);
  return p;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
