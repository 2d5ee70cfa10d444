// Reads a SignInToken body straight into the model in one pass: no DOM, no
// copies beyond the model's own strings.
#ifndef CLERK_DETAIL_SIGN_IN_TOKEN_PARSER_HPP
#define CLERK_DETAIL_SIGN_IN_TOKEN_PARSER_HPP

#include <clerk/config.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/result.hpp>
#include <clerk/sign_in_token.hpp>
#include <clerk/version.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

// A basic_parser handler. It never stops the parse for a field problem: it
// keeps the first one and lets the parser finish, so that a syntax error
// anywhere in the body takes precedence over it.
class sign_in_token_handler {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  sign_in_token_handler(const response_limits& lim, sign_in_token& out) : lim_(lim), out_(out) {}

  // The first problem with the document's content, or empty when `out` is a
  // complete sign-in token. Call once the parser has finished without error.
  std::string finish() {
    if (top_kind_ != nullptr)
      return "body is " + std::string(top_kind_) + ", expected a JSON object";
    if (has(errors) && !has(object))
      return "a success status with a ClerkErrors body";
    if (!problem_.empty())
      return std::move(problem_);
    for (field f : {object, id, status, user_id, created_at, updated_at})
      if (!has(f))
        return "missing field " + in_quotes(name(f));
    if (out_.object != "sign_in_token")
      return "field \"object\" is " + in_quotes(out_.object) + ", expected \"sign_in_token\"";
    if (out_.id.empty())
      return "field \"id\" is empty";
    out_.status = sign_in_token_status(std::move(status_));
    if (has_value_[token])
      out_.token.emplace(std::move(token_));
    if (has_value_[url])
      out_.url.emplace(std::move(url_));
    return {};
  }

  // clerk_trace_id, when the body had one at the top level.
  std::string& trace_id() noexcept { return trace_id_; }

