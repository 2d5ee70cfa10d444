// Response parsing for both operation families the engine declares: create
// and revoke of sign-in tokens and of actor tokens; and a model of variants
// (an email address whose verification is one of two declared kinds, or any
// other object kept as raw JSON); any status, headers, body.
//
// Input (what the seeds in corpus/parse_response look like):
//   create 200 body=1048576 depth=32 string=65536   <- op, status, limits (optional)
//     (op: create, revoke, create_actor, revoke_actor or variant; anything
//     else: create)
//   Content-Type: application/json                  <- headers, one a line
//   Retry-After: 10
//                                                   <- an empty line
//   {"object":"sign_in_token", ...}                 <- the body, raw bytes
//
// Checks: never a crash, a leak or UB; a success is exactly what an
// independent reading of the body says it is, and a body that an independent
// reading finds well-formed is accepted; an error has the right kind, status,
// excerpt and Retry-After, and a 2xx's keeps the id the body names (its
// partial); nothing printed carries a secret-shaped run, and a printed token
// is one line.
#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>

#include "fuzz_support.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace json = boost::json;
using clerk_fuzz::printed;

namespace {

enum class operation { create, revoke, create_actor, revoke_actor, variant };

// The variant op's models: a verification is an otp or a ticket, told apart
// by "object", or any other object kept whole.
struct otp {
  std::string status;
  std::optional<std::int64_t> attempts;
  std::vector<std::string> channels;
  friend bool operator==(const otp&, const otp&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("otp", constant("object", "verification_otp"),
                 field("status", &otp::status, non_empty), field("attempts", &otp::attempts),
                 field("channels", &otp::channels, absent_in_response));
  }
};
struct ticket {
  std::string status;
  std::optional<clerk::secret> token;
  friend bool operator==(const ticket&, const ticket&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("ticket", field("status", &ticket::status),
                 constant("object", "verification_ticket"), field("token", &ticket::token));
  }
};
using verification_kind = std::variant<otp, ticket, clerk::raw_json>;
struct email_address {
  std::string id;
  std::optional<verification_kind> verification;
  std::vector<verification_kind> history;
  friend bool operator==(const email_address&, const email_address&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("email_address", field("id", &email_address::id),
                 field("verification", &email_address::verification),
                 field("history", &email_address::history, absent_in_response));
  }
};
struct get_email_address {
  using response_type = email_address;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/email_addresses/idn_1"), idempotent);
  }
};

struct input {
  operation op = operation::create;
  clerk::response_limits limits{};
  clerk::http_response response{};
};

input read_input(std::string_view data) {
  input in;
  std::string_view first = clerk_fuzz::take_line(data);
  in.response.status = 200;
  bool have_op = false, have_status = false;
  while (!first.empty()) {
    auto space = first.find(' ');
    std::string_view word = first.substr(0, space);
    first.remove_prefix(space == std::string_view::npos ? first.size() : space + 1);
    auto eq = word.find('=');
    if (eq != std::string_view::npos) {
      auto n = clerk_fuzz::number<std::size_t>(word.substr(eq + 1));
      std::string_view key = word.substr(0, eq);
      if (n && key == "body")
        in.limits.max_body_bytes = *n;
      else if (n && key == "depth")
        in.limits.max_depth = *n;
      else if (n && key == "string")
        in.limits.max_string_bytes = *n;
    } else if (!have_op) {
      have_op = true;
      in.op = word == "revoke"         ? operation::revoke
              : word == "create_actor" ? operation::create_actor
              : word == "revoke_actor" ? operation::revoke_actor
              : word == "variant"      ? operation::variant
                                       : operation::create;
    } else if (!have_status) {
      have_status = true;
      if (auto s = clerk_fuzz::number<int>(word))
        in.response.status = *s;
    }
  }
  while (!data.empty()) {
    std::string_view line = clerk_fuzz::take_line(data);
    if (line.empty())
      break;
    auto colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    in.response.headers.add(std::string(name), std::string(value));
  }
  in.response.body = std::string(data);
  return in;
}

