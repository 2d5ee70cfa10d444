// Definitions for <clerk/detail/response.hpp>: status checks, ClerkErrors,
// and the one streaming parser of declared models.
#ifndef CLERK_IMPL_RESPONSE_IPP
#define CLERK_IMPL_RESPONSE_IPP

#include <clerk/detail/response.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/media_type.hpp>
#include <clerk/retry_after.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

namespace json = boost::json;

// The length of the longest prefix of `s` no longer than `limit` bytes that
// does not end inside a UTF-8 character.
inline std::size_t utf8_cut(std::string_view s, std::size_t limit) {
  if (s.size() <= limit)
    return s.size();
  std::size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80)
    --n;
  return n;
}

inline std::string in_quotes(std::string_view name) {
  std::string s = "\"";
  s.append(name);
  s += '"';
  return s;
}

CLERK_BACKEND_DECL unexpected_response make_unexpected(const http_response& r,
                                                       std::string problem) {
  unexpected_response u;
  u.status = r.status;
  u.content_type = std::string(r.headers.find("content-type").value_or(""));
  std::string_view head(r.body.data(), utf8_cut(r.body, body_excerpt_limit));
  u.body_excerpt = http::redact(head);
  u.raw_body_excerpt = secret(std::string(head));
  u.body_size = r.body.size();
  u.problem = std::move(problem);
  u.clerk_trace_id = std::string(r.headers.find("clerk-trace-id").value_or(""));
  if (auto ra = r.headers.find("retry-after"))
    u.retry_after = http::parse_retry_after(*ra);
  return u;
}

// A string of a ClerkErrors body as stored: cut at the limit on a UTF-8
// boundary, then redacted, so that no error keeps a live secret.
inline std::string truncated(const json::string& s, const response_limits& lim) {
  std::string_view v(s.data(), s.size());
  return http::redact(v.substr(0, utf8_cut(v, lim.max_string_bytes)));
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
      ce.meta = raw_json(json::serialize(m->get_object()));
    a.errors.push_back(std::move(ce));
  }
  if (const json::value* m = o->if_contains("meta"); m && m->is_object())
    a.meta = raw_json(json::serialize(m->get_object()));
  if (const json::value* t = o->if_contains("clerk_trace_id");
      t && t->is_string() && !t->get_string().empty())
    a.clerk_trace_id = truncated(t->get_string(), lim);
  else
    a.clerk_trace_id = std::string(r.headers.find("clerk-trace-id").value_or(""));
  if (auto ra = r.headers.find("retry-after"))
    a.retry_after = http::parse_retry_after(*ra);
  return a;
}

// At least the number of values in a JSON text: each one but the first
// follows a comma or opens its container. Commas, brackets and braces inside
// strings are skipped (a message may hold thousands); in text that is not
// JSON the count is whatever it is, and the parse refuses the text anyway.
inline std::size_t json_values_bound(std::string_view text) noexcept {
  std::size_t n = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      i = skip_json_string(text, i);
    } else {
      n += c == ',' || c == '[' || c == '{';
      ++i;
    }
  }
  return n;
}

inline json::parse_options parse_options_for(const response_limits& lim) {
  json::parse_options opts;
  opts.max_depth = lim.max_depth;
  return opts;
}

