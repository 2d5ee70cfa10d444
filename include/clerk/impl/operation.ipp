// Definitions for <clerk/operation.hpp>: the one request builder, and its
// checks of request values.
#ifndef CLERK_IMPL_OPERATION_IPP
#define CLERK_IMPL_OPERATION_IPP

#include <clerk/detail/form.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/impl/model.ipp>
#include <clerk/operation.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cmath>
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

// Free text (a JSON body string declared free_text) may hold line breaks and tabs.
constexpr bool has_control_but_breaks(std::string_view s) noexcept {
  for (char c : s)
    if (is_control(c) && c != '\n' && c != '\r' && c != '\t')
      return true;
  return false;
}

inline std::optional<invalid_request> check_text(std::string_view prefix, std::string_view label,
                                                 std::string_view v, bool allow_empty,
                                                 bool free_text = false) {
  if (v.empty() && !allow_empty)
    return refused(prefix, label, "must not be empty");
  std::string_view rest = v.substr(printable_ascii_prefix(v));  // usually all of it
  if (free_text ? has_control_but_breaks(rest) : has_control(rest))
    return refused(prefix, label,
                   free_text ? "must not contain control characters other than line breaks and tabs"
                             : "must not contain control characters");
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

// An integer or a duration (`seconds`) against the field's at_least and at_most.
inline std::optional<invalid_request> check_bounds(std::string_view prefix, const field_info& f,
                                                   std::int64_t v, bool seconds) {
  const bool below = f.has_min && v < f.min;
  if (!below && !(f.has_max && v > f.max))
    return std::nullopt;
  const std::int64_t bound = below ? f.min : f.max;
  std::string reason = (below ? "must be at least " : "must be at most ") + std::to_string(bound);
  if (seconds)
    reason += bound == 1 ? " second" : " seconds";
  return refused(prefix, f.label, std::move(reason));
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

// Any JSON value's text: valid UTF-8, exactly one JSON value (so that nothing
// can follow it into the body: `1,"role":"admin"`), no member name repeated.
inline std::optional<invalid_request> check_json_value(std::string_view prefix,
                                                       std::string_view label,
                                                       std::string_view text) {
  if (text.empty())
    return std::nullopt;  // written as {}
  if (!is_valid_utf8(text.substr(printable_ascii_prefix(text))))
    return refused(prefix, label, "must be valid UTF-8");
  unsigned char buffer[1024];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  boost::json::parse(text, ec, &arena);
  if (ec)
    return refused(prefix, label, "must be the text of one JSON value");
  // The one parser finds a repeated name at any depth, as the value of a member.
  std::string wrapped = "{\"v\":";
  wrapped.append(text);
  wrapped += '}';
  if (check_members(wrapped, nullptr))
    return refused(prefix, label, "must not repeat a member name");
  return std::nullopt;
}

inline std::optional<invalid_request> check_number(std::string_view prefix, const field_info& f,
                                                   double d) {
  if (!std::isfinite(d))
    return refused(prefix, f.label, "must be a finite number");
  if (f.has_min && d < static_cast<double>(f.min))
    return refused(prefix, f.label, "must be at least " + std::to_string(f.min));
  if (f.has_max && d > static_cast<double>(f.max))
    return refused(prefix, f.label, "must be at most " + std::to_string(f.max));
  return std::nullopt;
}

// The value at `v` (what field_info::get returned) of a request field.
CLERK_BACKEND_DECL std::optional<invalid_request> check_value(std::string_view prefix,
                                                              const field_info& f, const void* v) {
  if (f.custom != nullptr) {
    const custom_value c(f, v);
    if (f.k == kind::string)
      return check_text(prefix, f.label, c.s, f.allow_empty, f.free_text);
    if (f.k == kind::number)
      return check_number(prefix, f, c.d);
    if (f.k == kind::integer)
      return check_bounds(prefix, f, c.i, false);
    return std::nullopt;
  }
  switch (f.k) {
    case kind::string:
    case kind::enumeration:
      return check_text(prefix, f.label, *static_cast<const std::string*>(v),
                        f.allow_empty && f.k == kind::string, f.free_text);
    case kind::secret:
      return check_text(prefix, f.label, static_cast<const secret*>(v)->reveal(), f.allow_empty,
                        f.free_text);
    case kind::integer:
      return check_bounds(prefix, f, *static_cast<const std::int64_t*>(v), false);
    case kind::seconds:
      return check_bounds(prefix, f, static_cast<const std::chrono::seconds*>(v)->count(), true);
    case kind::number:
      return check_number(prefix, f, *static_cast<const double*>(v));
    case kind::json:
      return check_json_value(prefix, f.label, static_cast<const raw_json*>(v)->text());
    case kind::model: {
      std::string inner(prefix);
      inner.append(f.label);
      inner += '.';
      return check_fields(inner, *f.child(), v);
    }
    case kind::variant: {
      std::size_t i = 0;
      const void* a = f.variant->held(v, i);
      if (a == nullptr)
        return refused(prefix, f.label, "must hold one of its alternatives");
      if (i == f.variant->count) {  // an object no alternative declares, as the answer keeps it
        const auto& j = *static_cast<const raw_json*>(a);
        if (j.empty())
          return std::nullopt;  // written as {}
        return check_json_object(prefix, f.label, j.text(), nullptr);
      }
      std::string inner(prefix);
      inner.append(f.label);
      inner += '.';
      return check_fields(inner, *f.variant->alternative(i), a);
    }
    case kind::array:
    case kind::map: {
      std::optional<invalid_request> e;
      std::size_t i = 0;
      if (f.has_min || f.has_max) {  // an array's length (option_fits allows no bound on a map)
        std::size_t n = 0;
        for_each_element(f, v, [&](std::string_view, const void*) { ++n; });
        const auto count = static_cast<std::int64_t>(n);
        if (f.has_min && count < f.min)
          return refused(prefix, f.label,
                         "must hold at least " + std::to_string(f.min) +
                             (f.min == 1 ? " element" : " elements"));
        if (f.has_max && count > f.max)
          return refused(prefix, f.label,
                         "must hold at most " + std::to_string(f.max) +
                             (f.max == 1 ? " element" : " elements"));
      }
      for_each_element(f, v, [&](std::string_view key, const void* element) {
        if (e)
          return;
        std::string name(f.label);
        if (f.k == kind::map) {
          if ((e = check_text(prefix, name + " key", key, true)))
            return;
          name += '.';
          name.append(key);
        } else {
          name += '[' + std::to_string(i++) + ']';
        }
        field_info each = *f.element();
        each.label = name;
        each.allow_empty = each.allow_empty || f.allow_empty;
        each.free_text = f.free_text;
        e = check_value(prefix, each, element);
      });
      return e;
    }
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

// One scalar value (what field_info::get returned) as a form component.
inline void append_form_value(std::string& out, const field_info& f, const void* v) {
  if (f.custom != nullptr) {
    const custom_value c(f, v);
    if (f.k == kind::string)
      return append_form_component(out, c.s);
    return c.append_scalar(out, f.k);
  }
  switch (f.k) {
    case kind::constant:
      return append_form_component(out, f.constant);
    case kind::string:
    case kind::enumeration:
      return append_form_component(out, *static_cast<const std::string*>(v));
    case kind::secret:
      return append_form_component(out, static_cast<const secret*>(v)->reveal());
    case kind::boolean:
      out += *static_cast<const bool*>(v) ? "true" : "false";
      return;
    case kind::seconds:
      return append_integer(out, static_cast<const std::chrono::seconds*>(v)->count());
    case kind::timestamp:
      return append_integer(out, static_cast<const timestamp*>(v)->time_since_epoch().count());
    case kind::unix_seconds:
      return append_integer(
          out, static_cast<const std::chrono::sys_seconds*>(v)->time_since_epoch().count());
    case kind::number:
      return append_number(out, *static_cast<const double*>(v));
    default:  // kind::integer; operation_info_of refuses the others
      return append_integer(out, *static_cast<const std::int64_t*>(v));
  }
}

// The fields of `obj` as form pairs, after a '&' unless `first`: scalars,
// and an array as its name repeated ("user_id=a&user_id=b").
inline void append_form_fields(std::string& out, const model_info& info, const void* obj,
                               bool& first) {
  auto pair = [&](const field_info& f, const void* v) {
    if (!first)
      out += '&';
    first = false;
    append_form_component(out, f.name);
    out += '=';
    append_form_value(out, f, v);
  };
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    const void* v = f.k == kind::constant ? &f.constant : f.get(obj);
    if (v == nullptr)
      continue;
    if (f.k == kind::array && f.joined != 0) {  // an empty array sends nothing
      std::string joined;
      bool head = true;
      for_each_element(f, v, [&](std::string_view, const void* e) {
        if (!head)
          joined += f.joined == ',' ? "," : "%20";
        head = false;
        append_form_value(joined, *f.element(), e);
      });
      if (head)
        continue;
      if (!first)
        out += '&';
      first = false;
      append_form_component(out, f.name);
      out += '=';
      out += joined;
    } else if (f.k == kind::array) {
      field_info each = *f.element();
      each.name = f.name;
      for_each_element(f, v, [&](std::string_view, const void* e) { pair(each, e); });
    } else {
      pair(f, v);
    }
  }
}

// The request headers an operation declares (headers()): each value as its
// text, visible ASCII only (a header cannot carry anything else safely).
inline std::optional<invalid_request> add_headers(http_request& r, const model_info& info,
                                                  const void* op) {
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    const void* v = f.get(op);
    if (v == nullptr)
      continue;
    std::string text;
    if (f.custom != nullptr && f.k == kind::string)
      text = custom_value(f, v).s;
    else if (f.custom == nullptr && (f.k == kind::string || f.k == kind::enumeration))
      text = *static_cast<const std::string*>(v);
    else if (f.k == kind::secret)
      text = static_cast<const secret*>(v)->reveal();
    else  // numbers, booleans, times: their digits
      append_form_value(text, f, v);
    for (char c : text)
      if (static_cast<unsigned char>(c) >= 0x80)
        return refused("", f.label, "must be ASCII (a header value)");
    r.headers.add(std::string(f.name), std::move(text));
  }
  return std::nullopt;
}

CLERK_BACKEND_DECL result<http_request> build_request(const operation_info& info, const void* op,
                                                      std::string_view base, const void* cfg,
                                                      prepare_fn prepare) {
  for (std::size_t i = 0; i < info.path_count; ++i)
    if (info.path[i].get != nullptr)
      if (auto e = check_segment(info.path[i].text, info.path[i].value(op)))
        return error(std::move(*e));
  if (auto e = check_fields("", info.body, op))
    return error(std::move(*e));
  if (auto e = check_fields("", info.query, op))
    return error(std::move(*e));
  if (auto e = check_fields("", info.headers, op))
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
      append_path_segment(r.url, info.path[i].value(op));
  }
  if (auto e = prepare(cfg, r))
    return error(std::move(*e));
  if (auto e = add_headers(r, info.headers, op))
    return error(std::move(*e));
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
  } else if (info.encoding == body_encoding::json_array) {
    r.headers.add("Content-Type", "application/json");
    r.body.reserve(128);
    write_value(r.body, info.body.fields[0], info.body.fields[0].get(op));
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
