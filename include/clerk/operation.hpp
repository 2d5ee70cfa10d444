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
#include <clerk/detail/form.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <concepts>
#include <cstdint>
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

// Checks of request values, each naming the field (prefix + label) at fault.
CLERK_BACKEND_DECL std::optional<invalid_request> check_text(std::string_view prefix,
                                                             std::string_view label,
                                                             std::string_view v, bool allow_empty);
CLERK_BACKEND_DECL std::optional<invalid_request> check_segment(std::string_view label,
                                                                std::string_view v);
CLERK_BACKEND_DECL std::optional<invalid_request> check_minimum(std::string_view prefix,
                                                                std::string_view label,
                                                                std::int64_t v, std::int64_t min,
                                                                bool seconds);
// A JSON object's text; with `declared`, none of its member names may be one
// of that model's fields (they are written beside them).
CLERK_BACKEND_DECL std::optional<invalid_request> check_json_object(std::string_view prefix,
                                                                    std::string_view label,
                                                                    std::string_view text,
                                                                    const model_info* declared);

template <class T>
std::optional<invalid_request> check_fields(std::string_view prefix, const T& obj,
                                            const auto& fields);

template <class V, class F>
std::optional<invalid_request> check_value(std::string_view prefix, const F& f, const V& v) {
  std::string_view label = f.opt.label.empty() ? f.name : f.opt.label;
  constexpr kind k = kind_of<V>();
  if constexpr (k == kind::string)
    return check_text(prefix, label, v, (f.opt.set & allow_empty.set) != 0);
  else if constexpr (k == kind::secret)
    return check_text(prefix, label, v.reveal(), (f.opt.set & allow_empty.set) != 0);
  else if constexpr (k == kind::enumeration)
    return check_text(prefix, label, v.raw(), false);
  else if constexpr (k == kind::integer || k == kind::seconds) {
    if (f.opt.set & at_least(0).set) {
      if constexpr (k == kind::seconds)
        return check_minimum(prefix, label, v.count(), f.opt.min, true);
      else
        return check_minimum(prefix, label, v, f.opt.min, false);
    }
    return std::nullopt;
  } else if constexpr (k == kind::json)
    return check_json_object(prefix, label, v.text(), nullptr);
  else if constexpr (k == kind::model) {
    std::string inner(prefix);
    inner.append(label);
    inner += '.';
    return check_fields(inner, v, decl_of<V>.fields);
  } else if constexpr (k == kind::model_array) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string inner(prefix);
      inner.append(label);
      inner += '[' + std::to_string(i) + "].";
      if (auto e = check_fields(inner, v[i], decl_of<typename V::value_type>.fields))
        return e;
    }
    return std::nullopt;
  } else {
    return std::nullopt;  // bool, timestamp: nothing to check
  }
}

template <class T, class F>
std::optional<invalid_request> check_field(std::string_view prefix, const T& obj, const F& f) {
  if constexpr (std::is_same_v<F, rest_decl<T>>) {
    const raw_json& j = obj.*f.member;
    if (j.empty())
      return std::nullopt;
    return check_json_object(prefix, "", j.text(), &info_of<T>);
  } else if constexpr (requires { f.opt; }) {
    const auto& v = obj.*f.member;
    if constexpr (field_traits<F>::optional) {
      if (!v)
        return std::nullopt;
      return check_value(prefix, f, *v);
    } else {
      return check_value(prefix, f, v);
    }
  } else {
    return std::nullopt;
  }
}

template <class T>
std::optional<invalid_request> check_fields(std::string_view prefix, const T& obj,
                                            const auto& fields) {
  std::optional<invalid_request> e;
  std::apply([&](const auto&... f) { (void)((e = check_field(prefix, obj, f)) || ...); }, fields);
  return e;
}

template <class T, class F>
void append_form_member(std::string& out, const T& op, const F& f, bool& first) {
  const auto& m = op.*f.member;
  auto write = [&](const auto& v) {
    using V = std::remove_cvref_t<decltype(v)>;
    constexpr kind k = kind_of<V>();
    static_assert(k != kind::model && k != kind::model_array && k != kind::json,
                  "clerk::form_body and clerk::query take scalar fields only");
    if (!first)
      out += '&';
    first = false;
    append_form_component(out, f.name);
    out += '=';
    if constexpr (k == kind::string)
      append_form_component(out, v);
    else if constexpr (k == kind::secret)
      append_form_component(out, v.reveal());
    else if constexpr (k == kind::enumeration)
      append_form_component(out, v.raw());
    else if constexpr (k == kind::boolean)
      out += v ? "true" : "false";
    else if constexpr (k == kind::seconds)
      append_integer(out, v.count());
    else if constexpr (k == kind::timestamp)
      append_integer(out, v.time_since_epoch().count());
    else
      append_integer(out, v);
  };
  if constexpr (field_traits<F>::optional) {
    if (m)
      write(*m);
  } else {
    write(m);
  }
}

