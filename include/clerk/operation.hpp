// Operations as declarations: one generic build_request and one generic
// parse_response serve every operation that describes itself.
//
// How to declare an operation (here in the user's own namespace):
//
//   struct get_user {
//     std::string user_id;
//     using response_type = user;                  // a declared model
//     static constexpr bool idempotent = true;     // safe to retry blindly
//     static constexpr auto describe() {
//       return clerk::endpoint(clerk::http_method::get,
//                               clerk::path("/users/", clerk::param("user_id",
//                               &get_user::user_id)));
//     }
//   };
//
// endpoint(method, path, parts...) takes, in any order, at most one body,
// json_body(fields...) or form_body(fields...), and one query(fields...).
// Fields are clerk::field(wire name, member, options...) as in models:
// std::optional members are left out when unset; strings must be non-empty
// (unless clerk::allow_empty), valid UTF-8 and free of control characters;
// clerk::at_least(n) bounds integers and durations; clerk::named("x") names
// the field in errors; a declared model member is written as a JSON object and
// its fields are checked as "member.field". A path parameter is encoded as
// exactly one segment, and "." or ".." is refused.
//
// The service: build_request(op, cfg) works with any configuration type that
// has base_url() and limits() and a prepare_request(cfg, request) found by
// argument-dependent lookup, which adds what every request to that service
// carries (timeout, credential and version headers, a fixed query such as
// "?_is_native=1"). clerk::config is the Backend API's.
#ifndef CLERK_OPERATION_HPP
#define CLERK_OPERATION_HPP

#include <clerk/config.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

template <class T, class M>
struct param_decl {
  std::string_view name;
  M T::*member;
};
template <class... P>
struct path_decl {
  std::tuple<P...> parts;
};
enum class body_encoding { none, json, form };
template <class... F>
struct body_decl {
  body_encoding encoding;
  std::tuple<F...> fields;
};
template <class... F>
struct query_decl {
  std::tuple<F...> fields;
};
template <class Path, class Body, class Query>
struct operation_decl {
  http_method method;
  Path path;
  Body body;
  Query query;
};

// A path parameter: the member's value, percent-encoded as one segment.
template <class T>
constexpr param_decl<T, std::string> param(std::string_view name, std::string T::*member) {
  return {name, member};
}

namespace detail {
template <class P>
constexpr auto path_part(P p) {
  if constexpr (std::is_convertible_v<P, std::string_view>)
    return std::string_view(p);
  else
    return p;
}
template <class T>
struct is_body : std::false_type {};
template <class... F>
struct is_body<body_decl<F...>> : std::true_type {};
template <class T>
struct is_query : std::false_type {};
template <class... F>
struct is_query<query_decl<F...>> : std::true_type {};

}  // namespace detail

// The path after the service's base URL: literal pieces and param()s.
template <class... P>
constexpr auto path(P... parts) {
  return path_decl<decltype(detail::path_part(parts))...>{{detail::path_part(parts)...}};
}
template <class... F>
constexpr body_decl<F...> json_body(F... fields) {
  return {body_encoding::json, {fields...}};
}
template <class... F>
constexpr body_decl<F...> form_body(F... fields) {
  return {body_encoding::form, {fields...}};
}
template <class... F>
constexpr query_decl<F...> query(F... fields) {
  return {{fields...}};
}

namespace detail {
template <template <class> class Is, class Default>
constexpr auto pick_one(Default d) {
  return d;
}
template <template <class> class Is, class Default, class First, class... Rest>
constexpr auto pick_one(Default d, First first, Rest... rest) {
  if constexpr (Is<First>::value)
    return first;
  else
    return pick_one<Is>(d, rest...);
}
}  // namespace detail

template <class Path, class... Parts>
constexpr auto endpoint(http_method method, Path path, Parts... parts) {
  static_assert(((detail::is_body<Parts>::value || detail::is_query<Parts>::value) && ...),
                "clerk::endpoint: after the path, only json_body(), form_body() and query()");
  static_assert((0 + ... + int(detail::is_body<Parts>::value)) <= 1,
                "clerk::endpoint: at most one body");
  static_assert((0 + ... + int(detail::is_query<Parts>::value)) <= 1,
                "clerk::endpoint: at most one query");
  auto body = detail::pick_one<detail::is_body>(body_decl<>{body_encoding::none, {}}, parts...);
  auto q = detail::pick_one<detail::is_query>(query_decl<>{}, parts...);
  return operation_decl<Path, decltype(body), decltype(q)>{method, path, body, q};
}