CLERK_BACKEND_DECL std::optional<error> check_response(const http_response& r,
                                                       const response_limits& lim) {
  if (r.body.size() > lim.max_body_bytes)
    return error(make_unexpected(r, "body of " + std::to_string(r.body.size()) +
                                        " bytes exceeds the limit of " +
                                        std::to_string(lim.max_body_bytes) + " bytes"));
  const auto content_type = r.headers.find("content-type");
  const bool is_json = content_type && http::is_json_media_type(*content_type);

  if (r.status < 200 || r.status > 299) {
    std::string problem = "error status without a ClerkErrors body";
    // Only a 4xx or 5xx is Clerk's answer of an error. Error bodies are small
    // and rare: a DOM in a stack arena is simplest. Its heap grows with the
    // values, hence the bound: a body of more values than the element budget
    // (which no ClerkErrors is) is not built; nor one that repeats a name,
    // of whose two values the DOM would keep one, silently.
    if (r.status >= 400 && r.status <= 599 && is_json && !r.body.empty() &&
        json_values_bound(r.body) <= lim.max_array_elements) {
      auto m = check_members(r.body, nullptr, lim.max_depth);
      if (m && m->reason.starts_with("must not repeat")) {
        problem = "error status whose body repeats a member name";
      } else if (!m) {
        unsigned char buffer[4096];
        json::monotonic_resource arena(buffer, sizeof buffer);
        boost::system::error_code ec;
        json::value doc = json::parse(r.body, ec, &arena, parse_options_for(lim));
        if (!ec)
          if (auto a = read_clerk_errors(r, doc, lim))
            return error(std::move(*a));
      }
    }
    if (r.status >= 300 && r.status <= 399)
      problem = "a redirect, not followed: the request carries the secret key";
    else if (r.status < 100 || r.status > 599)
      problem = "not an HTTP status";
    else if (r.status < 200)
      problem = "an interim (1xx) status, not a final answer";
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

// The basic_parser handler behind every model. It never stops the parse for a
// field problem: it keeps the first one and lets the parser finish, so that a
// syntax error anywhere in the body takes precedence over it. From that
// problem on it builds nothing: no model, array element or captured text is
// begun (only the scalar fields of the models already open are still filled,
// for unexpected_response::partial), so a hostile body costs no more to
// refuse than to read.
inline constexpr model_info no_fields{"", nullptr, 0};

class model_handler {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  model_handler(const model_info& info, void* obj, const response_limits& lim)
      : root_info_(info), root_(obj), lim_(lim) {
    trace_field_.name = "clerk_trace_id";
  }
  // The body is the value of `root` (a bare array...), not a model.
  model_handler(const field_info& root, void* obj, const response_limits& lim)
      : root_info_(no_fields), root_(obj), lim_(lim), root_field_(&root) {}

  // The first problem with the document's content, or empty when the model
  // is complete. Call once the parser has finished without error.
  std::string finish() {
    if (top_kind_ != nullptr)
      return "body is " + std::string(top_kind_) + ", expected a JSON object";
    if (errors_array_ && root_missing_)
      return "a success status with a ClerkErrors body";
    return std::move(problem_);
  }

  std::string& trace_id() noexcept { return trace_; }

  // For check_members, whose model has other members only: the text captured
  // is checked, not kept, and the first top-level member named like one of
  // `declared`'s fields (if any) is noted in declared_name().
  void check_only(const model_info* declared) noexcept {
    check_only_ = true;
    declared_ = declared;
  }
  std::string& declared_name() noexcept { return declared_name_; }

  using ec_t = boost::system::error_code;
  bool on_document_begin(ec_t&) {
    if (root_field_ != nullptr)
      push(frame::root);
    return true;
  }
  bool on_document_end(ec_t&) { return true; }
  bool on_comment_part(std::string_view, ec_t&) { return true; }
  bool on_comment(std::string_view, ec_t&) { return true; }

  bool on_object_begin(ec_t&) {
    settle();
    if (frames_.empty()) {
      open(frame::model, &root_info_, root_);
      return true;
    }
    frame& top = frames_.back();
    if (top.type == frame::skip) {
      push(frame::skip);
    } else if (top.type == frame::capture) {
      capture_separator();
      cap_ += '{';
      push(frame::capture);
    } else if (const field_info* f = begin_value()) {
      if (f->k == kind::model) {
        open(frame::model, f->child(), f->value(target_obj_), f);
      } else if (f->k == kind::map) {
        open(frame::map, nullptr, f->value(target_obj_), f);
        map_keys_.emplace_back();
      } else if (f->k == kind::variant && !check_only_) {
        // Read straight into the alternative its first member names (see
        // on_key); captured whole when that is not its tag (store_variant).
        open(frame::variant_head, nullptr, target_obj_, f);
        head_ = true;
      } else if (f->k == kind::json || f->k == kind::rest || f->k == kind::variant) {
        begin_capture(f);
        cap_ += '{';
        push(frame::capture);
      } else {
        wrong_type(f, "an object");
        push(frame::skip);
      }
    } else {
      push(frame::skip);
    }
    return true;
  }

  bool on_object_end(std::size_t, ec_t&) {
    settle();
    if (frames_.back().type == frame::model)
      check_required();
    else if (frames_.back().type == frame::map)
      map_keys_.pop_back();
    forget_keys();
    bool captured = frames_.back().type == frame::capture;
    frames_.pop_back();
    if (captured) {
      cap_ += '}';
      end_capture_if_done();
    }
    return true;
  }

  bool on_array_begin(ec_t&) {
    settle();
    if (frames_.empty()) {
      top_kind_ = "an array";
      push(frame::skip);
      return true;
    }
    frame& top = frames_.back();
    if (top.type == frame::skip) {
      push(frame::skip);
    } else if (top.type == frame::capture) {
      capture_separator();
      cap_ += '[';
      push(frame::capture);
    } else if (const field_info* f = begin_value()) {
      if (f->k == kind::array) {
        open(frame::array, nullptr, f->value(target_obj_), f);
      } else if (f->k == kind::json || f->k == kind::rest) {
        begin_capture(f);
        cap_ += '[';
        push(frame::capture);
      } else {
        wrong_type(f, "an array");
        push(frame::skip);
      }
    } else {
      if (frames_.size() == 1 && errors_key_)
        errors_array_ = true;
      push(frame::skip);
    }
    return true;
  }

  bool on_array_end(std::size_t, ec_t&) {
    frame top = frames_.back();
    frames_.pop_back();
    if (top.type == frame::capture) {
      cap_ += ']';
      end_capture_if_done();
    }
    return true;
  }

  bool on_key_part(std::string_view s, std::size_t, ec_t&) {
    key_.append(s);
    return true;
  }

  bool on_key(std::string_view s, std::size_t, ec_t&) {
    if (!key_.empty()) {
      key_.append(s);
      s = key_;
    }
    if (head_) {
      if (s == frames_.back().field->variant->tag) {  // its value picks the alternative
        frames_.back().index = 1;
        key_.clear();
        return true;
      }
      head_to_capture();
    }
    frame& top = frames_.back();
    if (top.strict && top.type != frame::capture && s.size() > lim_.max_string_bytes) {
      // As a captured object's would be: see string_piece.
      current_ = nullptr;
      note_too_long("a member name in field " + in_quotes(strict_path()));
    } else if (top.type == frame::capture) {
      capture_key(s);
    } else if (top.type == frame::model) {
      select_field(top, s);
    } else if (top.type == frame::map) {
      select_key(top, s);
    } else if (top.type == frame::skip && top.strict) {
      remember_key(s);
    }
    key_.clear();
    return true;
  }

  bool on_string_part(std::string_view s, std::size_t n, ec_t&) {
    settle();
    string_piece(s, n, false);
    return true;
  }
  bool on_string(std::string_view s, std::size_t n, ec_t&) {
    if (frames_.empty())
      top_kind_ = "a string";
    else if (head_ && !head_to_alternative(s, n))
      head_to_capture();
    string_piece(s, n, true);
    return true;
  }

  bool on_number_part(std::string_view s, ec_t&) {
    settle();
    if (capturing())
      number_text(s, false);
    else
      num_.append(s);
    return true;
  }
  bool on_int64(std::int64_t v, std::string_view s, ec_t&) {
    settle();
    std::string text = std::move(num_);
    num_.clear();
    text.append(s);
    s = text;
    if (frames_.empty())
      top_kind_ = "an integer";
    else if (capturing())
      number_text(s, true);
    else if (const field_info* f = begin_value()) {
      if (f->has_min && v < f->min)
        note("field " + in_quotes(path(f)) + " is below its minimum of " + std::to_string(f->min));
      else if (f->has_max && v > f->max)
        note("field " + in_quotes(path(f)) + " is above its maximum of " + std::to_string(f->max));
      else if (f->k == kind::timestamp)
        store(f, timestamp(std::chrono::milliseconds(v)));
      else if (f->k == kind::unix_seconds)
        store(f, std::chrono::sys_seconds(std::chrono::seconds(v)));
      else if (f->k == kind::seconds)
        store(f, std::chrono::seconds(v));
      else if (f->k == kind::integer)
        store(f, v);
      else if (f->k == kind::number)
        store(f, static_cast<double>(v));
      else if (f->k == kind::rest || f->k == kind::json)
        scalar_capture(f, s);
      else
        wrong_type(f, "an integer");
    }
    return true;
  }
  bool on_uint64(std::uint64_t v, std::string_view s, ec_t&) {
    settle();
    std::string text = std::move(num_);
    num_.clear();
    text.append(s);
    s = text;
    if (frames_.empty())
      top_kind_ = "an integer";
    else if (capturing())
      number_text(s, true);
    else if (const field_info* f = begin_value()) {
      if (f->k == kind::timestamp || f->k == kind::integer || f->k == kind::unix_seconds ||
          f->k == kind::seconds)
        note("field " + in_quotes(path(f)) + " is out of range");
      else if (f->k == kind::number && f->has_max)  // above any int64 bound
        note("field " + in_quotes(path(f)) + " is above its maximum of " + std::to_string(f->max));
      else if (f->k == kind::number)
        store(f, static_cast<double>(v));
      else if (f->k == kind::rest || f->k == kind::json)
        scalar_capture(f, s);
      else
        wrong_type(f, "an integer");
    }
    return true;
  }
  bool on_double(double v, std::string_view s, ec_t&) {
    settle();
    std::string text = std::move(num_);
    num_.clear();
    text.append(s);
    s = text;
    if (frames_.empty())
      top_kind_ = "a non-integer number";
    else if (capturing())
      number_text(s, true);
    else if (const field_info* f = begin_value()) {
      if (f->k == kind::number && !std::isfinite(v))  // 1e400: Boost.JSON gives inf
        note("field " + in_quotes(path(f)) + " is out of range");
      else if (f->k == kind::number && f->has_min && v < static_cast<double>(f->min))
        note("field " + in_quotes(path(f)) + " is below its minimum of " + std::to_string(f->min));
      else if (f->k == kind::number && f->has_max && v > static_cast<double>(f->max))
        note("field " + in_quotes(path(f)) + " is above its maximum of " + std::to_string(f->max));
      else if (f->k == kind::number)
        store(f, v);
      else if (f->k == kind::rest || f->k == kind::json)
        scalar_capture(f, s);
      else
        wrong_type(f, "a non-integer number");
    }
    return true;
  }
  bool on_bool(bool b, ec_t&) {
    settle();
    if (frames_.empty())
      top_kind_ = "a boolean";
    else if (capturing())
      literal(b ? "true" : "false");
    else if (const field_info* f = begin_value()) {
      if (f->k == kind::boolean)
        store(f, b);
      else if (f->k == kind::rest || f->k == kind::json)
        scalar_capture(f, b ? "true" : "false");
      else
        wrong_type(f, "a boolean");
    }
    return true;
  }
  bool on_null(ec_t&) {
    settle();
    if (frames_.empty())
      top_kind_ = "null";
    else if (capturing())
      literal("null");
    else if (const field_info* f = begin_value()) {
      if (f->nullable && !f->never_null)
        f->reset(target_obj_);
      else if (f->k == kind::rest || f->k == kind::json)
        scalar_capture(f, "null");
      else
        wrong_type(f, "null");
    }
    return true;
  }

 private:
  struct frame {
    // root: the body when it is not a model (its one value is root_field_);
    // map: an object whose member names are keys (map_keys_ holds the current one).
    // variant_head: a variant's object before its first member, or between
    // its tag's name and value (index 1); obj is what holds the variant.
    enum type_t : unsigned char { model, array, map, skip, capture, root, variant_head } type;
    const model_info* info;   // model: its own
    void* obj;                // model: the object; array, map: the container
    const field_info* field;  // the field this container is the value of
    std::uint64_t seen;       // model: the fields met so far, a bit each
    // array: elements begun so far; model: where the search for the next
    // member's field starts (after the last one found: answers mostly come in
    // the declaration's order).
    std::size_t index;
    bool first;   // capture: nothing written at this level yet
    bool strict;  // inside a variant read straight into its alternative: see open()
  };

  // The open objects and arrays: the first eight in place (no allocation for
  // the usual answer), deeper ones on the heap, up to the depth limit.
  class frame_stack {
   public:
    bool empty() const noexcept { return n_ == 0; }
    std::size_t size() const noexcept { return n_; }
    frame& operator[](std::size_t i) noexcept {
      return i < in_place ? first_[i] : rest_[i - in_place];
    }
    const frame& operator[](std::size_t i) const noexcept {
      return i < in_place ? first_[i] : rest_[i - in_place];
    }
    frame& back() noexcept { return (*this)[n_ - 1]; }
    const frame& back() const noexcept { return (*this)[n_ - 1]; }
    void push_back(const frame& f) {
      if (n_ < in_place)
        first_[n_] = f;
      else
        rest_.push_back(f);
      ++n_;
    }
    void pop_back() noexcept {
      if (--n_ >= in_place)
        rest_.pop_back();
    }

   private:
    static constexpr std::size_t in_place = 8;
    frame first_[in_place];  // written by push_back before it is read
    std::vector<frame> rest_;
    std::size_t n_ = 0;
  };

  // Opens a container. Inside a variant read straight into its alternative
  // (a strict frame, and all it holds) every member name is remembered, as a
  // captured object's are, so that a repeated name anywhere in the variant's
  // object is refused as it would be had the object been captured whole.
  void open(frame::type_t t, const model_info* info = nullptr, void* obj = nullptr,
            const field_info* field = nullptr) {
    const bool strict = !frames_.empty() && frames_.back().strict;
    frames_.push_back({t, info, obj, field, 0, 0, true, strict});
  }
  void push(frame::type_t t) { open(t); }

  bool capturing() const noexcept {
    return !frames_.empty() && frames_.back().type == frame::capture;
  }

  void note(std::string p) {
    if (problem_.empty())
      problem_ = std::move(p);
  }
  // `what` (a string or member name, and where) is over max_string_bytes.
  void note_too_long(std::string what) {
    note(std::move(what) + " is longer than the limit of " + std::to_string(lim_.max_string_bytes) +
         " bytes");
  }

  // The dotted name of the value that begins in the innermost container: its
  // field `f` in a model ("actor.sub", "sessions[2].id"), its element in an
  // array ("[3]", "tags[0]") or its key in a map ("scores.math").
  // With `depth`, the value that began in the frame at that depth: a
  // capture's field, named from the frames below its captured values.
  std::string path(const field_info* f, std::size_t depth = std::size_t(-1)) const {
    const std::size_t n = std::min(depth, frames_.size());
    std::string s = prefix_;
    std::size_t map = 0;  // map frames met, against map_keys_
    auto segment = [&](const frame& parent, const field_info* of) {
      if (parent.type == frame::model) {
        if (!s.empty())
          s += '.';
        if (of != nullptr)
          s.append(of->name);
      } else if (parent.type == frame::array) {
        s += '[';
        s += std::to_string(parent.index == 0 ? 0 : parent.index - 1);
        s += ']';
      } else if (parent.type == frame::map) {
        if (!s.empty())
          s += '.';
        s.append(map_keys_[map++]);
      }
    };
    for (std::size_t i = 1; i < n; ++i)
      segment(frames_[i - 1], frames_[i].field);
    if (n != 0)
      segment(frames_[n - 1], f);
    return s;
  }

  // `what` about the value that begins now ("field \"a.b\" is empty"), or
  // about the body when that value is the whole body.
  std::string field_at(const field_info* f) const {
    std::string p = path(f);
    return p.empty() && frames_.size() == 1 && frames_[0].type == frame::root
               ? std::string("body")
               : "field " + in_quotes(p);
  }

  // The field the value that starts now belongs to, or nullptr when it is
  // to be skipped. target_obj_ is then where value() finds it: the object
  // that holds it, the array it is appended to, or slot_ for a map.
  const field_info* begin_value() {
    frame& top = frames_.back();
    if (top.type == frame::root) {
      if (top.index++ != 0)
        return nullptr;
      target_obj_ = root_;
      return root_field_;
    }
    if (top.type == frame::array || top.type == frame::map) {
      const field_info* element = top.field->element();
      if (top.type == frame::array)
        ++top.index;
      else if (std::exchange(current_, nullptr) == nullptr)
        return nullptr;  // a key refused
      if (!problem_.empty())
        return nullptr;
      // Counted as it begins, before it is built: an element costs its
      // sizeof however little of the body it takes ("{}").
      if (++elements_ > lim_.max_array_elements) {
        note(field_at(element) + " is beyond the limit of " +
             std::to_string(lim_.max_array_elements) + " array elements");
        return nullptr;
      }
      if (top.type == frame::map) {
        slot_ = {top.obj, map_keys_.back()};
        target_obj_ = &slot_;
      } else {
        target_obj_ = top.obj;
      }
      return element;
    }
    if (top.type != frame::model)
      return nullptr;
    const field_info* f = current_;
    current_ = nullptr;
    target_obj_ = top.obj;
    if (f != nullptr && !problem_.empty() && !is_scalar(f->k))
      return nullptr;
    return f;
  }

  // A member of a map: its key, unless too long or already there.
  void select_key(frame& top, std::string_view key) {
    current_ = nullptr;
    if (!problem_.empty())
      return;
    map_keys_.back().assign(key);
    if (key.size() > lim_.max_string_bytes)
      return note_too_long("a member name in field " + in_quotes(path(top.field)));
    if (top.field->contains(top.obj, key))
      return note("duplicate field " + in_quotes(path(nullptr)));
    current_ = top.field->element();
  }

  // Stores `v` at the field's value, through the user's type if it has one.
  template <class V>
  void store(const field_info* f, V v) {
    void* to = f->value(target_obj_);
    if (f->custom == nullptr)
      *static_cast<V*>(to) = std::move(v);
    else if (!f->custom->from_json(to, &v))
      note(field_at(f) + " holds a value its type refuses");
  }

  void select_field(frame& top, std::string_view key) {
    current_ = nullptr;
    errors_key_ = trace_key_ = false;
    const model_info& info = *top.info;
    const field_info* rest = nullptr;
    // Every field, from top.index round to it: names are distinct, so the
    // order finds the same one.
    for (std::size_t step = 0, i = top.index; step < info.count; ++step, ++i) {
      if (i >= info.count)
        i = 0;
      const field_info& f = info.fields[i];
      if (f.k == kind::rest) {
        rest = &f;
        continue;
      }
      // The first byte before the whole name: JWT claims are many names of
      // one length ("sub", "sid", "exp"), each of which would be a memcmp.
      if (f.k == kind::header || f.name.size() != key.size() ||
          (!key.empty() && f.name[0] != key[0]) || f.name != key)
        continue;
      if (top.seen >> i & 1u) {
        // Two values for one field: which one the server meant is anyone's guess.
        if (top.strict)
          note("duplicate key " + in_quotes(key) + " in field " + in_quotes(strict_path()));
        else
          note("duplicate field " + in_quotes(path(&f)));
        return;
      }
      top.seen |= std::uint64_t{1} << i;
      top.index = i + 1;
      current_ = &f;
      return;
    }
    if (frames_.size() == 1 && prefix_.empty()) {
      if (key == "errors")
        errors_key_ = true;
      else if (key == "clerk_trace_id" && !trace_seen_)
        trace_key_ = true;
    }
    if (rest == nullptr && top.strict)
      remember_key(key);
    if (rest != nullptr) {
      rest_key_.assign(key);
      if (key.size() > lim_.max_string_bytes) {
        std::string where = path(rest);  // "actor." for actor's, "" for the top level's
        where =
            where.empty() ? "the body" : "field " + in_quotes(where.substr(0, where.size() - 1));
        return note_too_long("a member name in " + where);
      }
      remember_key(key);
      current_ = rest;
      if (declared_ != nullptr && frames_.size() == 1 && declared_name_.empty())
        for (std::size_t i = 0; i < declared_->count; ++i)
          if (declared_->fields[i].k != kind::rest && declared_->fields[i].name == key)
            declared_name_.assign(key);
    }
  }

  void wrong_type(const field_info* f, const char* got) {
    const char* expected = "a string";
    switch (f->k) {
      case kind::timestamp:
      case kind::integer:
      case kind::seconds:
      case kind::unix_seconds:
        expected = "an integer";
        break;
      case kind::number:
        expected = "a number";
        break;
      case kind::boolean:
        expected = "a boolean";
        break;
      case kind::model:
      case kind::map:
      case kind::variant:
        expected = "an object";
        break;
      case kind::array:
        expected = "an array";
        break;
      default:
        break;
    }
    note(field_at(f) + " is " + got + ", expected " + expected);
  }

  // Called with the model about to close on top of the stack.
  void check_required() {
    const frame& top = frames_.back();
    const model_info& info = *top.info;
    for (std::size_t i = 0; i < info.count; ++i) {
      const field_info& f = info.fields[i];
      if (!f.required || (top.seen >> i & 1u))
        continue;
      if (frames_.size() == 1)
        root_missing_ = true;
      return note("missing field " + in_quotes(path(&f)));
    }
  }

  // ---- strings ----

  void string_piece(std::string_view s, std::size_t n, bool last) {
    if (frames_.empty())
      return;
    if (capturing()) {
      if (!in_string_) {
        tag_string_ = tag_next_;
        capture_separator();
        cap_ += '"';
        in_string_ = true;
        string_cut_ = false;
      }
      if (n > lim_.max_string_bytes && !string_cut_) {
        string_cut_ = true;
        note_too_long("a string in field " + in_quotes(capture_path()));
      }
      append_json_escaped(cap_, s);
      if (tag_string_ && !string_cut_)
        tag_.append(s);
      if (last) {
        cap_ += '"';
        in_string_ = false;
        tag_found_ = tag_found_ || tag_string_;
        tag_string_ = false;
      }
      return;
    }
    if (!in_string_) {
      in_string_ = true;
      string_field_ = begin_value();
      buf_.clear();
      string_cut_ = false;
      if (frames_.size() == 1 && string_field_ == nullptr && trace_key_) {
        trace_key_ = false;
        trace_seen_ = true;
        string_field_ = &trace_field_;
      } else if (string_field_ != nullptr &&
                 (string_field_->k == kind::rest || string_field_->k == kind::json)) {
        rest_string_ = true;
      }
    }
    const field_info* f = string_field_;
    bool whole = false;  // `s` is the whole string: stored from it, not copied into buf_ first
    if (f == nullptr || rest_string_) {
      // A member skipped inside a variant read in place: its strings are
      // held to the limit as a captured object's are, so that the variant is
      // refused either way.
      if (f == nullptr && n > lim_.max_string_bytes && !string_cut_ && frames_.back().strict) {
        string_cut_ = true;
        note_too_long("a string in field " + in_quotes(strict_path()));
      }
      if (rest_string_ && n > lim_.max_string_bytes && !string_cut_) {
        string_cut_ = true;
        note_too_long("field " + in_quotes(f->k == kind::rest ? path(f) + rest_key_ : path(f)));
      }
      if (rest_string_ && !check_only_) {  // a check keeps no text
        if (buf_.empty())
          buf_ += '"';
        append_json_escaped(buf_, s);
      }
    } else if (f == &trace_field_) {
      if (!string_cut_) {
        buf_.append(s);
        if (buf_.size() > lim_.max_string_bytes) {
          buf_.resize(utf8_cut(buf_, lim_.max_string_bytes));
          string_cut_ = true;
        }
      }
    } else if (f->k == kind::string || f->k == kind::secret || f->k == kind::enumeration ||
               f->k == kind::constant) {
      if (n > lim_.max_string_bytes) {
        if (!string_cut_)
          note_too_long(field_at(f));
        string_cut_ = true;
      } else if (last && buf_.empty()) {
        whole = true;
      } else {
        buf_.append(s);
      }
    } else if (!string_cut_) {
      wrong_type(f, "a string");
      string_cut_ = true;
    }
    if (last)
      end_string(whole ? s : std::string_view(buf_), whole);
  }

  // `text` is the string's value: `s` of the last piece when it came whole,
  // else buf_.
  void end_string(std::string_view text, bool whole) {
    in_string_ = false;
    const field_info* f = string_field_;
    string_field_ = nullptr;
    if (rest_string_) {
      rest_string_ = false;
      if (!check_only_)
        buf_ += '"';
      scalar_capture(f, buf_);  // empty in a check
      return;
    }
    if (f == nullptr || (string_cut_ && f != &trace_field_))
      return;
    if (f == &trace_field_) {
      trace_ = std::move(buf_);
      return;
    }
    if (f->non_empty && text.empty())
      return note(field_at(f) + " is empty");
    if (f->custom != nullptr) {
      store(f, whole ? std::string(text) : std::move(buf_));
      buf_.clear();
      return;
    }
    switch (f->k) {
      case kind::string:
      case kind::enumeration:
        if (whole)
          static_cast<std::string*>(f->value(target_obj_))->assign(text);
        else
          *static_cast<std::string*>(f->value(target_obj_)) = std::move(buf_);
        break;
      case kind::secret:
        // From the parser's buffer (the body) when whole, else from buf_,
        // which the secret wipes.
        *static_cast<secret*>(f->value(target_obj_)) =
            whole ? secret(text) : secret(std::move(buf_));
        break;
      case kind::constant:
        if (text != f->constant)
          note("field " + in_quotes(path(f)) + " is " + in_quotes(text) + ", expected " +
               in_quotes(f->constant));
        break;
      default:
        break;
    }
    buf_.clear();
  }

  // ---- raw JSON capture (raw_json fields and other_members) ----

  // The field a capture is the value of: "meta", or "actor.scope" for one of
  // the other members.
  std::string capture_path() const {
    std::string p = path(cap_field_, cap_depth_);
    if (cap_field_->k == kind::rest)
      p += rest_key_;
    return p;
  }

  // A name remember_key() kept: its object's depth, where it is in key_bytes_.
  struct key_ref {
    std::uint32_t depth, offset, size;
  };

  // Records key `k` of the object on top of the stack. Only the other members
  // and captured objects are tracked (declared fields have their bits): two
  // values for one key are ambiguous, and readers of the captured text would
  // disagree on which one counts. Repeats are found when the object closes,
  // by sorting its keys: a hostile object of many keys costs n log n. A name
  // costs its bytes in key_bytes_ and a 12-byte key_ref, since 1 MiB of
  // "":0 is 200,000 names. Past 32 bits (a body or check_members text over
  // 4 GiB) the object is refused rather than miscounted.
  void remember_key(std::string_view k) {
    if (key_bytes_.size() + k.size() > UINT32_MAX || frames_.size() > UINT32_MAX)
      return note("more than 4 GiB of member names");
    keys_.push_back({static_cast<std::uint32_t>(frames_.size()),
                     static_cast<std::uint32_t>(key_bytes_.size()),
                     static_cast<std::uint32_t>(k.size())});
    key_bytes_.append(k);
  }

  std::string_view key_name(key_ref r) const {
    return std::string_view(key_bytes_).substr(r.offset, r.size);
  }

  // Called with the object about to close on top of the stack: notes a key it
  // repeats, and forgets its keys.
  void forget_keys() {
    auto first = keys_.end();
    while (first != keys_.begin() && std::prev(first)->depth >= frames_.size())
      --first;
    if (first == keys_.end())
      return;
    const std::size_t bytes = first->offset;  // its names are the arena's last
    std::sort(first, keys_.end(),
              [this](key_ref a, key_ref b) { return key_name(a) < key_name(b); });
    auto twice = std::adjacent_find(
        first, keys_.end(), [this](key_ref a, key_ref b) { return key_name(a) == key_name(b); });
    if (twice != keys_.end()) {
      const std::string_view k = key_name(*twice);
      const frame& top = frames_.back();
      if (top.type == frame::capture) {
        note("duplicate key " + in_quotes(k) + " in field " + in_quotes(capture_path()));
      } else if (top.strict) {
        note("duplicate key " + in_quotes(k) + " in field " + in_quotes(strict_path()));
      } else {
        const field_info* rest = top.info->fields;
        while (rest->k != kind::rest)
          ++rest;
        note("duplicate field " + in_quotes(path(rest).append(k)));
      }
    }
    keys_.erase(first, keys_.end());
    key_bytes_.resize(bytes);
  }

  void begin_capture(const field_info* f) {
    cap_field_ = f;
    cap_obj_ = target_obj_;
    cap_depth_ = frames_.size();
    cap_.clear();
    tag_.clear();
    tag_found_ = tag_next_ = tag_string_ = false;
    if (f->k == kind::rest) {
      append_json_string(cap_, rest_key_);
      cap_ += ':';
    }
  }

  void capture_separator() {
    tag_next_ = false;  // a value begins: the tag's, if it was next, is taken
    frame& top = frames_.back();
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!top.first)
      cap_ += ',';
    top.first = false;
  }

  void number_text(std::string_view s, bool last) {
    if (!in_number_) {
      capture_separator();
      in_number_ = true;
    }
    cap_.append(s);
    if (last) {
      in_number_ = false;
      end_capture_if_done();
    }
  }

  void literal(std::string_view s) {
    capture_separator();
    cap_.append(s);
  }

  void scalar_capture(const field_info* f, std::string_view text) {
    begin_capture(f);
    cap_.append(text);
    store_capture();
  }

  void end_capture_if_done() {
    if (frames_.size() == cap_depth_ && cap_field_ != nullptr)
      store_capture();
  }

  void store_capture() {
    if (check_only_) {
      cap_.clear();
      cap_field_ = nullptr;
      return;
    }
    if (cap_field_->k == kind::variant)
      return store_variant();
    std::string& to = enum_access::text(*static_cast<raw_json*>(cap_field_->value(cap_obj_)));
    if (cap_field_->k == kind::json) {
      to = std::move(cap_);
    } else if (to.empty()) {
      to = "{" + cap_ + "}";
    } else {
      to.back() = ',';
      to += cap_;
      to += '}';
    }
    cap_.clear();
    cap_field_ = nullptr;
  }

  // A member name of a captured object.
  void capture_key(std::string_view s) {
    if (s.size() > lim_.max_string_bytes)
      note_too_long("a member name in field " + in_quotes(capture_path()));
    else
      remember_key(s);
    capture_separator();
    append_json_string(cap_, s);
    cap_ += ':';
    after_key_ = true;
    // The variant's tag, a member of the captured object itself.
    tag_next_ = cap_field_->k == kind::variant && frames_.size() == cap_depth_ + 1 &&
                s == cap_field_->variant->tag;
  }

  // ---- variants read straight into their alternative ----
  //
  // Clerk writes a variant's tag first ({"object":"verification_otp",...}):
  // its value then picks the alternative, which is read as any model is, in
  // place, with no text captured and read again. When the first member is
  // not the tag, or its value is not a string naming an alternative, the
  // object is captured instead, from the member names and values read so far,
  // as store_variant reads it. Either way the same answer is accepted or
  // refused, and a problem inside an alternative is named by its path
  // ("verification.status"), but for a string beyond the limit, which a
  // captured object reports against the variant ("verification").

  // Anything but the tag's name or value while a variant's object is at its
  // head: it is captured.
  void settle() {
    if (head_)
      head_to_capture();
  }

  void head_to_capture() {
    const frame head = frames_.back();
    frames_.pop_back();
    head_ = false;
    target_obj_ = head.obj;
    begin_capture(head.field);
    cap_ += '{';
    push(frame::capture);
    if (head.index == 1)  // the tag's name was read: its value comes next
      capture_key(head.field->variant->tag);
  }

  // The tag's value `tag` (the whole string): the alternative it names is
  // made and opened, and the tag's name read into it (its value follows, as
  // any member's). False when it names none, or is beyond the string limit.
  bool head_to_alternative(std::string_view tag, std::size_t n) {
    const frame head = frames_.back();
    const variant_info& v = *head.field->variant;
    if (head.index != 1 || n > lim_.max_string_bytes || !problem_.empty())
      return false;
    std::size_t i = 0;
    while (i < v.count && v.values[i] != tag)
      ++i;
    if (i == v.count)
      return false;
    frames_.pop_back();
    head_ = false;
    void* alternative = v.emplace(head.field->value(head.obj), i);
    open(frame::model, v.alternative(i), alternative, head.field);
    frames_.back().strict = true;
    select_field(frames_.back(), v.tag);
    return true;
  }

  // The path of the outermost variant read straight into its alternative
  // (the first strict frame, looked for only when a problem is noted): what
  // a repeated or too long name or string inside it is reported against.
  std::string strict_path() const {
    std::size_t root = 0;
    while (!frames_[root].strict)
      ++root;
    return path(frames_[root].field, root);
  }

  // The captured object of a variant: the alternative whose constant its tag
  // member names, read from the captured text by a handler of its own (the
  // same limits and element budget, problems named from the
  // variant's path: "verification.status"); else the object kept whole as its
  // raw_json alternative (an unknown or missing tag: a kind of verification
  // newer than this declaration). Reading the value twice costs at most its
  // text again, which the body limit bounds; nothing else is read twice.
  void store_variant() {
    const field_info* f = std::exchange(cap_field_, nullptr);
    std::string text = std::move(cap_);
    cap_.clear();
    if (!problem_.empty())  // nothing more is built past the first problem
      return;
    const variant_info& v = *f->variant;
    std::size_t i = 0;
    while (i < v.count && !(tag_found_ && v.values[i] == tag_))
      ++i;
    void* alternative = v.emplace(f->value(cap_obj_), i);
    if (i == v.count) {
      enum_access::text(*static_cast<raw_json*>(alternative)) = std::move(text);
      return;
    }
    json::basic_parser<model_handler> p(parse_options_for(lim_), *v.alternative(i), alternative,
                                        lim_);
    p.handler().prefix_ = path(f);
    p.handler().elements_ = elements_;  // one budget for the whole answer
    boost::system::error_code ec;
    p.write_some(false, text.data(), text.size(), ec);
    elements_ = p.handler().elements_;
    if (ec)  // the text is the parser's own capture: not expected
      return note("field " + in_quotes(p.handler().prefix_) +
                  " could not be read again: " + ec.message());
    if (std::string problem = p.handler().finish(); !problem.empty())
      note(std::move(problem));
  }

  const model_info& root_info_;
  void* root_;
  const response_limits& lim_;
  frame_stack frames_;
  const char* top_kind_ = nullptr;  // set when the document is not an object
  const field_info* current_ = nullptr;
  void* target_obj_ = nullptr;
  const field_info* root_field_ = nullptr;  // see the second constructor
  map_slot slot_{};
  std::vector<std::string> map_keys_;  // each open map's current key
  field_info trace_field_{};
  const field_info* string_field_ = nullptr;
  const field_info* cap_field_ = nullptr;
  void* cap_obj_ = nullptr;
  std::size_t cap_depth_ = 0;
  std::size_t elements_ = 0;  // model array elements begun, against max_array_elements
  bool in_string_ = false, in_number_ = false, string_cut_ = false, rest_string_ = false;
  bool after_key_ = false;
  bool head_ = false;  // a variant_head frame is on top
  bool errors_key_ = false, errors_array_ = false, root_missing_ = false;
  bool trace_key_ = false, trace_seen_ = false;
  bool check_only_ = false;  // see check_only()
  // A variant being captured: its tag member is next, its value is being
  // read (into tag_), it was read.
  bool tag_next_ = false, tag_string_ = false, tag_found_ = false;
  std::string tag_;
  std::string prefix_;  // a variant's alternative: the variant's path
  std::string key_, buf_, cap_, num_, rest_key_, trace_, problem_;
  std::vector<key_ref> keys_;             // see remember_key()
  std::string key_bytes_;                 // their names, end to end
  const model_info* declared_ = nullptr;  // see check_only()
  std::string declared_name_;
};

// Reads the body with a model_handler made of `args`: the first problem, or nullopt.
template <class... Args>
std::optional<unexpected_response> read_body(const http_response& r, const response_limits& lim,
                                             Args&&... args) {
  json::basic_parser<model_handler> p(parse_options_for(lim), std::forward<Args>(args)..., lim);
  boost::system::error_code ec;
  std::size_t n = p.write_some(false, r.body.data(), r.body.size(), ec);
  if (!ec && n < r.body.size())
    ec = json::error::extra_data;
  if (ec)
    return make_unexpected(r, "body is not valid JSON: " + ec.message());
  if (std::string problem = p.handler().finish(); !problem.empty()) {
    auto u = make_unexpected(r, std::move(problem));
    if (!p.handler().trace_id().empty())
      u.clerk_trace_id = std::move(p.handler().trace_id());
    return u;
  }
  return std::nullopt;
}

CLERK_BACKEND_DECL std::optional<unexpected_response> parse_model(const model_info& info, void* obj,
                                                                  const http_response& r,
                                                                  const response_limits& lim) {
  if (auto u = read_body(r, lim, info, obj))
    return u;
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    if (f.k != kind::header)
      continue;
    if (auto v = r.headers.find(f.name)) {
      // value() of a header field points at a std::string or a secret.
      void* to = f.value(obj);
      if (f.is_secret)
        *static_cast<secret*>(to) = secret(std::string(*v));
      else
        *static_cast<std::string*>(to) = std::string(*v);
    }
  }
  return std::nullopt;
}

