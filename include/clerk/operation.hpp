// Operations as declarations: one generic build_request and one generic
// parse_response serve every operation that describes itself.
//
// How to declare an operation (here in the user's own namespace):
//
//   struct get_user {
//     std::string user_id;
//     using response_type = user;  // a declared model, or any kind: std::vector<user>
//     static constexpr auto describe() {
//       using namespace clerk::decl;
//       return endpoint(clerk::http_method::get,
//                       path("/users/", param("user_id", &get_user::user_id)),
//                       idempotent);  // safe to send again
//     }
//   };
//
// endpoint(method, path, parts...) takes, in any order, at most one body,
// json_body(fields...), json_array_body(field) (the body is that one array
// member's value, a bare JSON array) or form_body(fields...) (never on GET or
// DELETE), one
// query(fields...), `idempotent` (the request may be sent again: retried
// after a 429 or 5xx, replayed by a transport), and already_done("code"): the
// Clerk error code that, met on a retry, means an earlier attempt did it.
// Fields are clerk::decl::field(wire name, member, options...) as in models:
// std::optional members are left out when unset (sent as null with
// present_or_null); strings must be non-empty (unless may_be_empty), valid
// UTF-8 and free of control characters (a JSON body's may hold newlines and
// tabs with free_text); at_least(n) and at_most(n) bound numbers and durations,
// and an array's length; named("x")
// names the field in errors; a declared model member is written as a JSON
// object and its fields are checked as "member.field". A query or form field
// is a scalar or an array of scalars, sent as a repeated name
// ("?user_id=a&user_id=b"). A path parameter is encoded as exactly one
// segment, and "." or ".." is refused. Mistakes (an option that does not fit
// its member, two fields of one name, a body on a GET) do not compile.
//
// The service: build_request(op, cfg) works with any configuration type that
// has base_url() and limits() and a prepare_request(cfg, request) found by
// argument-dependent lookup, which adds what every request to that service
// carries (timeout, body limit, credential and version headers, a fixed query
// such as "?_is_native=1"); it returns void, or an optional<invalid_request>
// that refuses the request. clerk::config is the Backend API's.
#ifndef CLERK_OPERATION_HPP
#define CLERK_OPERATION_HPP

#include <clerk/config.hpp>
#include <clerk/detail/operation_info.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace decl {

// A path parameter: the member's value, percent-encoded as one segment.
template <class T>
constexpr detail::param_decl<T, std::string> param(std::string_view name, std::string T::*member) {
  return {name, member};
}
// The path after the service's base URL: literal pieces and param()s.
template <class... P>
constexpr auto path(P... parts) {
  return detail::path_decl<decltype(detail::path_part(parts))...>{{{detail::path_part(parts)}...}};
}
template <class... F>
constexpr detail::body_decl<F...> json_body(F... fields) {
  return {detail::body_encoding::json, {{fields}...}};
}
// A body that is a bare JSON array: the value of one array member, its name
// used only in errors ("invitations[0].email_address"). For Clerk's bulk
// endpoints, whose body is a list of what the single endpoint takes.
template <class F>
constexpr detail::body_decl<F> json_array_body(F field) {
  return {detail::body_encoding::json_array, {{field}}};
}
template <class... F>
constexpr detail::body_decl<F...> form_body(F... fields) {
  return {detail::body_encoding::form, {{fields}...}};
}
template <class... F>
constexpr detail::query_decl<F...> query(F... fields) {
  return {{{fields}...}};
}
// Request headers from fields: headers(field("Origin", &op::origin)). Values
// must be visible ASCII; an unset optional sends no header.
template <class... F>
constexpr detail::headers_decl<F...> headers(F... fields) {
  return {{{fields}...}};
}
// The request may be sent again: the same state however many times it lands.
inline constexpr detail::idempotent_t idempotent{};
// The Clerk error code a retry meets when an earlier attempt did the work
// (a revoke: "the token is no longer pending"): client::send then reports
// retry_stop::maybe_done_earlier.
constexpr detail::already_done_t already_done(std::string_view code) {
  return {code};
}

