// The steps every response parser shares: size, status and media-type
// checks, and ClerkErrors bodies.
#ifndef CLERK_DETAIL_RESPONSE_HPP
#define CLERK_DETAIL_RESPONSE_HPP

#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/media_type.hpp>
#include <clerk/result.hpp>
#include <clerk/retry_after.hpp>
#include <clerk/version.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

namespace json = boost::json;

// At most this many ClerkError entries are kept: an error body is small, and a
// hostile one must not turn a bounded body into an unbounded vector.
inline constexpr std::size_t max_clerk_errors = 64;

inline std::string in_quotes(std::string_view name) {
  std::string s = "\"";
  s.append(name);
  s += '"';
  return s;
}

inline unexpected_response make_unexpected(const http_response& r, std::string problem) {
  unexpected_response u;
  u.status = r.status;
  u.content_type = std::string(r.headers.find("content-type").value_or(""));
  u.body_excerpt = r.body.substr(0, body_excerpt_limit);
  u.body_size = r.body.size();
  u.problem = std::move(problem);
  u.clerk_trace_id = std::string(r.headers.find("clerk-trace-id").value_or(""));
  if (auto ra = r.headers.find("retry-after"))
    u.retry_after = http::parse_retry_after(*ra);
  return u;
}

inline std::string truncated(const json::string& s, const response_limits& lim) {
  return std::string(s.data(), s.size() < lim.max_string_bytes ? s.size() : lim.max_string_bytes);
}

// An api_error when `body` is a ClerkErrors object, else nullopt.
inline std::optional<api_error> read_clerk_errors(const http_response& r, const json::value& body,
                                                  const response_limits& lim) {
  const json::object* o = body.if_object();
  if (o == nullptr)
    return std::nullopt;
  const json::value* errors = o->if_contains("errors");
  if (errors == nullptr || !errors->is_array())
    return std::nullopt;
  api_error a;
  a.status = r.status;
  for (const json::value& item : errors->get_array()) {
    const json::object* e = item.if_object();
    if (e == nullptr)
      continue;
    if (a.errors.size() == max_clerk_errors)
      break;
    clerk_error ce;
    auto copy = [&](std::string_view key, std::string& to) {
      if (const json::value* v = e->if_contains(key); v && v->is_string())
        to = truncated(v->get_string(), lim);
    };
    copy("code", ce.code);
    copy("message", ce.message);
    copy("long_message", ce.long_message);
    if (const json::value* m = e->if_contains("meta"); m && m->is_object())
      ce.meta = json::object(m->get_object(), json::storage_ptr());
    a.errors.push_back(std::move(ce));
  }
  if (const json::value* m = o->if_contains("meta"); m && m->is_object())
    a.meta = json::object(m->get_object(), json::storage_ptr());
  if (const json::value* t = o->if_contains("clerk_trace_id"); t && t->is_string())
    a.clerk_trace_id = truncated(t->get_string(), lim);
  else
    a.clerk_trace_id = std::string(r.headers.find("clerk-trace-id").value_or(""));
  if (auto ra = r.headers.find("retry-after"))
    a.retry_after = http::parse_retry_after(*ra);
  return a;
}

inline json::parse_options parse_options_for(const response_limits& lim) {
  json::parse_options opts;
  opts.max_depth = lim.max_depth;
  return opts;
}

// Everything a parser checks before it reads a 2xx body: the size limit, the
// status (an error status becomes an api_error when its body is ClerkErrors,
// else an unexpected_response), a body, and a JSON content type. Returns the
// error, or nullopt when `r` is a 2xx JSON response worth reading.
inline std::optional<error> check_response(const http_response& r, const response_limits& lim) {
  if (r.body.size() > lim.max_body_bytes)
    return error(make_unexpected(r, "body of " + std::to_string(r.body.size()) +
                                        " bytes exceeds the limit of " +
                                        std::to_string(lim.max_body_bytes) + " bytes"));
  const auto content_type = r.headers.find("content-type");
  const bool is_json = content_type && http::is_json_media_type(*content_type);

  if (r.status < 200 || r.status > 299) {
    if (is_json && !r.body.empty()) {
      // Error bodies are small and rare: a DOM in a stack arena is simplest.
      unsigned char buffer[4096];
      json::monotonic_resource arena(buffer, sizeof buffer);
      boost::system::error_code ec;
      json::value doc = json::parse(r.body, ec, &arena, parse_options_for(lim));
      if (!ec)
        if (auto a = read_clerk_errors(r, doc, lim))
          return error(std::move(*a));
    }
    std::string problem;
    if (r.status >= 300 && r.status <= 399)
      problem = "a redirect, not followed: the request carries the secret key";
    else if (r.status < 100 || r.status > 599)
      problem = "not an HTTP status";
    else
      problem = "error status without a ClerkErrors body";
    return error(make_unexpected(r, std::move(problem)));
  }

  if (r.body.empty())
    return error(make_unexpected(r, "body is empty"));
  if (!content_type)
    return error(make_unexpected(r, "no Content-Type; expected JSON"));
  if (!is_json)
    return error(make_unexpected(r, "Content-Type is not JSON"));
  return std::nullopt;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
