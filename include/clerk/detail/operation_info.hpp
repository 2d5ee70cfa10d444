// The engine's table of an operation: its declaration (clerk::decl::endpoint)
// type-erased for the one request builder, with the compile-time checks of
// what a request may carry.
#ifndef CLERK_DETAIL_OPERATION_INFO_HPP
#define CLERK_DETAIL_OPERATION_INFO_HPP

#include <clerk/config.hpp>
#include <clerk/detail/model_info.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/media_type.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

template <class T, class M>
struct param_decl {
  std::string_view name;
  M T::*member;
};
template <class... P>
struct path_decl {
  detail::parts<P...> parts;
};
enum class body_encoding { none, json, json_array, form };
template <class... F>
struct body_decl {
  body_encoding encoding;
  parts<F...> fields;
};
template <class... F>
struct query_decl {
  parts<F...> fields;
};
template <class... F>
struct headers_decl {
  parts<F...> fields;
};
struct idempotent_t {};
struct already_done_t {
  std::string_view code;
};
template <class Path, class Body, class Query, class Headers>
struct operation_decl {
  http_method method;
  Path path;
  Body body;
  Query query;
  Headers headers;
  bool idempotent;
  std::string_view already_done;
};

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
template <class T>
struct is_headers : std::false_type {};
template <class... F>
struct is_headers<headers_decl<F...>> : std::true_type {};
template <class T>
struct is_already_done : std::is_same<T, already_done_t> {};
template <class T>
struct is_operation_decl : std::false_type {};
template <class P, class B, class Q, class H>
struct is_operation_decl<operation_decl<P, B, Q, H>> : std::true_type {};

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

// An operation's declaration, type-erased for the one builder.
struct path_piece {
  std::string_view text;  // a literal, or the parameter's name
  const void* member;     // a parameter: its declaration's `std::string Op::*`
  // A parameter's value; nullptr: a literal.
  const std::string* (*get)(const void* op, const void* member);
  const std::string& value(const void* op) const { return *get(op, member); }
};
struct operation_info {
  http_method method;
  bool idempotent;                // the request may be replayed (http_request::replayable)
  std::string_view already_done;  // the Clerk code that means "done by an earlier attempt"
  body_encoding encoding;
  const path_piece* path;
  std::size_t path_count;
  model_info body;
  model_info query;
  model_info headers;  // request headers from the operation's fields
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
template <class Op>
struct header_fields {
  using object = Op;
  static constexpr const auto& fields = decl_of<Op>.headers.fields;
};

constexpr path_piece make_piece(const std::string_view& literal) {
  return {literal, nullptr, nullptr};
}
template <class T>
const std::string* param_of(const void* op, const void* member) {
  return &(static_cast<const T*>(op)->*(*static_cast<std::string T::*const*>(member)));
}
template <class T>
constexpr path_piece make_piece(const param_decl<T, std::string>& p) {
  return {p.name, &p.member, &param_of<T>};
}
template <std::size_t... I, class... P>
constexpr auto make_path(const parts_impl<std::index_sequence<I...>, P...>& p) {
  return std::array<path_piece, sizeof...(P)>{
      make_piece(static_cast<const part<I, P>&>(p).value)...};
}
template <class Op>
inline constexpr auto path_of = make_path(decl_of<Op>.path.parts);

// Form bodies and queries hold scalars and arrays of scalars (a repeated
// name), and no free text.
template <std::size_t N>
constexpr bool flat(const std::array<field_info, N>& fields) {
  for (const auto& f : fields)
    if (!(is_scalar(f.k) || (f.k == kind::array && is_scalar(f.element()->k))) || f.free_text)
      return false;
  return true;
}
// Joined arrays are for queries and forms.
template <std::size_t N>
constexpr bool unjoined(const std::array<field_info, N>& fields) {
  for (const auto& f : fields)
    if (f.joined != 0)
      return false;
  return true;
}
// Request headers: scalars, named by HTTP tokens.
template <std::size_t N>
constexpr bool header_fields_ok(const std::array<field_info, N>& fields) {
  for (const auto& f : fields)
    if (!is_scalar(f.k) || f.free_text || !is_token(f.name))
      return false;
  return true;
}
// What an answer alone fills: a header, or the other members of a query.
template <std::size_t N>
constexpr bool sendable(const std::array<field_info, N>& fields) {
  for (const auto& f : fields)
    if (f.k == kind::header)
      return false;
  return true;
}

template <class Op>
constexpr operation_info make_operation_info() {
  constexpr const auto& d = decl_of<Op>;
  constexpr const auto& body = fields_of<body_fields<Op>>;
  constexpr const auto& q = fields_of<query_fields<Op>>;
  constexpr const auto& h = fields_of<header_fields<Op>>;
  static_assert(header_fields_ok(h),
                "clerk::decl::headers takes scalar fields named by HTTP tokens (\"Origin\"), "
                "without free_text");
  static_assert(d.body.encoding != body_encoding::json_array ||
                    (body.size() == 1 && body[0].k == kind::array && !body[0].nullable),
                "clerk::decl::json_array_body takes one field, a std::vector member (not "
                "std::optional): the body is that array");
  static_assert(d.body.encoding == body_encoding::form || unjoined(body),
                "clerk::decl::comma_separated and space_separated apply to a query or form, not "
                "a JSON body");
  static_assert(d.body.encoding == body_encoding::none ||
                    (d.method != http_method::get && d.method != http_method::delete_),
                "clerk::decl::endpoint: a GET or DELETE carries no body (transports drop it); "
                "send its fields in query() instead");
  static_assert(d.body.encoding != body_encoding::form || flat(body),
                "clerk::decl::form_body takes scalars and arrays of scalars, without free_text");
  static_assert(flat(q),
                "clerk::decl::query takes scalars and arrays of scalars, without free_text");
  static_assert(sendable(body) && sendable(q),
                "clerk::decl::from_header is for answers; a request sends no such field");
  static_assert(
      !requires { Op::idempotent; } && !requires { Op::already_done_code; },
      "a declared operation says clerk::decl::idempotent and "
      "clerk::decl::already_done(\"code\") inside describe()'s endpoint(), not as "
      "members");
  return {d.method,
          d.idempotent,
          d.already_done,
          d.body.encoding,
          path_of<Op>.data(),
          path_of<Op>.size(),
          {"body", body.data(), body.size()},
          {"query", q.data(), q.size()},
          {"headers", h.data(), h.size()}};
}
template <class Op>
inline constexpr operation_info operation_info_of = make_operation_info<Op>();

// What a service adds to every request (prepare_request), type-erased; a
// prepare_request may refuse the request by returning an invalid_request
// (a client token that is not a valid header value).
using prepare_fn = std::optional<invalid_request> (*)(const void* cfg, http_request& r);

template <class Config>
std::optional<invalid_request> prepare_for(const void* cfg, http_request& r) {
  const auto& c = *static_cast<const Config*>(cfg);
  if constexpr (std::is_void_v<decltype(prepare_request(c, r))>) {
    prepare_request(c, r);
    return std::nullopt;
  } else {
    return prepare_request(c, r);
  }
}

// The request for `op`: every path parameter and field checked (the first
// at fault is the error), then the method and URL (`base` and the path), what
// `prepare` adds for the service, the query, and the body with its type.
CLERK_BACKEND_DECL result<http_request> build_request(const operation_info& info, const void* op,
                                                      std::string_view base, const void* cfg,
                                                      prepare_fn prepare);

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
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