// The members of a model whose repeats are refused: `fields` at the top
// level, and every key inside the value of a `deep` one (the actor's claims,
// a verification), at any depth; or, with `any`, every key of every object.
struct refused_repeats {
  std::set<std::string> fields, deep;
  bool any = false;
};
// The sign-in token's, the actor token's and the variant op's. A sign-in
// token body with an "actor" twice is refused by neither: "actor" is not one
// of its fields.
const refused_repeats sign_in_repeats{
    {"object", "id", "status", "user_id", "token", "url", "created_at", "updated_at"}, {}};
const refused_repeats actor_repeats{
    {"object", "id", "status", "user_id", "token", "url", "actor", "created_at", "updated_at"},
    {"actor"}};
const refused_repeats variant_repeats{{"id", "verification", "history"},
                                      {"verification", "history"}};
// An error body's: a repeat anywhere keeps it from being read as ClerkErrors.
const refused_repeats any_repeats{{}, {}, true};

// Keys as a SAX pass sees them: a json::value keeps one value per key, so
// only this can tell that a field was sent twice. Inside the actor every
// object counts, at any depth: a repeated "sub" or other member is refused.
class key_counter {
 public:
  explicit key_counter(const refused_repeats& r) : refused_(r) {}
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  using ec = boost::system::error_code;

  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) {
    ++depth_;
    objects_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, ec&) {
    objects_.pop_back();
    return --depth_, true;
  }
  bool on_array_begin(ec&) { return ++depth_, true; }
  bool on_array_end(std::size_t, ec&) { return --depth_, true; }
  bool on_key_part(std::string_view s, std::size_t, ec&) {
    key_.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, ec&) {
    key_.append(s);
    if (refused_.any) {
      duplicated_ = duplicated_ || !objects_.back().insert(key_).second;
    } else if (depth_ == 1) {
      if (refused_.fields.count(key_) && !objects_.back().insert(key_).second)
        duplicated_ = true;
      top_key_ = std::move(key_);
    } else if (refused_.deep.count(top_key_) && !objects_.back().insert(key_).second) {
      duplicated_ = true;
    }
    key_.clear();
    return true;
  }
  bool duplicated() const { return duplicated_; }
  bool on_string_part(std::string_view, std::size_t, ec&) { return true; }
  bool on_string(std::string_view, std::size_t, ec&) { return true; }
  bool on_number_part(std::string_view, ec&) { return true; }
  bool on_int64(std::int64_t, std::string_view, ec&) { return true; }
  bool on_uint64(std::uint64_t, std::string_view, ec&) { return true; }
  bool on_double(double, std::string_view, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(std::string_view, ec&) { return true; }
  bool on_comment(std::string_view, ec&) { return true; }

 private:
  const refused_repeats& refused_;
  std::size_t depth_ = 0;
  bool duplicated_ = false;
  std::string key_, top_key_;
  std::vector<std::set<std::string>> objects_;  // the keys of each open object
};

bool has_duplicate_field(std::string_view body, const json::parse_options& opts,
                         const refused_repeats& refused) {
  json::basic_parser<key_counter> p(opts, refused);
  boost::system::error_code ec;
  p.write_some(false, body.data(), body.size(), ec);
  return p.handler().duplicated();
}

bool string_ok(const json::object& o, std::string_view key, bool required, bool nullable,
               std::size_t limit) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || (nullable && v->is_null()))
    return !required;
  return v->is_string() && v->get_string().size() <= limit;
}

// Any int64 count of milliseconds: the OpenAPI document bounds it no further.
bool timestamp_ok(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64();
}

