// Recognising a JSON body by its Content-Type (RFC 9110 media types).
#ifndef CLERK_MEDIA_TYPE_HPP
#define CLERK_MEDIA_TYPE_HPP

#include <clerk/detail/text.hpp>
#include <clerk/version.hpp>

#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace http {

// True for application/json and any */*+json type, whatever the case and the
// parameters ("Application/JSON; charset=utf-8", "application/problem+json").
// False for anything else, including an empty or malformed value.
constexpr bool is_json_media_type(std::string_view content_type) noexcept {
  auto essence = detail::trim_ows(content_type.substr(0, content_type.find(';')));
  auto slash = essence.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == essence.size())
    return false;
  auto type = essence.substr(0, slash);
  auto subtype = essence.substr(slash + 1);
  for (char c : essence)
    if (c == ' ' || c == '\t' || detail::is_control(c))
      return false;
  if (subtype.find('/') != std::string_view::npos)
    return false;
  if (detail::iequals(subtype, "json"))
    return detail::iequals(type, "application");
  return subtype.size() > 5 && detail::iequals(subtype.substr(subtype.size() - 5), "+json");
}

}  // namespace http
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
