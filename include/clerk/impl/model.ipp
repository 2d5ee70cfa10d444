// Definitions for <clerk/model.hpp>: the few non-template pieces.
#ifndef CLERK_IMPL_MODEL_IPP
#define CLERK_IMPL_MODEL_IPP

#include <clerk/detail/model_info.hpp>
#include <clerk/detail/text.hpp>

#include <clerk/redact.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {

// append_json_escaped, when the first `plain` bytes of `s` are known to need
// no escape.
inline void append_escaped_after(std::string& out, std::string_view s, std::size_t plain) {
  static constexpr char hex[] = "0123456789abcdef";
  std::size_t run = 0;  // the start of the bytes not yet appended
  for (std::size_t i = plain; i < s.size(); i += json_plain_prefix(s.substr(i))) {
    auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);  // a run of bytes that need no escape, at once
    run = ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
    }
  }
  out.append(s.data() + run, s.size() - run);
}

CLERK_BACKEND_DECL void append_json_escaped(std::string& out, std::string_view s) {
  append_escaped_after(out, s, json_plain_prefix(s));
}

// Appends `before`, `s` and `after` in one step, `s` unescaped: for the
// usual string, which needs no escape.
inline void append_framed(std::string& out, std::string_view before, std::string_view s,
                          std::string_view after) {
  std::size_t n = out.size();
  out.resize(n + before.size() + s.size() + after.size());
  char* p = out.data() + n;
  std::char_traits<char>::copy(p, before.data(), before.size());
  std::char_traits<char>::copy(p + before.size(), s.data(), s.size());
  std::char_traits<char>::copy(p + before.size() + s.size(), after.data(), after.size());
}

CLERK_BACKEND_DECL void append_json_string(std::string& out, std::string_view s) {
  std::size_t plain = json_plain_prefix(s);
  if (plain == s.size())
    return append_framed(out, "\"", s, "\"");
  out += '"';
  append_escaped_after(out, s, plain);
  out += '"';
}

CLERK_BACKEND_DECL void append_integer(std::string& out, std::int64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  bool neg = v < 0;
  // Work in unsigned so that the most negative value does not overflow.
  std::uint64_t u = neg ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg)
    *--p = '-';
  out.append(p, end);
}

CLERK_BACKEND_DECL void append_members(std::string& out, std::string_view object_text,
                                       bool& first) {
  auto open = object_text.find('{');
  auto close = object_text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close <= open)
    return;
  auto inner = object_text.substr(open + 1, close - open - 1);
  auto not_space = inner.find_first_not_of(" \t\r\n");
  if (not_space == std::string_view::npos)
    return;
  if (!first)
    out += ',';
  first = false;
  out.append(inner);
}

CLERK_BACKEND_DECL void append_number(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  out.append(buf, r.ptr);
}

inline void write_key(std::string& out, std::string_view name, bool& first) {
  bool comma = !first;
  first = false;
  if (json_plain_prefix(name) == name.size())
    return append_framed(out, comma ? ",\"" : "\"", name, "\":");
  if (comma)
    out += ',';
  append_json_string(out, name);
  out += ':';
}

// A user's type (decl::json_kind) as the value of its JSON kind.
struct custom_value {
  std::string s;
  std::int64_t i = 0;
  double d = 0;
  bool b = false;
  // The value of field `f` (a user's type at `v`) converted by its to_json.
  custom_value(const field_info& f, const void* v) { f.custom->to_json(v, slot(f.k)); }
  // Where to_json writes, for a field of kind `k`.
  void* slot(kind k) noexcept {
    return k == kind::string    ? static_cast<void*>(&s)
           : k == kind::integer ? static_cast<void*>(&i)
           : k == kind::number  ? static_cast<void*>(&d)
                                : static_cast<void*>(&b);
  }
  // A value of kind `k` other than string, as its JSON text. The callers read
  // the members, never slot() cast back: a cast would let the compiler follow
  // the other kinds' paths into this object.
  void append_scalar(std::string& out, kind k) const {
    if (k == kind::integer)
      append_integer(out, i);
    else if (k == kind::number)
      append_number(out, d);
    else
      out += b ? "true" : "false";
  }
};

// Calls `fn(key, element)` for each element of the array or map at `v`.
template <class Fn>
void for_each_element(const field_info& f, const void* v, Fn fn) {
  f.each(v, &fn,
         [](void* ctx, std::string_view key, const void* e) { (*static_cast<Fn*>(ctx))(key, e); });
}

// The value at `v` (what field_info::get returned) of field `f`.
CLERK_BACKEND_DECL void write_value(std::string& out, const field_info& f, const void* v) {
  if (f.custom != nullptr) {
    const custom_value c(f, v);
    if (f.k == kind::string)
      return append_json_string(out, c.s);
    return c.append_scalar(out, f.k);
  }
  switch (f.k) {
    case kind::string:
    case kind::enumeration:
      return append_json_string(out, *static_cast<const std::string*>(v));
    case kind::secret:
      return append_json_string(out, static_cast<const secret*>(v)->reveal());
    case kind::timestamp:
      return append_integer(out, static_cast<const timestamp*>(v)->time_since_epoch().count());
    case kind::integer:
      return append_integer(out, *static_cast<const std::int64_t*>(v));
    case kind::seconds:
      return append_integer(out, static_cast<const std::chrono::seconds*>(v)->count());
    case kind::unix_seconds:
      return append_integer(
          out, static_cast<const std::chrono::sys_seconds*>(v)->time_since_epoch().count());
    case kind::number:
      return append_number(out, *static_cast<const double*>(v));
    case kind::boolean:
      out += *static_cast<const bool*>(v) ? "true" : "false";
      return;
    case kind::json: {
      const auto& j = *static_cast<const raw_json*>(v);
      out += j.empty() ? std::string_view("{}") : j.text();
      return;
    }
    case kind::model:
      return write_object(out, *f.child(), v);
    case kind::variant: {
      std::size_t i = 0;
      const void* a = f.variant->held(v, i);
      if (a == nullptr) {  // valueless: a request refuses it before this
        out += "null";
        return;
      }
      if (i < f.variant->count)
        return write_object(out, *f.variant->alternative(i), a);
      const auto& j = *static_cast<const raw_json*>(a);
      out += j.empty() ? std::string_view("{}") : j.text();
      return;
    }
    case kind::array:
    case kind::map: {
      const bool map = f.k == kind::map;
      out += map ? '{' : '[';
      bool first = true;
      for_each_element(f, v, [&](std::string_view key, const void* e) {
        if (map) {
          write_key(out, key, first);
        } else {
          if (!first)
            out += ',';
          first = false;
        }
        write_value(out, *f.element(), e);
      });
      out += map ? '}' : ']';
      return;
    }
    case kind::constant:
    case kind::rest:
    case kind::header:
      return;
  }
}

