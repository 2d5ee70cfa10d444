// Definitions for <clerk/operation.hpp>: the one request builder, and its
// checks of request values.
#ifndef CLERK_IMPL_OPERATION_IPP
#define CLERK_IMPL_OPERATION_IPP

#include <clerk/detail/form.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/operation.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

inline invalid_request refused(std::string_view prefix, std::string_view label,
                               std::string reason) {
  std::string field(prefix);
  field.append(label);
  return invalid_request{std::move(field), std::move(reason)};
}

inline std::optional<invalid_request> check_text(std::string_view prefix, std::string_view label,
                                                 std::string_view v, bool allow_empty) {
  if (v.empty() && !allow_empty)
    return refused(prefix, label, "must not be empty");
  std::string_view rest = v.substr(printable_ascii_prefix(v));  // usually all of it
  if (has_control(rest))
    return refused(prefix, label, "must not contain control characters");
  if (!is_valid_utf8(rest))
    return refused(prefix, label, "must be valid UTF-8");
  return std::nullopt;
}

inline std::optional<invalid_request> check_segment(std::string_view label, std::string_view v) {
  if (auto e = check_text("", label, v, false))
    return e;
  if (v == "." || v == "..")
    return refused("", label, "must not be \".\" or \"..\"");
  return std::nullopt;
}

inline std::optional<invalid_request> check_minimum(std::string_view prefix, std::string_view label,
                                                    std::int64_t v, std::int64_t min,
                                                    bool seconds) {
  if (v >= min)
    return std::nullopt;
  std::string reason = "must be at least " + std::to_string(min);
  if (seconds)
    reason += min == 1 ? " second" : " seconds";
  return refused(prefix, label, std::move(reason));
}

CLERK_BACKEND_DECL std::optional<invalid_request> check_json_object(std::string_view prefix,
                                                                    std::string_view label,
                                                                    std::string_view text,
                                                                    const model_info* declared) {
  std::string_view name = label.empty() ? std::string_view("other members") : label;
  if (!is_valid_utf8(text.substr(printable_ascii_prefix(text))))
    return refused(prefix, name, "must be valid UTF-8");
  if (auto p = check_members(text, declared))
    return refused(prefix, p->member.empty() ? name : std::string_view(p->member),
                   std::move(p->reason));
  return std::nullopt;
}

// The value at `v` (what field_info::get returned) of a request field.
inline std::optional<invalid_request> check_value(std::string_view prefix, const field_info& f,
                                                  const void* v) {
  switch (f.k) {
    case kind::string:
    case kind::enumeration:
      return check_text(prefix, f.label, *static_cast<const std::string*>(v),
                        f.allow_empty && f.k == kind::string);
    case kind::secret:
      return check_text(prefix, f.label, static_cast<const secret*>(v)->reveal(), f.allow_empty);
    case kind::integer:
      if (f.has_min)
        return check_minimum(prefix, f.label, *static_cast<const std::int64_t*>(v), f.min, false);
      return std::nullopt;
    case kind::seconds:
      if (f.has_min)
        return check_minimum(prefix, f.label, static_cast<const std::chrono::seconds*>(v)->count(),
                             f.min, true);
      return std::nullopt;
    case kind::json:
      return check_json_object(prefix, f.label, static_cast<const raw_json*>(v)->text(), nullptr);
    case kind::model: {
      std::string inner(prefix);
      inner.append(f.label);
      inner += '.';
      return check_fields(inner, *f.child(), v);
    }
    case kind::model_array:
      for (std::size_t i = 0, n = f.size(v); i < n; ++i) {
        std::string inner(prefix);
        inner.append(f.label);
        inner += '[' + std::to_string(i) + "].";
        if (auto e = check_fields(inner, *f.child(), f.at(v, i)))
          return e;
      }
      return std::nullopt;
    default:  // bool, timestamp: nothing to check
      return std::nullopt;
  }
}

CLERK_BACKEND_DECL std::optional<invalid_request> check_fields(std::string_view prefix,
                                                               const model_info& info,
                                                               const void* obj) {
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    std::optional<invalid_request> e;
    if (f.k == kind::rest) {
      const auto& j = *static_cast<const raw_json*>(f.get(obj));
      if (!j.empty())
        e = check_json_object(prefix, "", j.text(), &info);
    } else if (f.k != kind::constant && f.k != kind::header) {
      if (const void* v = f.get(obj))
        e = check_value(prefix, f, v);
    }
    if (e)
      return e;
  }
  return std::nullopt;
}

// The scalar fields of `obj` as form pairs, after a '&' unless `first`.
inline void append_form_fields(std::string& out, const model_info& info, const void* obj,
                               bool& first) {
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    const void* v = f.k == kind::constant ? &f.constant : f.get(obj);
    if (v == nullptr)
      continue;
    if (!first)
      out += '&';
    first = false;
    append_form_component(out, f.name);
    out += '=';
    switch (f.k) {
      case kind::constant:
        append_form_component(out, f.constant);
        break;
      case kind::string:
      case kind::enumeration:
        append_form_component(out, *static_cast<const std::string*>(v));
        break;
      case kind::secret:
        append_form_component(out, static_cast<const secret*>(v)->reveal());
        break;
      case kind::boolean:
        out += *static_cast<const bool*>(v) ? "true" : "false";
        break;
      case kind::seconds:
        append_integer(out, static_cast<const std::chrono::seconds*>(v)->count());
        break;
      case kind::timestamp:
        append_integer(out, static_cast<const timestamp*>(v)->time_since_epoch().count());
        break;
      case kind::unix_seconds:
        append_integer(out,
                       static_cast<const std::chrono::sys_seconds*>(v)->time_since_epoch().count());
        break;
      default:  // kind::integer; operation_info_of refuses the others
        append_integer(out, *static_cast<const std::int64_t*>(v));
    }
  }
}

CLERK_BACKEND_DECL result<http_request> build_request(const operation_info& info, const void* op,
                                                      std::string_view base, const void* cfg,
                                                      void (*prepare)(const void* cfg,
                                                                      http_request& r)) {
  for (std::size_t i = 0; i < info.path_count; ++i)
    if (info.path[i].get != nullptr)
      if (auto e = check_segment(info.path[i].text, *info.path[i].get(op)))
        return error(std::move(*e));
  if (auto e = check_fields("", info.body, op))
    return error(std::move(*e));
  if (auto e = check_fields("", info.query, op))
    return error(std::move(*e));

  http_request r;
  r.method = info.method;
  r.replayable = info.idempotent;
  r.url.reserve(base.size() + 64);
  r.url.append(base);
  for (std::size_t i = 0; i < info.path_count; ++i) {
    if (info.path[i].get == nullptr)
      r.url.append(info.path[i].text);
    else
      append_path_segment(r.url, *info.path[i].get(op));
  }
  prepare(cfg, r);
  if (info.query.count != 0) {
    std::string q;
    bool first = true;
    append_form_fields(q, info.query, op, first);
    if (!q.empty()) {
      r.url += r.url.find('?') == std::string::npos ? '?' : '&';
      r.url += q;
    }
  }
  bool first = true;
  if (info.encoding == body_encoding::json) {
    r.headers.add("Content-Type", "application/json");
    r.body.reserve(128);
    r.body += '{';
    write_members(r.body, info.body, op, first);
    r.body += '}';
  } else if (info.encoding == body_encoding::form) {
    r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    append_form_fields(r.body, info.body, op, first);
  }
  return r;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