CLERK_BACKEND_DECL std::optional<members_problem> check_members(std::string_view object_text,
                                                                const model_info* declared,
                                                                std::size_t max_depth) {
  // A model of other members only, checked and not kept (so it has no
  // object): the parser refuses a repeated member name at any depth of what
  // it captures, and notes a declared field's name.
  field_info rest{};
  rest.k = kind::rest;
  const model_info info{"", &rest, 1};
  response_limits lim;
  lim.max_string_bytes = std::size_t(-1);
  lim.max_depth = max_depth;
  json::basic_parser<model_handler> p(parse_options_for(lim), info, nullptr, lim);
  p.handler().check_only(declared);
  boost::system::error_code ec;
  std::size_t n = p.write_some(false, object_text.data(), object_text.size(), ec);
  std::string problem = ec || n < object_text.size() ? "not JSON" : p.handler().finish();
  if (problem.starts_with("duplicate "))
    return members_problem{{}, "must not repeat a member name: " + std::move(problem)};
  if (!problem.empty())  // not JSON, or not an object
    return members_problem{{}, "must be the text of a JSON object"};
  if (std::string& name = p.handler().declared_name(); !name.empty())
    return members_problem{std::move(name), "is a declared field, not one of the other members"};
  return std::nullopt;
}

// What the half-read model at `obj` still says about the resource.
inline void fill_partial(unexpected_response& u, const model_info& info, const void* obj) {
  partial_resource p;
  for (std::size_t i = 0; i < info.count; ++i) {
    const field_info& f = info.fields[i];
    if (f.k == kind::string && !f.nullable && f.name == "id") {
      p.id = *static_cast<const std::string*>(f.get(obj));
    } else if (f.k == kind::secret) {
      const auto* s = static_cast<const secret*>(f.get(obj));
      if (s != nullptr && (f.nullable || !s->empty()))
        p.secrets.emplace_back(std::string(f.name), *s);
    }
  }
  if (!p.id.empty() || !p.secrets.empty())
    u.partial = std::move(p);
}