// The members both token schemas share, read off the parsed body without the
// library; `kind` is the "object" member's value.
bool is_token(const json::object& o, std::string_view kind, const clerk::response_limits& lim) {
  if (o.contains("errors") && !o.contains("object"))
    return false;  // a ClerkErrors body
  const json::value* object = o.if_contains("object");
  const json::value* id = o.if_contains("id");
  return object && object->is_string() && object->get_string() == kind &&
         string_ok(o, "object", true, false, lim.max_string_bytes) && id && id->is_string() &&
         !id->get_string().empty() && string_ok(o, "id", true, false, lim.max_string_bytes) &&
         string_ok(o, "status", true, false, lim.max_string_bytes) &&
         string_ok(o, "user_id", true, false, lim.max_string_bytes) &&
         string_ok(o, "token", false, true, lim.max_string_bytes) &&
         string_ok(o, "url", false, true, lim.max_string_bytes) && timestamp_ok(o, "created_at") &&
         timestamp_ok(o, "updated_at");
}

bool is_sign_in_token(const json::object& o, const clerk::response_limits& lim) {
  return is_token(o, "sign_in_token", lim);
}

// Every string and member name in `v`, at any depth, at most `limit` bytes:
// the parser applies max_string_bytes inside captured JSON too.
bool within(const json::value& v, std::size_t limit) {
  if (const json::string* str = v.if_string())
    return str->size() <= limit;
  if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a)
      if (!within(e, limit))
        return false;
  } else if (const json::object* o = v.if_object()) {
    for (const auto& [key, value] : *o)
      if (key.size() > limit || !within(value, limit))
        return false;
  }
  return true;
}

// The ActorToken schema: a token whose "actor" is any object; its "sub", when
// there, a string (other members of any kind).
bool is_actor_token(const json::object& o, const clerk::response_limits& lim) {
  const json::value* actor = o.if_contains("actor");
  if (!is_token(o, "actor_token", lim) || actor == nullptr || !actor->is_object())
    return false;
  if (!string_ok(actor->get_object(), "sub", false, false, lim.max_string_bytes))
    return false;
  for (const auto& [key, value] : actor->get_object())
    if (key != "sub" && (key.size() > lim.max_string_bytes || !within(value, lim.max_string_bytes)))
      return false;
  return true;
}

std::string_view as_view(const json::string& s) {
  return {s.data(), s.size()};
}

// An optional string field as the library must have read it.
void check_optional_secret(const json::object& o, std::string_view key,
                           const std::optional<clerk::secret>& got) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    FUZZ_CHECK(!got);
  } else {
    FUZZ_CHECK(got && got->reveal() == as_view(v->get_string()));
  }
}

void check_printing(std::string_view text) {
  FUZZ_CHECK_MSG(clerk_fuzz::find_secret_shape(text) == std::string_view::npos, text);
}

// What both token models hold, against the body.
template <class Token>
void check_token(const Token& t, const json::object& o) {
  FUZZ_CHECK(t.id == as_view(o.at("id").get_string()));
  FUZZ_CHECK(t.user_id == as_view(o.at("user_id").get_string()));
  FUZZ_CHECK(t.status.raw() == as_view(o.at("status").get_string()));
  check_optional_secret(o, "token", t.token);
  check_optional_secret(o, "url", t.url);
  FUZZ_CHECK(t.created_at.time_since_epoch().count() == o.at("created_at").get_int64());
  FUZZ_CHECK(t.updated_at.time_since_epoch().count() == o.at("updated_at").get_int64());
  std::string shown = printed(t);
  FUZZ_CHECK(shown.find(t.token ? "token=[redacted]" : "token=(none)") != std::string::npos);
  check_printing(shown);
  FUZZ_CHECK_MSG(!clerk_fuzz::has_control(shown), shown);
}

