// Definitions for <clerk/config.hpp>.
#ifndef CLERK_IMPL_CONFIG_IPP
#define CLERK_IMPL_CONFIG_IPP

#include <clerk/config.hpp>
#include <clerk/detail/text.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {

inline std::optional<invalid_request> check_header_value(std::string_view field,
                                                         std::string_view v) {
  if (v.empty())
    return invalid_request{std::string(field), "must not be empty"};
  if (has_control(v))
    return invalid_request{std::string(field),
                           "must not contain CR, LF or other control characters"};
  if (!is_ascii(v))
    return invalid_request{std::string(field), "must be ASCII"};
  if (v.front() == ' ' || v.back() == ' ')
    return invalid_request{std::string(field), "must not start or end with a space"};
  return std::nullopt;
}

inline std::optional<invalid_request> check_secret_key(std::string_view key) {
  if (key.empty())
    return invalid_request{"secret_key", "must not be empty"};
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return invalid_request{
          "secret_key", "must be printable ASCII without spaces, CR, LF or control characters"};
  }
  return std::nullopt;
}

// Every limit must be positive: 0 would refuse every answer. The reason names
// the limit.
inline std::optional<invalid_request> check_limits(const response_limits& l) {
  const char* zero = l.max_body_bytes == 0       ? "max_body_bytes"
                     : l.max_depth == 0          ? "max_depth"
                     : l.max_string_bytes == 0   ? "max_string_bytes"
                     : l.max_array_elements == 0 ? "max_array_elements"
                                                 : nullptr;
  if (zero == nullptr)
    return std::nullopt;
  return invalid_request{"limits", std::string(zero) + " must be positive"};
}

// True for a host that names this machine: localhost, 127.0.0.0/8, [::1].
constexpr bool is_loopback_host(std::string_view host) noexcept {
  if (iequals(host, "localhost") || host == "[::1]")
    return true;
  if (!host.starts_with("127."))
    return false;
  for (char c : host)
    if (!is_digit(c) && c != '.')
      return false;
  return true;
}

// Accepts http(s)://host[:port][/path] and nothing that could smuggle a
// credential or change the target: no userinfo, query or fragment; a port
// of digits in 1..65535; brackets only around an IPv6 address. Plain http://
// only to a loopback host, unless allow_insecure_http says otherwise: the
// secret key would cross the network in cleartext.
inline std::optional<invalid_request> check_base_url(std::string_view url,
                                                     bool allow_insecure_http) {
  auto bad = [](const char* why) { return invalid_request{"base_url", why}; };
  if (url.empty())
    return bad("must not be empty");
  if (has_control(url) || url.find(' ') != std::string_view::npos || !is_ascii(url))
    return bad("must be ASCII without spaces or control characters");
  std::string_view rest;
  bool https = istarts_with(url, "https://");
  if (https)
    rest = url.substr(8);
  else if (istarts_with(url, "http://"))
    rest = url.substr(7);
  else
    return bad("must start with http:// or https://");
  if (url.find_first_of("?#") != std::string_view::npos)
    return bad("must not contain a query or a fragment");
  auto authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos)
    return bad("must not contain userinfo (user:password@)");
  if (authority.empty() || authority.front() == ':')
    return bad("must name a host");
  if (authority.find('\\') != std::string_view::npos)
    return bad("must not contain a backslash");
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return bad("must close the bracket of an IPv6 address");
    host = authority.substr(0, close + 1);
    auto inside = host.substr(1, host.size() - 2);
    if (inside.empty() ||
        inside.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return bad("must hold an IPv6 address between brackets");
    auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      return bad("must have nothing but a port after an IPv6 address");
    has_port = !after.empty();
    port = has_port ? after.substr(1) : after;
  } else {
    if (authority.find_first_of("[]") != std::string_view::npos)
      return bad("must use brackets only around an IPv6 address");
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    port = has_port ? authority.substr(colon + 1) : std::string_view();
  }
  if (has_port) {
    unsigned long n = 0;
    bool digits = !port.empty() && port.size() <= 5;
    for (char c : port) {
      digits = digits && is_digit(c);
      n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!digits || n < 1 || n > 65535)
      return bad("must have a port from 1 to 65535");
  }
  if (!https && !allow_insecure_http && !is_loopback_host(host))
    return bad(
        "must start with https:// unless the host is loopback (set allow_insecure_http to send "
        "the secret key in cleartext)");
  return std::nullopt;
}

}  // namespace detail

CLERK_BACKEND_DECL result<config> config::make(options o) {
  if (auto e = detail::check_secret_key(o.secret_key))
    return error(std::move(*e));
  if (auto e = detail::check_base_url(o.base_url, o.allow_insecure_http))
    return error(std::move(*e));
  if (auto e = detail::check_header_value("api_version", o.api_version))
    return error(std::move(*e));
  if (auto e = detail::check_header_value("user_agent", o.user_agent))
    return error(std::move(*e));
  if (!o.application.empty())
    if (auto e = detail::check_header_value("application", o.application))
      return error(std::move(*e));
  if (o.timeout <= std::chrono::milliseconds::zero())
    return error(invalid_request{"timeout", "must be positive"});
  if (auto e = detail::check_limits(o.limits))
    return error(std::move(*e));
  while (o.base_url.back() == '/')
    o.base_url.pop_back();
  for (std::size_t i = 0; o.base_url[i] != ':'; ++i)  // the scheme, in lower case
    o.base_url[i] = detail::to_lower(o.base_url[i]);
  if (!o.application.empty())
    o.user_agent += ' ' + o.application;
  config c;
  c.authorization_ = secret("Bearer " + o.secret_key);
  c.secret_key_ = secret(std::move(o.secret_key));
  c.base_url_ = std::move(o.base_url);
  c.api_version_ = std::move(o.api_version);
  c.user_agent_ = std::move(o.user_agent);
  c.timeout_ = o.timeout;
  c.limits_ = o.limits;
  return c;
}

CLERK_BACKEND_DECL void prepare_request(const config& c, http_request& r) {
  r.timeout = c.timeout_;
  r.max_body_bytes = c.limits_.max_body_bytes;
  r.headers.reserve(6);
  r.headers.add("Authorization", std::string(c.authorization_.reveal()));
  r.headers.add("Clerk-API-Version", c.api_version_);
  r.headers.add("User-Agent", c.user_agent_);
  r.headers.add("X-Clerk-SDK", "cpp/" CLERK_BACKEND_VERSION_STRING);
  r.headers.add("Accept", "application/json");
}

CLERK_BACKEND_DECL std::ostream& operator<<(std::ostream& os, const config& c) {
  return os << "clerk::config{base_url=" << http::redact(c.base_url_)
            << ", api_version=" << http::redact(c.api_version_)
            << ", user_agent=" << http::redact(c.user_agent_) << ", timeout=" << c.timeout_.count()
            << "ms, secret_key=" << http::redact_credential(c.secret_key_.reveal()) << '}';
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