// What a 2xx refused before parsing (over the body limit, not labelled JSON)
// still says of the resource it may have made, read into `obj` by the same
// bounded parser from at most max_body_bytes of the body: the transport reads
// no more than one byte beyond that, but a caller's own may hand over more.
inline void salvage_partial(unexpected_response& u, const model_info& info, void* obj,
                            const http_response& r, const response_limits& lim) {
  json::basic_parser<model_handler> p(parse_options_for(lim), info, obj, lim);
  boost::system::error_code ec;
  const std::size_t n = std::min(r.body.size(), lim.max_body_bytes);
  p.write_some(n < r.body.size(), r.body.data(), n, ec);
  fill_partial(u, info, obj);
}

// Adds the wire name of each secret that field `f` (named `name`) holds, in
// it or in the models, elements and alternatives under it, `depth` levels down.
inline void add_secret_names(const field_info& f, std::string_view name,
                             std::vector<std::string_view>& names, int depth) {
  const auto model = [&](const model_info& m) {
    for (std::size_t i = 0; i < m.count; ++i)
      add_secret_names(m.fields[i], m.fields[i].name, names, depth - 1);
  };
  if (depth == 0)
    return;
  if (f.k == kind::secret && !name.empty())
    names.push_back(name);
  else if (f.k == kind::model)
    model(*f.child());
  else if (f.k == kind::array || f.k == kind::map)
    add_secret_names(*f.element(), name, names, depth - 1);
  else if (f.k == kind::variant)
    for (std::size_t i = 0; i < f.variant->count; ++i)
      model(*f.variant->alternative(i));
}