// The actor: its sub, and every other member kept as the text of an object
// that reads back to the same members (none: empty text).
void check_actor(const clerk::actor_claims& a, const json::object& o,
                 const json::parse_options& opts) {
  const json::object& actor = o.at("actor").get_object();
  const json::value* sub = actor.if_contains("sub");
  FUZZ_CHECK(a.sub == (sub ? as_view(sub->get_string()) : std::string_view()));
  json::object rest;  // in order (object::erase would move the last member)
  for (const auto& [key, value] : actor)
    if (key != "sub")
      rest.emplace(key, value);
  if (rest.empty()) {
    FUZZ_CHECK_MSG(a.other_claims.empty(), a.other_claims.text());
    return;
  }
  boost::system::error_code ec;
  json::value kept = json::parse(a.other_claims.text(), ec, json::storage_ptr(), opts);
  // Compared as serialized: Boost.JSON 1.81 reads 0e400 as NaN, which is
  // unequal to itself; member order is kept by both.
  FUZZ_CHECK_MSG(!ec && kept.is_object() && json::serialize(kept) == json::serialize(rest),
                 a.other_claims.text());
}

// ---- the variant op, read off the parsed body without the library ----

enum class choice { otp, ticket, raw };

// The alternative a verification value must be read as, or nullopt when it
// must be refused: an object (every string and member name in it within the
// limit, as for any captured JSON); "object" naming a declared kind makes it
// that kind, whose members must then fit; anything else is kept whole.
std::optional<choice> expected_choice(const json::value& v, const clerk::response_limits& lim) {
  const json::object* o = v.if_object();
  if (o == nullptr || !within(v, lim.max_string_bytes))
    return std::nullopt;
  const json::value* tag = o->if_contains("object");
  const json::string* kind = tag != nullptr ? tag->if_string() : nullptr;
  const json::value* status = o->if_contains("status");
  const bool has_status = status != nullptr && status->is_string();
  if (kind != nullptr && *kind == "verification_otp") {
    const json::value* attempts = o->if_contains("attempts");
    const json::value* channels = o->if_contains("channels");
    bool ok = has_status && !status->get_string().empty() &&
              (attempts == nullptr || attempts->is_null() || attempts->is_int64());
    if (channels != nullptr) {
      ok = ok && channels->is_array();
      for (std::size_t i = 0; ok && i < channels->get_array().size(); ++i)
        ok = channels->get_array()[i].is_string();
    }
    return ok ? std::optional(choice::otp) : std::nullopt;
  }
  if (kind != nullptr && *kind == "verification_ticket") {
    const json::value* token = o->if_contains("token");
    const bool ok = has_status && (token == nullptr || token->is_null() || token->is_string());
    return ok ? std::optional(choice::ticket) : std::nullopt;
  }
  return choice::raw;
}

bool is_email_address(const json::object& o, const clerk::response_limits& lim) {
  if (!string_ok(o, "id", true, false, lim.max_string_bytes))
    return false;
  if (const json::value* v = o.if_contains("verification"); v && !v->is_null())
    if (!expected_choice(*v, lim))
      return false;
  if (const json::value* h = o.if_contains("history")) {
    if (!h->is_array())
      return false;
    for (const json::value& e : h->get_array())
      if (!expected_choice(e, lim))
        return false;
  }
  return true;
}

// What the library read for verification value `v`, which is_email_address accepted.
void check_verification(const verification_kind& got, const json::value& v,
                        const clerk::response_limits& lim, const json::parse_options& opts) {
  const json::object& o = v.get_object();
  switch (*expected_choice(v, lim)) {
    case choice::otp: {
      const otp* a = std::get_if<otp>(&got);
      FUZZ_CHECK(a != nullptr);
      FUZZ_CHECK(a->status == as_view(o.at("status").get_string()));
      const json::value* attempts = o.if_contains("attempts");
      FUZZ_CHECK(
          a->attempts ==
          (attempts && attempts->is_int64() ? std::optional(attempts->get_int64()) : std::nullopt));
      const json::value* channels = o.if_contains("channels");
      FUZZ_CHECK(a->channels.size() == (channels ? channels->get_array().size() : 0));
      for (std::size_t i = 0; i < a->channels.size(); ++i)
        FUZZ_CHECK(a->channels[i] == as_view(channels->get_array()[i].get_string()));
      return;
    }
    case choice::ticket: {
      const ticket* a = std::get_if<ticket>(&got);
      FUZZ_CHECK(a != nullptr);
      FUZZ_CHECK(a->status == as_view(o.at("status").get_string()));
      check_optional_secret(o, "token", a->token);
      return;
    }
    case choice::raw: {
      const clerk::raw_json* a = std::get_if<clerk::raw_json>(&got);
      FUZZ_CHECK(a != nullptr);
      boost::system::error_code ec;
      json::value kept = json::parse(a->text(), ec, json::storage_ptr(), opts);
      FUZZ_CHECK_MSG(!ec && json::serialize(kept) == json::serialize(v), a->text());
      return;
    }
  }
}