CLERK_BACKEND_DECL void write_members(std::string& out, const model_info& info, const void* obj,
                                      bool& first) {
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    if (f.k == kind::constant) {
      write_key(out, f.name, first);
      append_json_string(out, f.constant);
    } else if (f.k == kind::rest) {
      append_members(out, static_cast<const raw_json*>(f.get(obj))->text(), first);
    } else if (f.k != kind::header) {
      if (const void* v = f.get(obj)) {
        write_key(out, f.name, first);
        write_value(out, f, v);
      } else if (f.null_when_unset) {
        write_key(out, f.name, first);
        out += "null";
      }
    }
  }
}

CLERK_BACKEND_DECL void write_object(std::string& out, const model_info& info, const void* obj) {
  out += '{';
  bool first = true;
  write_members(out, info, obj, first);
  out += '}';
}

// One line whatever the answer held: strings, an enum's text, map keys and
// header values go through redact_one_line, so a hostile "\n" cannot forge a
// log line nor an ESC reach a terminal.
CLERK_BACKEND_DECL void print_value(std::ostream& os, const field_info& f, const void* v) {
  if (f.custom != nullptr) {
    const custom_value c(f, v);
    if (f.k == kind::string) {
      os << http::redact_one_line(c.s);
    } else {
      std::string text;
      c.append_scalar(text, f.k);
      os << text;
    }
    return;
  }
  switch (f.k) {
    case kind::string:
    case kind::enumeration:
      os << http::redact_one_line(*static_cast<const std::string*>(v));
      return;
    case kind::secret:
      if (f.as_url) {
        std::string line;
        append_escaped_line(line, http::redact_url(static_cast<const secret*>(v)->reveal()), true);
        os << line;
      } else {
        os << http::redacted;
      }
      return;
    case kind::timestamp:
      os << format_timestamp(*static_cast<const timestamp*>(v));
      return;
    case kind::integer:
      os << *static_cast<const std::int64_t*>(v);
      return;
    case kind::seconds:
      os << static_cast<const std::chrono::seconds*>(v)->count() << 's';
      return;
    case kind::number: {
      std::string n;
      append_number(n, *static_cast<const double*>(v));
      os << n;
      return;
    }
    case kind::boolean:
      os << (*static_cast<const bool*>(v) ? "true" : "false");
      return;
    case kind::json:
    case kind::rest:
      os << *static_cast<const raw_json*>(v);
      return;
    case kind::unix_seconds: {
      const auto t = *static_cast<const std::chrono::sys_seconds*>(v);
      const std::int64_t n = t.time_since_epoch().count();
      if (n > INT64_MAX / 1000 || n < -(INT64_MAX / 1000))
        os << n << 's';  // beyond a count of milliseconds (a JWT's exp may be)
      else
        os << format_timestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
      return;
    }
    case kind::model:
      return print_object(os, *f.child(), v);
    case kind::variant: {
      std::size_t i = 0;
      const void* a = f.variant->held(v, i);
      if (a == nullptr)
        os << "(valueless)";
      else if (i < f.variant->count)
        print_object(os, *f.variant->alternative(i), a);
      else
        os << *static_cast<const raw_json*>(a);
      return;
    }
    case kind::array:
    case kind::map: {
      const bool map = f.k == kind::map;
      os << (map ? '{' : '[');
      const char* sep = "";
      for_each_element(f, v, [&](std::string_view key, const void* e) {
        os << sep;
        sep = ", ";
        if (map)
          os << http::redact_one_line(key) << '=';
        print_value(os, *f.element(), e);
      });
      os << (map ? '}' : ']');
      return;
    }
    case kind::header:
      if (f.is_secret)
        os << http::redacted;
      else
        os << http::redact_one_line(*static_cast<const std::string*>(v));
      return;
    case kind::constant:
      return;
  }
}

CLERK_BACKEND_DECL void print_object(std::ostream& os, const model_info& info, const void* obj) {
  os << info.name << '{';
  bool first = true;
  auto key = [&](std::string_view name) {
    os << (first ? "" : ", ") << name << '=';
    first = false;
  };
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    if (f.k == kind::constant)
      continue;
    if (f.k == kind::rest) {
      const auto* j = static_cast<const raw_json*>(f.get(obj));
      if (!j->empty()) {
        key("other");
        os << *j;
      }
      continue;
    }
    key(f.name);
    if (const void* v = f.get(obj))
      print_value(os, f, v);
    else
      os << "(none)";
  }
  os << '}';
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
