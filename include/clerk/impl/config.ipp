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

// Accepts http(s)://host[:port][/path] and nothing that could smuggle a
// credential or change the target: no userinfo, query or fragment.
inline std::optional<invalid_request> check_base_url(std::string_view url) {
  auto bad = [](const char* why) { return invalid_request{"base_url", why}; };
  if (url.empty())
    return bad("must not be empty");
  if (has_control(url) || url.find(' ') != std::string_view::npos || !is_ascii(url))
    return bad("must be ASCII without spaces or control characters");
  std::string_view rest;
  if (istarts_with(url, "https://"))
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
  return std::nullopt;
}

}  // namespace detail

CLERK_BACKEND_DECL result<config> config::make(options o) {
  if (auto e = detail::check_secret_key(o.secret_key))
    return error(std::move(*e));
  if (auto e = detail::check_base_url(o.base_url))
    return error(std::move(*e));
  if (auto e = detail::check_header_value("api_version", o.api_version))
    return error(std::move(*e));
  if (auto e = detail::check_header_value("user_agent", o.user_agent))
    return error(std::move(*e));
  if (o.timeout <= std::chrono::milliseconds::zero())
    return error(invalid_request{"timeout", "must be positive"});
  if (o.limits.max_body_bytes == 0 || o.limits.max_depth == 0 || o.limits.max_string_bytes == 0)
    return error(invalid_request{"limits", "must all be positive"});
  while (o.base_url.back() == '/')
    o.base_url.pop_back();
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

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