// A model of variants as the body says; then printed on one line with
// nothing secret-shaped, and written as JSON that reads back the same.
void check_email_address(const email_address& m, const json::object& o,
                         const clerk::response_limits& lim, const json::parse_options& opts) {
  FUZZ_CHECK(m.id == as_view(o.at("id").get_string()));
  const json::value* v = o.if_contains("verification");
  FUZZ_CHECK(m.verification.has_value() == (v != nullptr && !v->is_null()));
  if (m.verification)
    check_verification(*m.verification, *v, lim, opts);
  const json::value* h = o.if_contains("history");
  FUZZ_CHECK(m.history.size() == (h ? h->get_array().size() : 0));
  for (std::size_t i = 0; i < m.history.size(); ++i)
    check_verification(m.history[i], h->get_array()[i], lim, opts);

  std::ostringstream os;
  clerk::print(os, m);
  check_printing(os.str());
  FUZZ_CHECK_MSG(!clerk_fuzz::has_control(os.str()), os.str());
  clerk::response_limits again = lim;
  again.max_body_bytes = std::size_t(-1);
  // The written form may be one level deeper than the answer: an otp's
  // `channels`, absent from the answer, is written as [].
  if (again.max_depth != std::size_t(-1))
    ++again.max_depth;
  auto back = clerk::parse_response(
      get_email_address{},
      clerk::http_response{
          200, {{"Content-Type", "application/json"}}, clerk::to_json_revealing_secrets(m)},
      again);
  FUZZ_CHECK_MSG(back && *back == m, back ? std::string() : back.error().message());
}

// `t` without the contents of its strings (their quotes kept; one cut by the
// text's end runs to it): what hiding a value may not change.
std::string without_strings(std::string_view t) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (in_string && c == '\\') {
      ++i;
    } else if (c == '"') {
      in_string = !in_string;
      out += c;
    } else if (!in_string) {
      out += c;
    }
  }
  return out;
}

// Every member named in `secrets` holding a string, in any object of `v`,
// holds "[redacted]".
void check_no_secret(const json::value& v, const std::set<std::string>& secrets) {
  if (const json::object* o = v.if_object()) {
    for (const auto& m : *o) {
      if (secrets.count(std::string(m.key())) && m.value().is_string())
        FUZZ_CHECK_MSG(m.value().get_string() == "[redacted]", as_view(m.value().get_string()));
      check_no_secret(m.value(), secrets);
    }
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a)
      check_no_secret(e, secrets);
  }
}