  using ec_t = boost::system::error_code;
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) {
    if (depth_ == 1)
      wrong_type("an object");
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, ec_t&) {
    --depth_;
    return true;
  }
  bool on_array_begin(ec_t&) {
    if (depth_ == 0)
      top_kind_ = "an array";
    if (depth_ == 1)
      wrong_type("an array");
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, ec_t&) {
    --depth_;
    return true;
  }
  bool on_key_part(std::string_view s, std::size_t, ec_t&) {
    if (depth_ == 1)
      key_.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, ec_t&) {
    if (depth_ != 1)
      return true;
    if (!key_.empty()) {
      key_.append(s);
      s = key_;
    }
    begin_value(lookup(s));
    key_.clear();
    return true;
  }
  bool on_string_part(std::string_view s, std::size_t n, ec_t&) {
    if (depth_ == 1)
      append(s, n);
    return true;
  }
  bool on_string(std::string_view s, std::size_t n, ec_t&) {
    if (depth_ == 0)
      top_kind_ = "a string";
    if (depth_ == 1)
      append(s, n);
    return true;
  }
  bool on_number_part(std::string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t v, std::string_view, ec_t&) {
    if (depth_ == 0)
      top_kind_ = "an integer";
    if (depth_ == 1)
      integer(v, true);
    return true;
  }
  bool on_uint64(std::uint64_t, std::string_view, ec_t&) {
    if (depth_ == 0)
      top_kind_ = "an integer";
    if (depth_ == 1)
      integer(0, false);
    return true;
  }
  bool on_double(double, std::string_view, ec_t&) {
    if (depth_ == 0)
      top_kind_ = "a non-integer number";
    if (depth_ == 1)
      wrong_type("a non-integer number");
    return true;
  }
  bool on_bool(bool, ec_t&) {
    if (depth_ == 0)
      top_kind_ = "a boolean";
    if (depth_ == 1)
      wrong_type("a boolean");
    return true;
  }
  bool on_null(ec_t&) {
    if (depth_ == 0)
      top_kind_ = "null";
    if (depth_ == 1 && current_ != token && current_ != url)
      wrong_type("null");
    return true;
  }
  bool on_comment_part(std::string_view, ec_t&) { return true; }
  bool on_comment(std::string_view, ec_t&) { return true; }

 private:
  enum field : unsigned {
    object,
    id,
    status,
    user_id,
    token,
    url,
    created_at,
    updated_at,
    errors,
    clerk_trace_id,
    other
  };

  static std::string_view name(field f) noexcept {
    constexpr std::string_view names[] = {
        "object", "id",         "status",     "user_id", "token",
        "url",    "created_at", "updated_at", "errors",  "clerk_trace_id"};
    return f < other ? names[f] : std::string_view("?");
  }

  static field lookup(std::string_view key) noexcept {
    for (unsigned f = 0; f < other; ++f)
      if (name(field(f)) == key)
        return field(f);
    return other;
  }

  static bool is_integer_field(field f) noexcept { return f == created_at || f == updated_at; }

  bool has(field f) const noexcept { return (seen_ >> f) & 1u; }

  void note(std::string p) {
    if (problem_.empty())
      problem_ = std::move(p);
  }

  void begin_value(field f) {
    current_ = f;
    target_ = nullptr;
    if (f == other)
      return;
    if (has(f)) {
      // Two values for one field: which one the server meant is anyone's guess.
      if (f < errors)
        note("duplicate field " + in_quotes(name(f)));
      current_ = other;
      return;
    }
    seen_ |= 1u << f;
    switch (f) {
      case object:
        target_ = &out_.object;
        break;
      case id:
        target_ = &out_.id;
        break;
      case status:
        target_ = &status_;
        break;
      case user_id:
        target_ = &out_.user_id;
        break;
      case token:
        target_ = &token_;
        break;
      case url:
        target_ = &url_;
        break;
      case clerk_trace_id:
        target_ = &trace_id_;
        break;
      default:
        break;
    }
  }

  void wrong_type(const char* kind) {
    if (current_ >= errors)  // not a field of the token
      return;
    note("field " + in_quotes(name(current_)) + " is " + kind + ", expected " +
         (is_integer_field(current_) ? "an integer" : "a string"));
    target_ = nullptr;
    current_ = other;
  }

  // A string value (or a part of one, `n` bytes long so far).
  void append(std::string_view s, std::size_t n) {
    if (current_ == other || current_ == errors)
      return;
    if (is_integer_field(current_))
      return wrong_type("a string");
    if (target_ == nullptr)
      return;
    if (n > lim_.max_string_bytes) {
      if (current_ != clerk_trace_id)
        note("field " + in_quotes(name(current_)) + " is longer than the limit of " +
             std::to_string(lim_.max_string_bytes) + " bytes");
      target_ = nullptr;
      return;
    }
    target_->append(s);
    has_value_[current_] = true;
  }

  void integer(std::int64_t v, bool fits) {
    if (current_ >= errors)
      return;
    if (!is_integer_field(current_))
      return wrong_type("an integer");
    constexpr auto lo = min_timestamp.time_since_epoch().count();
    constexpr auto hi = max_timestamp.time_since_epoch().count();
    if (!fits || v < lo || v > hi) {
      note("field " + in_quotes(name(current_)) + " is out of range");
      return;
    }
    (current_ == created_at ? out_.created_at : out_.updated_at) =
        timestamp(std::chrono::milliseconds(v));
  }

  const response_limits& lim_;
  sign_in_token& out_;
  std::size_t depth_ = 0;
  const char* top_kind_ = nullptr;  // set when the document is not an object
  unsigned seen_ = 0;
  bool has_value_[other] = {};
  field current_ = other;
  std::string* target_ = nullptr;
  std::string key_;
  std::string status_, token_, url_, trace_id_;
  std::string problem_;
};

inline result<sign_in_token> parse_sign_in_token(const http_response& r,
                                                 const response_limits& lim) {
  if (auto e = check_response(r, lim))
    return std::move(*e);
  sign_in_token t;
  boost::json::basic_parser<sign_in_token_handler> p(parse_options_for(lim), lim, t);
  boost::system::error_code ec;
  std::size_t n = p.write_some(false, r.body.data(), r.body.size(), ec);
  if (!ec && n < r.body.size())
    ec = boost::json::error::extra_data;
  if (ec)
    return error(make_unexpected(r, "body is not valid JSON: " + ec.message()));
  if (std::string problem = p.handler().finish(); !problem.empty()) {
    auto u = make_unexpected(r, std::move(problem));
    if (!p.handler().trace_id().empty())
      u.clerk_trace_id = std::move(p.handler().trace_id());
    return error(std::move(u));
  }
  return t;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