// `text` (a body's excerpt) with the string value of each member named in
// `names` replaced, at any depth and up to a cut at the excerpt's end.
inline std::string hide_members(std::string_view text, const std::vector<std::string_view>& names) {
  std::string out;
  bool named = false, hide = false;  // after a secret's name; after its colon
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c != '"') {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        hide = c == ':' && named;
        named = false;
      }
      out += c;
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < text.size() && text[end] != '"')
      end += text[end] == '\\' ? 2 : 1;
    end = std::min(end, text.size());
    const std::string_view content = text.substr(i + 1, end - i - 1);
    if (hide)
      out += "\"[redacted]";
    else
      out.append(text.substr(i, end - i));
    if (end < text.size())
      out += '"';
    // As sent: a name spelt with escapes ("tok\u0065n") is the secret's too.
    named = !hide && end < text.size() &&
            std::any_of(names.begin(), names.end(),
                        [&](std::string_view name) { return json_string_is(content, name); });
    hide = false;
    i = end + 1;
  }
  return out;
}

// The excerpt of a 2xx answer, printed by error::message(), shows no secret
// the operation's answer declares: the one that failed may still have made
// it (a created M2M token, an API key's secret), and http::redact knows only
// the shapes of keys and JWTs. raw_body_excerpt keeps the text.
inline void hide_declared_secrets(unexpected_response& u, const field_info& root) {
  std::vector<std::string_view> names;
  add_secret_names(root, "", names, 16);
  if (!names.empty())
    u.body_excerpt = hide_members(u.body_excerpt, names);
}

CLERK_BACKEND_DECL std::optional<error> parse_into(const field_info& root, void* obj,
                                                   const http_response& r,
                                                   const response_limits& lim) {
  const model_info* info = root.k == kind::model ? root.child() : nullptr;  // else a bare array...
  std::optional<unexpected_response> u;
  if (auto e = check_response(r, lim)) {
    if (r.status < 200 || r.status > 299 || r.body.empty())
      return e;
    u = *e->as_unexpected_response();  // a 2xx fails as nothing else
    if (info != nullptr)
      salvage_partial(*u, *info, obj, r, lim);
  } else {
    u = info != nullptr ? parse_model(*info, obj, r, lim) : read_body(r, lim, root, obj);
    if (!u)
      return std::nullopt;
    if (info != nullptr)
      fill_partial(*u, *info, obj);
  }
  hide_declared_secrets(*u, root);
  return error(std::move(*u));
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