// The excerpt of a 2xx answer against the redacted raw bytes: the same but
// for string contents, and, when it is JSON, no declared secret in clear.
void check_hidden(std::string_view shown, std::string_view redacted,
                  const std::set<std::string>& secrets, const json::parse_options& opts) {
  FUZZ_CHECK(without_strings(shown) == without_strings(redacted));
  boost::system::error_code ec;
  const json::value v = json::parse(shown, ec, json::storage_ptr(), opts);
  if (!ec)
    check_no_secret(v, secrets);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const input in = read_input(clerk_fuzz::as_text(data, size));
  const clerk::http_response& r = in.response;
  const bool actor = in.op == operation::create_actor || in.op == operation::revoke_actor;
  const refused_repeats& repeats = actor                         ? actor_repeats
                                   : in.op == operation::variant ? variant_repeats
                                                                 : sign_in_repeats;

  // What an independent reading of the response says.
  const bool ok_status = r.status >= 200 && r.status <= 299;
  const auto content_type = r.headers.find("content-type");
  const bool is_json = content_type && clerk::http::is_json_media_type(*content_type);
  const bool fits = r.body.size() <= in.limits.max_body_bytes;
  json::parse_options opts;
  opts.max_depth = in.limits.max_depth;
  boost::system::error_code ec;
  json::value doc;
  if (fits && is_json && !r.body.empty())
    doc = json::parse(r.body, ec, json::storage_ptr(), opts);
  const bool parsed = fits && is_json && !r.body.empty() && !ec;
  const json::object* obj = parsed ? doc.if_object() : nullptr;
  const bool duplicated = obj != nullptr && has_duplicate_field(r.body, opts, repeats);
  const bool well_formed =
      obj != nullptr && (actor                         ? is_actor_token(*obj, in.limits)
                         : in.op == operation::variant ? is_email_address(*obj, in.limits)
                                                       : is_sign_in_token(*obj, in.limits));

  // (Printing the response itself is fuzz_redact's: an http::redact() pass over the
  // whole body here would halve the rate for no new code.)

  // The error, when there is one; a token is checked where it is read.
  std::optional<clerk::error> failed;
  auto on_token = [&](const auto& got, auto&& check_model) {
    if (!got) {
      failed = got.error();
      return;
    }
    FUZZ_CHECK(ok_status && obj != nullptr);
    FUZZ_CHECK(well_formed && !duplicated);
    check_token(*got, *obj);
    check_model(*got);
  };
  auto no_more = [](const clerk::sign_in_token&) {};
  auto actor_too = [&](const clerk::actor_token& t) { check_actor(t.actor, *obj, opts); };
  switch (in.op) {
    case operation::create:
      on_token(clerk::parse_response(clerk::create_sign_in_token{"user_1"}, r, in.limits), no_more);
      break;
    case operation::revoke:
      on_token(clerk::parse_response(clerk::revoke_sign_in_token{"sit_1"}, r, in.limits), no_more);
      break;
    case operation::create_actor:
      on_token(clerk::parse_response(clerk::create_actor_token{}, r, in.limits), actor_too);
      break;
    case operation::revoke_actor:
      on_token(clerk::parse_response(clerk::revoke_actor_token{"act_1"}, r, in.limits), actor_too);
      break;
    case operation::variant:
      if (auto got = clerk::parse_response(get_email_address{}, r, in.limits); !got) {
        failed = got.error();
      } else {
        FUZZ_CHECK(ok_status && obj != nullptr);
        FUZZ_CHECK(well_formed && !duplicated);
        check_email_address(*got, *obj, in.limits, opts);
      }
      break;
  }
  if (!failed)
    return 0;

  const clerk::error& e = *failed;
  FUZZ_CHECK(e.kind() == clerk::error_kind::api ||
             e.kind() == clerk::error_kind::unexpected_response);
  FUZZ_CHECK(e.http_status() == r.status);
  const auto retry_header = r.headers.find("retry-after");
  FUZZ_CHECK(e.retry_after() ==
             (retry_header ? clerk::http::parse_retry_after(*retry_header) : std::nullopt));
  const std::string message = e.message();
  FUZZ_CHECK_MSG(!clerk_fuzz::has_control(message), message);
  FUZZ_CHECK(message.size() <= 32768);
  check_printing(message);  // operator<< prints exactly message()

  // Clerk's error bodies become api errors, only on a 4xx or 5xx, and only
  // when no name in them is repeated.
  bool clerk_errors = false;
  if (obj != nullptr)
    if (const json::value* errs = obj->if_contains("errors"); errs && errs->is_array())
      clerk_errors =
          r.status >= 400 && r.status <= 599 && !has_duplicate_field(r.body, opts, any_repeats);
  if (const clerk::api_error* a = e.as_api()) {
    FUZZ_CHECK(clerk_errors);
    std::size_t objects = 0;
    for (const json::value& item : obj->at("errors").get_array())
      objects += item.is_object();
    FUZZ_CHECK(a->errors.size() == (objects < 64 ? objects : 64));
    for (const clerk::clerk_error& ce : a->errors)
      FUZZ_CHECK(ce.code.size() <= in.limits.max_string_bytes &&
                 ce.message.size() <= in.limits.max_string_bytes &&
                 ce.long_message.size() <= in.limits.max_string_bytes);
    return 0;
  }

  const clerk::unexpected_response* u = e.as_unexpected_response();
  FUZZ_CHECK(u != nullptr && !u->problem.empty());
  FUZZ_CHECK(!clerk_errors);
  FUZZ_CHECK(u->body_size == r.body.size());
  // The excerpt: the body's first bytes, at most the limit, cut before a
  // UTF-8 continuation byte only; kept raw as a secret, shown redacted.
  const std::string_view raw = u->raw_body_excerpt.reveal();
  FUZZ_CHECK(std::string_view(r.body).substr(0, raw.size()) == raw);
  if (r.body.size() <= clerk::body_excerpt_limit) {
    FUZZ_CHECK(raw.size() == r.body.size());
  } else {
    auto continuation = [&](std::size_t i) {
      return (static_cast<unsigned char>(r.body[i]) & 0xc0) == 0x80;
    };
    FUZZ_CHECK(raw.size() <= clerk::body_excerpt_limit);
    FUZZ_CHECK(raw.empty() || !continuation(raw.size()));
    for (std::size_t i = raw.size() + 1; i <= clerk::body_excerpt_limit; ++i)
      FUZZ_CHECK(continuation(i));
  }
  // Shown redacted; a 2xx answer also hides the values of the secrets its
  // model declares (a token's token and url, a ticket's token), changing
  // nothing but string contents.
  if (!ok_status)
    FUZZ_CHECK(u->body_excerpt == clerk::http::redact(raw));
  else if (in.op == operation::variant)
    check_hidden(u->body_excerpt, clerk::http::redact(raw), {"token"}, opts);
  else
    check_hidden(u->body_excerpt, clerk::http::redact(raw), {"token", "url"}, opts);
  check_printing(u->body_excerpt);
  if (!fits)
    FUZZ_CHECK(u->problem.find("exceeds the limit") != std::string::npos);
  // A well-formed token on a 2xx is refused only when a field came twice (the
  // problem then names whichever of its values the parser met first).
  if (ok_status && well_formed)
    FUZZ_CHECK_MSG(duplicated, u->problem);
  // Only a 2xx keeps a partial. It keeps the id that the body's first
  // max_body_bytes name, when they are a JSON object, whatever the media type
  // and whatever else is wrong: the caller may have to revoke what was made.
  FUZZ_CHECK(!u->partial || ok_status);
  if (ok_status) {
    std::string_view head(r.body);
    head = head.substr(0, in.limits.max_body_bytes);
    boost::system::error_code head_ec;
    json::value d = json::parse(head, head_ec, json::storage_ptr(), opts);
    const json::object* o = head_ec ? nullptr : d.if_object();
    const json::value* id = o ? o->if_contains("id") : nullptr;
    if (id && id->is_string() && !id->get_string().empty() &&
        id->get_string().size() <= in.limits.max_string_bytes &&
        !has_duplicate_field(head, opts, repeats))
      FUZZ_CHECK_MSG(u->partial && u->partial->id == as_view(id->get_string()), u->problem);
  }
  return 0;
}