namespace detail {

template <class T>
struct is_operation_decl : std::false_type {};
template <class P, class B, class Q>
struct is_operation_decl<operation_decl<P, B, Q>> : std::true_type {};

// An operation's declaration, type-erased for the one builder.
struct path_piece {
  std::string_view text;                      // a literal, or the parameter's name
  const std::string* (*get)(const void* op);  // a parameter's value; nullptr: a literal
};
struct operation_info {
  http_method method;
  bool idempotent;  // the request may be replayed (http_request::replayable)
  body_encoding encoding;
  const path_piece* path;
  std::size_t path_count;
  model_info body;
  model_info query;
};

template <class Op>
struct body_fields {
  using object = Op;
  static constexpr const auto& fields = decl_of<Op>.body.fields;
};
template <class Op>
struct query_fields {
  using object = Op;
  static constexpr const auto& fields = decl_of<Op>.query.fields;
};

template <class Op, std::size_t I>
struct path_at {
  static constexpr const auto& decl = std::get<I>(decl_of<Op>.path.parts);
  static const std::string* get(const void* op) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(decl)>, std::string_view>)
      return nullptr;
    else
      return &(static_cast<const Op*>(op)->*(decl.member));
  }
  static constexpr path_piece info() {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(decl)>, std::string_view>)
      return {decl, nullptr};
    else
      return {decl.name, &get};
  }
};

template <class Op, std::size_t... I>
constexpr auto make_path(std::index_sequence<I...>) {
  return std::array<path_piece, sizeof...(I)>{path_at<Op, I>::info()...};
}
template <class Op>
inline constexpr auto path_of =
    make_path<Op>(std::make_index_sequence<std::tuple_size_v<decltype(decl_of<Op>.path.parts)>>());

// Form bodies and queries hold scalars: no model, array or JSON object.
constexpr bool scalars_only(const field_info* fields, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    if (fields[i].k == kind::model || fields[i].k == kind::model_array ||
        fields[i].k == kind::json || fields[i].k == kind::rest || fields[i].k == kind::header ||
        fields[i].k == kind::integer_array)
      return false;
  return true;
}

template <class Op>
constexpr operation_info make_operation_info() {
  constexpr const auto& d = decl_of<Op>;
  constexpr const auto& body = fields_of<body_fields<Op>>;
  constexpr const auto& q = fields_of<query_fields<Op>>;
  static_assert(d.body.encoding != body_encoding::form || scalars_only(body.data(), body.size()),
                "clerk::form_body and clerk::query take scalar fields only");
  static_assert(scalars_only(q.data(), q.size()),
                "clerk::form_body and clerk::query take scalar fields only");
  bool idempotent = false;  // unless the operation says so: never replayed
  if constexpr (requires { Op::idempotent; })
    idempotent = Op::idempotent;
  return {d.method,
          idempotent,
          d.body.encoding,
          path_of<Op>.data(),
          path_of<Op>.size(),
          {"body", body.data(), body.size()},
          {"query", q.data(), q.size()}};
}
template <class Op>
inline constexpr operation_info operation_info_of = make_operation_info<Op>();

// The request for `op`: every path parameter and field checked (the first
// at fault is the error), then the method and URL (`base` and the path), what
// `prepare` adds for the service, the query, and the body with its type.
CLERK_BACKEND_DECL result<http_request> build_request(const operation_info& info, const void* op,
                                                      std::string_view base, const void* cfg,
                                                      void (*prepare)(const void* cfg,
                                                                      http_request& r));

template <class Config>
void prepare_for(const void* cfg, http_request& r) {
  prepare_request(*static_cast<const Config*>(cfg), r);
}

// The checks of request values, each naming the field (prefix + label) at fault.
CLERK_BACKEND_DECL std::optional<invalid_request> check_fields(std::string_view prefix,
                                                               const model_info& info,
                                                               const void* obj);
// A JSON object's text; with `declared`, none of its member names may be one
// of that model's fields (they are written beside them).
CLERK_BACKEND_DECL std::optional<invalid_request> check_json_object(std::string_view prefix,
                                                                    std::string_view label,
                                                                    std::string_view text,
                                                                    const model_info* declared);

}  // namespace detail

// An operation that describes itself with clerk::endpoint().
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

// The operation's response model, or an api_error (the service said no) or
// unexpected_response (anything else) error. Every limit comes from `lim`. A
// 2xx that fails validation keeps in unexpected_response::partial whatever
// identified the resource (id, and token or url as secrets).
template <declared_operation Op>
result<typename Op::response_type> parse_response(const Op&, const http_response& r,
                                                  const response_limits& lim) {
  using M = typename Op::response_type;
  M m{};
  if (auto e = detail::parse_into(detail::info_of<M>, &m, r, lim))
    return std::move(*e);
  return m;
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