template <class T, class F>
void append_form_field(std::string& out, const T& op, const F& f, bool& first) {
  if constexpr (std::is_same_v<F, constant_decl>) {  // a fixed pair: "strategy=ticket"
    if (!first)
      out += '&';
    first = false;
    append_form_component(out, f.name);
    out += '=';
    append_form_component(out, f.value);
  } else {
    append_form_member(out, op, f, first);
  }
}

template <class Op, class... P>
std::optional<invalid_request> check_path(const Op& op, const path_decl<P...>& p) {
  std::optional<invalid_request> e;
  std::apply(
      [&](const auto&... part) {
        auto one = [&](const auto& x) -> std::optional<invalid_request> {
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(x)>, std::string_view>)
            return std::nullopt;
          else
            return check_segment(x.name, op.*x.member);
        };
        (void)((e = one(part)) || ...);
      },
      p.parts);
  return e;
}

template <class Op, class... P>
void append_path(std::string& url, const Op& op, const path_decl<P...>& p) {
  std::apply(
      [&](const auto&... part) {
        auto one = [&](const auto& x) {
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(x)>, std::string_view>)
            url.append(x);
          else
            append_path_segment(url, op.*x.member);
        };
        (one(part), ...);
      },
      p.parts);
}

template <class T, class F>
void partial_field(partial_resource& p, const T& m, const F& f) {
  if constexpr (requires { f.opt; }) {
    using V = typename field_traits<F>::V;
    const auto& v = m.*f.member;
    if constexpr (std::is_same_v<V, std::string> && !field_traits<F>::optional) {
      if (f.name == "id")
        p.id = v;
    } else if constexpr (std::is_same_v<V, secret>) {
      if constexpr (field_traits<F>::optional) {
        if (v)
          p.secrets.emplace_back(std::string(f.name), *v);
      } else if (!v.empty()) {
        p.secrets.emplace_back(std::string(f.name), v);
      }
    }
  }
}

// What the half-read model still says about the resource: its id, its secrets.
template <class T>
void fill_partial(unexpected_response& u, const T& m) {
  partial_resource p;
  std::apply([&](const auto&... f) { (partial_field(p, m, f), ...); }, decl_of<T>.fields);
  if (!p.id.empty() || !p.secrets.empty())
    u.partial = std::move(p);
}

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
  constexpr const auto& d = detail::decl_of<Op>;
  if (auto e = detail::check_path(op, d.path))
    return error(std::move(*e));
  if (auto e = detail::check_fields("", op, d.body.fields))
    return error(std::move(*e));
  if (auto e = detail::check_fields("", op, d.query.fields))
    return error(std::move(*e));

  http_request r;
  r.method = d.method;
  std::string_view base = cfg.base_url();
  r.url.reserve(base.size() + 64);
  r.url.append(base);
  detail::append_path(r.url, op, d.path);
  prepare_request(cfg, r);
  if constexpr (std::tuple_size_v<decltype(d.query.fields)> != 0) {
    std::string q;
    bool first = true;
    std::apply([&](const auto&... f) { (detail::append_form_field(q, op, f, first), ...); },
               d.query.fields);
    if (!q.empty()) {
      r.url += r.url.find('?') == std::string::npos ? '?' : '&';
      r.url += q;
    }
  }
  if constexpr (d.body.encoding == body_encoding::json) {
    r.headers.add("Content-Type", "application/json");
    r.body.reserve(128);
    r.body += '{';
    bool first = true;
    std::apply([&](const auto&... f) { (detail::write_field(r.body, op, f, first), ...); },
               d.body.fields);
    r.body += '}';
  } else if constexpr (d.body.encoding == body_encoding::form) {
    r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    bool first = true;
    std::apply([&](const auto&... f) { (detail::append_form_field(r.body, op, f, first), ...); },
               d.body.fields);
  }
  return r;
}

// The operation's response model, or an api_error (the service said no) or
// unexpected_response (anything else) error. Every limit comes from `lim`. A
// 2xx that fails validation keeps in unexpected_response::partial whatever
// identified the resource (id, and token or url as secrets).
template <declared_operation Op>
result<typename Op::response_type> parse_response(const Op&, const http_response& r,
                                                  const response_limits& lim) {
  using M = typename Op::response_type;
  if (auto e = detail::check_response(r, lim))
    return std::move(*e);
  M m{};
  if (auto u = detail::parse_model(detail::info_of<M>, &m, r, lim)) {
    detail::fill_partial(*u, m);
    return error(std::move(*u));
  }
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