template <class Path, class... Parts>
constexpr auto endpoint(http_method method, Path path, Parts... parts) {
  using namespace detail;
  static_assert(
      ((is_body<Parts>::value || is_query<Parts>::value || is_headers<Parts>::value ||
        std::is_same_v<Parts, idempotent_t> || std::is_same_v<Parts, already_done_t>)&&...),
      "clerk::decl::endpoint: after the path, only json_body(), json_array_body(), "
      "form_body(), query(), "
      "headers(), idempotent and already_done()");
  static_assert((0 + ... + int(is_headers<Parts>::value)) <= 1,
                "clerk::decl::endpoint: at most one headers()");
  static_assert((0 + ... + int(is_body<Parts>::value)) <= 1,
                "clerk::decl::endpoint: at most one body");
  static_assert((0 + ... + int(is_query<Parts>::value)) <= 1,
                "clerk::decl::endpoint: at most one query");
  static_assert((0 + ... + int(std::is_same_v<Parts, already_done_t>)) <= 1,
                "clerk::decl::endpoint: at most one already_done()");
  auto body = pick_one<is_body>(body_decl<>{body_encoding::none, {}}, parts...);
  auto q = pick_one<is_query>(query_decl<>{}, parts...);
  auto h = pick_one<is_headers>(headers_decl<>{}, parts...);
  return operation_decl<Path, decltype(body), decltype(q), decltype(h)>{
      method,
      path,
      body,
      q,
      h,
      (false || ... || std::is_same_v<Parts, idempotent_t>),
      pick_one<is_already_done>(already_done_t{}, parts...).code};
}

}  // namespace decl

// The answer of an operation that answers no body to read (204, 202): any
// 2xx, its body ignored.
struct no_content {
  friend bool operator==(const no_content&, const no_content&) = default;
};

// An operation whose response_type is clerk::http_response gets the answer as
// it came, unparsed, when its status is 2xx or 3xx (a redirect's Location is
// in its headers; nothing follows it): for HTML pages and redirect endpoints.

// An operation that describes itself with clerk::decl::endpoint().
template <class Op>
concept declared_operation = requires {
  typename Op::response_type;
  Op::describe();
}
&&detail::is_operation_decl<decltype(Op::describe())>::value;

// A configuration build_request can use: see the top of this header.
template <class C>
concept service_config = requires(const C& c, http_request& r) {
  { c.base_url() } -> std::convertible_to<std::string_view>;
  { c.limits() } -> std::convertible_to<const response_limits&>;
  prepare_request(c, r);
};

// The request for `op`, or an invalid_request error naming the field at
// fault; nothing is built from a bad field.
template <declared_operation Op, service_config Config>
result<http_request> build_request(const Op& op, const Config& cfg) {
  return detail::build_request(detail::operation_info_of<Op>, &op, cfg.base_url(), &cfg,
                               &detail::prepare_for<Config>);
}

// The operation's answer (its response model, array...), or an api_error (the service said no) or
// unexpected_response (anything else) error. Every limit comes from `lim`. A
// 2xx that fails validation keeps in unexpected_response::partial whatever
// identified the resource (id, and token or url as secrets).
template <declared_operation Op>
result<typename Op::response_type> parse_response(const Op&, const http_response& r,
                                                  const response_limits& lim) {
  using M = typename Op::response_type;
  if constexpr (std::is_same_v<M, no_content>) {
    if (r.status < 200 || r.status > 299)
      if (auto e = detail::check_response(r, lim))
        return std::move(*e);
    return no_content{};
  } else if constexpr (std::is_same_v<M, http_response>) {
    if (r.status < 200 || r.status > 399 || r.body.size() > lim.max_body_bytes)
      if (auto e = detail::check_response(r, lim))
        return std::move(*e);
    return r;
  } else {
    M m{};
    if (auto e = detail::parse_into(detail::root_info<M>, &m, r, lim))
      return std::move(*e);
    return m;
  }
}

// The same, with the limits of the configuration the request was built with.
template <declared_operation Op, class Config>
requires requires(const Config& c) {
  { c.limits() } -> std::convertible_to<const response_limits&>;
}
result<typename Op::response_type> parse_response(const Op& op, const http_response& r,
                                                  const Config& cfg) {
  return parse_response(op, r, static_cast<const response_limits&>(cfg.limits()));
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/operation.ipp>
#endif

#endif
