// Recognising a JSON body by its Content-Type (RFC 9110 media types).
#ifndef CLERK_MEDIA_TYPE_HPP
#define CLERK_MEDIA_TYPE_HPP

#include <clerk/detail/text.hpp>
#include <clerk/version.hpp>

#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {
// RFC 9110 tchar: the characters of a token, such as a media type's type and subtype.
constexpr bool is_token_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s)
    if (!is_token_char(c))
      return false;
  return true;
}
}  // namespace detail

namespace http {

// True for application/json and any */*+json type, whatever the case and the
// parameters ("Application/JSON; charset=utf-8", "application/problem+json").
// False for anything else, including an empty or malformed value: type and
// subtype must be RFC 9110 tokens.
constexpr bool is_json_media_type(std::string_view content_type) noexcept {
  // What Clerk sends, compared whole before the general path's scans.
  constexpr std::string_view usual = "application/json";
  if (content_type.starts_with(usual) &&
      (content_type.size() == usual.size() || content_type[usual.size()] == ';'))
    return true;
  auto essence = detail::trim_ows(content_type.substr(0, content_type.find(';')));
  auto slash = essence.find('/');
  if (slash == std::string_view::npos)
    return false;
  auto type = essence.substr(0, slash);
  auto subtype = essence.substr(slash + 1);
  if (detail::iequals(subtype, "json"))  // both then tokens: no need to scan them
    return detail::iequals(type, "application");
  return subtype.size() > 5 && detail::iequals(subtype.substr(subtype.size() - 5), "+json") &&
         detail::is_token(type) && detail::is_token(subtype);
}

}  // namespace http
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
