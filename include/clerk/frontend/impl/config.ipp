// Definitions for <clerk/frontend/config.hpp>.
#ifndef CLERK_FRONTEND_IMPL_CONFIG_IPP
#define CLERK_FRONTEND_IMPL_CONFIG_IPP

#include <clerk/frontend/config.hpp>
#include <clerk/impl/config.ipp>

#include <chrono>
#include <string>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace frontend {

CLERK_BACKEND_DECL result<frontend_config> frontend_config::make(frontend_options o) {
  if (auto e = clerk::detail::check_base_url(o.frontend_api_url, o.allow_insecure_http)) {
    e->field = "frontend_api_url";
    return error(std::move(*e));
  }
  if (auto e = clerk::detail::check_header_value("api_version", o.api_version))
    return error(std::move(*e));
  if (auto e = clerk::detail::check_header_value("user_agent", o.user_agent))
    return error(std::move(*e));
  if (o.timeout <= std::chrono::milliseconds::zero())
    return error(invalid_request{"timeout", "must be positive"});
  if (auto e = clerk::detail::check_limits(o.limits))
    return error(std::move(*e));
  while (o.frontend_api_url.back() == '/')
    o.frontend_api_url.pop_back();
  for (std::size_t i = 0; o.frontend_api_url[i] != ':'; ++i)  // the scheme, in lower case
    o.frontend_api_url[i] = clerk::detail::to_lower(o.frontend_api_url[i]);
  frontend_config c;
  c.base_url_ = std::move(o.frontend_api_url);
  c.api_version_ = std::move(o.api_version);
  c.user_agent_ = std::move(o.user_agent);
  c.timeout_ = o.timeout;
  c.limits_ = o.limits;
  return c;
}

}  // namespace frontend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
