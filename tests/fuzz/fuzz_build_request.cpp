// Config validation and request building with arbitrary field values, for
// both operation families the engine declares (sign-in and actor tokens).
//
// Input: "name=value" lines (see corpus/build_request), values unescaped by
// clerk_fuzz::unescape so that a seed can hold CR, LF or NUL. Names:
//   key base_url api_version user_agent application          (clerk::options)
//   allow_insecure_http (present: true) timeout_ms
//   user_id org_id expires_in                               (both creates)
//   sign_in_token_id                                        (revoke)
//   actor_sub actor_claims session_max_duration             (create_actor_token)
//   actor_token_id                                          (revoke_actor_token)
// A missing line keeps a valid default; org_id, expires_in, actor_claims and
// session_max_duration stay unset. Every input builds all four operations.
//
// Checks: config::make refuses exactly the options the documented rules call
// bad, naming one of them; every built request re-parses (the JSON body holds
// exactly the given values and nothing else, the actor's claims beside its
// sub; the revoke URL's path decodes to exactly the given id in one
// segment); bad fields are refused by name; a printed config or request is
// the same whatever the key's body.
#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>

#include "fuzz_support.hpp"

#include <clerk/detail/wire.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using clerk_fuzz::printed;

namespace {

const std::string default_key = "sk_test_fuzzFUZZfuzzFUZZ0123";

bool ascii_lower_starts(std::string_view s, std::string_view p) {
  if (s.size() < p.size())
    return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != p[i])
      return false;
  }
  return true;
}

bool all_bytes_in(std::string_view s, unsigned char lo, unsigned char hi) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < lo || static_cast<unsigned char>(c) > hi)
      return false;
  return true;
}

// host[:port] of a base URL: a port is 1-5 digits worth 1..65535; an IPv6
// host is bracketed hex digits, ':' and '.'; other hosts hold no bracket.
// Plain http only to localhost, 127.x.y.z or [::1], unless allowed.
bool good_host_and_port(std::string_view authority, bool plain_http, bool allow_insecure) {
  std::string host;
  std::string port;
  bool has_port = false;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1)
      return false;
    host = std::string(authority.substr(0, close + 1));
    for (char c : host.substr(1, host.size() - 2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.')
        return false;
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return false;
    has_port = !rest.empty();
    if (has_port)
      port = std::string(rest.substr(1));
  } else {
    if (authority.find_first_of("[]") != std::string_view::npos)
      return false;
    std::size_t colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port)
      port = std::string(authority.substr(colon + 1));
  }
  if (has_port) {
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos)
      return false;
    long n = std::stol(port);
    if (n < 1 || n > 65535)
      return false;
  }
  if (!plain_http || allow_insecure)
    return true;
  std::string lower = host;
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool loopback_v4 =
      lower.rfind("127.", 0) == 0 && lower.find_first_not_of("0123456789.") == std::string::npos;
  return lower == "localhost" || lower == "[::1]" || loopback_v4;
}

// The documented rules of clerk::options, written apart from config.hpp.
std::set<std::string> bad_options(const clerk::options& o) {
  std::set<std::string> bad;
  if (o.secret_key.empty() || !all_bytes_in(o.secret_key, 0x21, 0x7e))
    bad.insert("secret_key");
  // http(s)://host[:port][/path]: printable ASCII, no space, no userinfo,
  // query, fragment or backslash in the authority, a host.
  const std::string& u = o.base_url;
  std::size_t scheme = ascii_lower_starts(u, "https://")  ? 8
                       : ascii_lower_starts(u, "http://") ? 7
                                                          : 0;
  std::string_view authority = std::string_view(u).substr(scheme);
  authority = authority.substr(0, authority.find('/'));
  if (scheme == 0 || !all_bytes_in(u, 0x21, 0x7e) || u.find_first_of("?#") != std::string::npos ||
      authority.find_first_of("@\\") != std::string_view::npos || authority.empty() ||
      authority.front() == ':' ||
      !good_host_and_port(authority, scheme == 7, o.allow_insecure_http))
    bad.insert("base_url");
  for (auto [name, v] : {std::pair<const char*, const std::string&>{"api_version", o.api_version},
                         {"user_agent", o.user_agent}})
    if (v.empty() || !all_bytes_in(v, 0x20, 0x7e) || v.front() == ' ' || v.back() == ' ')
      bad.insert(name);
  const std::string& app = o.application;  // optional; when given, a clean header value
  if (!app.empty() && (!all_bytes_in(app, 0x20, 0x7e) || app.front() == ' ' || app.back() == ' '))
    bad.insert("application");
  if (o.timeout.count() <= 0)
    bad.insert("timeout");
  return bad;
}

// Ids: not empty, no control character, valid UTF-8.
bool bad_id(std::string_view id) {
  return id.empty() || clerk_fuzz::has_control(id) || !clerk::detail::is_valid_utf8(id);
}

void check_common(const clerk::http_request& r, const clerk::config& cfg) {
  FUZZ_CHECK(r.method == clerk::http_method::post);
  FUZZ_CHECK(!r.follow_redirects);
  FUZZ_CHECK(r.timeout == cfg.timeout());
  FUZZ_CHECK(r.headers.find("authorization") == "Bearer " + std::string(cfg.secret_key().reveal()));
  FUZZ_CHECK(r.headers.find("clerk-api-version") == cfg.api_version());
  FUZZ_CHECK(r.headers.find("user-agent") == cfg.user_agent());
  for (const auto& h : r.headers)
    FUZZ_CHECK(!clerk_fuzz::has_control(h.name) && !clerk_fuzz::has_control(h.value));
  FUZZ_CHECK(all_bytes_in(r.url, 0x21, 0x7e));
  FUZZ_CHECK(r.url.substr(0, cfg.base_url().size()) == cfg.base_url());
}

// A key of the same kind as `key` (the prefix redaction keeps) and nothing
// else in common with it.
std::string placeholder_for(std::string_view key) {
  for (std::string_view p : {"sk_live_", "sk_test_", "sk_"})
    if (key.substr(0, p.size()) == p)
      return std::string(p) + "Q";
  return "Q";
}

// The key never shows in print: what prints is the same, byte for byte, as
// with a placeholder key of the same kind. (A substring search cannot say
// this: a key may well be a piece of the URL or of a header name.)
template <class T>
void check_same_print(const T& with_key, const T& with_placeholder) {
  const std::string a = printed(with_key), b = printed(with_placeholder);
  FUZZ_CHECK_MSG(a == b, a);
}

void check_create(const clerk::config& cfg, const clerk::config& placeholder_cfg,
                  const clerk::create_sign_in_token& op) {
  std::set<std::string> bad;
  if (bad_id(op.user_id))
    bad.insert("user_id");
  if (op.org_id && bad_id(*op.org_id))
    bad.insert("org_id");
  if (op.expires_in_seconds && op.expires_in_seconds->count() < 1)
    bad.insert("expires_in_seconds");
  auto r = clerk::build_request(op, cfg);
  if (!bad.empty()) {
    FUZZ_CHECK(r.has_error() && r.error().kind() == clerk::error_kind::invalid_request);
    FUZZ_CHECK(bad.count(r.error().as_invalid_request()->field) == 1);
    return;
  }
  FUZZ_CHECK_MSG(r.has_value(), r.error().message());
  check_common(*r, cfg);
  FUZZ_CHECK(r->url == std::string(cfg.base_url()) + "/sign_in_tokens");
  FUZZ_CHECK(r->headers.find("content-type") == "application/json");

  boost::system::error_code ec;
  json::value body = json::parse(r->body, ec);
  FUZZ_CHECK_MSG(!ec && body.is_object(), r->body);
  const json::object& o = body.get_object();
  FUZZ_CHECK(o.size() == 1 + (op.org_id ? 1 : 0) + (op.expires_in_seconds ? 1 : 0));
  auto string_is = [&](std::string_view key, std::string_view want) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() && std::string_view(v->get_string()) == want;
  };
  FUZZ_CHECK(string_is("user_id", op.user_id));
  if (op.org_id)
    FUZZ_CHECK(string_is("org_id", *op.org_id));
  if (op.expires_in_seconds) {
    const json::value* v = o.if_contains("expires_in_seconds");
    FUZZ_CHECK(v && v->is_int64() && v->get_int64() == op.expires_in_seconds->count());
  }
  auto other = clerk::build_request(op, placeholder_cfg);
  FUZZ_CHECK(other.has_value());
  check_same_print(*r, *other);
}

// Whether the JSON text `t` (valid JSON) has an object that repeats a member
// name, names compared decoded: the library refuses such claims, since JSON
// readers disagree on which value counts. Scans the text itself, since a
// json::value keeps one member per name.
bool repeats_a_name(std::string_view t) {
  std::vector<std::set<std::string>> objects;  // the names of each open object
  std::vector<char> open;                      // '{' or '[', innermost last
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '{') {
      open.push_back(c);
      objects.emplace_back();
    } else if (c == '[') {
      open.push_back(c);
    } else if (c == '}' || c == ']') {
      if (c == '}')
        objects.pop_back();
      open.pop_back();
    } else if (c == '"') {
      std::size_t end = i + 1;
      while (t[end] != '"')
        end += t[end] == '\\' ? 2 : 1;
      std::size_t next = t.find_first_not_of(" \t\r\n", end + 1);
      if (next != std::string_view::npos && t[next] == ':' && open.back() == '{') {
        std::string name(json::parse(t.substr(i, end - i + 1)).as_string());
        if (!objects.back().insert(std::move(name)).second)
          return true;
      }
      i = end;
    }
  }
  return false;
}

// create_actor_token: user_id, actor {sub, other claims...}, two durations.
void check_create_actor(const clerk::config& cfg, const clerk::config& placeholder_cfg,
                        const clerk::create_actor_token& op) {
  std::set<std::string> bad;
  if (bad_id(op.user_id))
    bad.insert("user_id");
  if (bad_id(op.actor.sub))
    bad.insert("actor.sub");
  // The claims: none (empty text), or the text of a JSON object without "sub".
  json::object claims;
  if (const std::string_view text = op.actor.other_claims.text(); !text.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object() || repeats_a_name(text))
      bad.insert("actor.other members");
    else if (v.get_object().contains("sub"))
      bad.insert("actor.sub");
    else
      claims = std::move(v.get_object());
  }
  if (op.expires_in_seconds && op.expires_in_seconds->count() < 1)
    bad.insert("expires_in_seconds");
  if (op.session_max_duration_in_seconds && op.session_max_duration_in_seconds->count() < 1)
    bad.insert("session_max_duration_in_seconds");
  auto r = clerk::build_request(op, cfg);
  if (!bad.empty()) {
    FUZZ_CHECK(r.has_error() && r.error().kind() == clerk::error_kind::invalid_request);
    FUZZ_CHECK_MSG(bad.count(r.error().as_invalid_request()->field) == 1, r.error().message());
    return;
  }
  FUZZ_CHECK_MSG(r.has_value(), r.error().message());
  check_common(*r, cfg);
  FUZZ_CHECK(r->url == std::string(cfg.base_url()) + "/actor_tokens");
  FUZZ_CHECK(r->headers.find("content-type") == "application/json");
  FUZZ_CHECK(!r->headers.find("idempotency-key"));

  boost::system::error_code ec;
  json::value body = json::parse(r->body, ec);
  FUZZ_CHECK_MSG(!ec && body.is_object(), r->body);
  const json::object& o = body.get_object();
  FUZZ_CHECK(o.size() ==
             2 + (op.expires_in_seconds ? 1 : 0) + (op.session_max_duration_in_seconds ? 1 : 0));
  const json::value* user = o.if_contains("user_id");
  FUZZ_CHECK(user && user->is_string() && std::string_view(user->get_string()) == op.user_id);
  const json::value* actor = o.if_contains("actor");
  FUZZ_CHECK_MSG(actor && actor->is_object(), r->body);
  json::object rest = actor->get_object();
  const json::value* sub = rest.if_contains("sub");
  FUZZ_CHECK(sub && sub->is_string() && std::string_view(sub->get_string()) == op.actor.sub);
  rest.erase("sub");
  FUZZ_CHECK_MSG(rest == claims, r->body);
  for (auto [key, value] :
       {std::pair{"expires_in_seconds", op.expires_in_seconds},
        std::pair{"session_max_duration_in_seconds", op.session_max_duration_in_seconds}})
    if (value) {
      const json::value* v = o.if_contains(key);
      FUZZ_CHECK(v && v->is_int64() && v->get_int64() == value->count());
    }
  auto other = clerk::build_request(op, placeholder_cfg);
  FUZZ_CHECK(other.has_value());
  check_same_print(*r, *other);
}

// Either revoke: a bodiless POST to {base}/{collection}/{id}/revoke.
template <class Revoke>
void check_revoke(const clerk::config& cfg, const clerk::config& placeholder_cfg, const Revoke& op,
                  const std::string& id, std::string_view collection, std::string_view field) {
  const bool bad = bad_id(id) || id == "." || id == "..";
  auto r = clerk::build_request(op, cfg);
  if (bad) {
    FUZZ_CHECK(r.has_error() && r.error().kind() == clerk::error_kind::invalid_request);
    FUZZ_CHECK(r.error().as_invalid_request()->field == field);
    return;
  }
  FUZZ_CHECK_MSG(r.has_value(), r.error().message());
  check_common(*r, cfg);
  FUZZ_CHECK(r->body.empty() && !r->headers.find("content-type"));
  const std::string prefix = std::string(cfg.base_url()) + '/' + std::string(collection) + '/';
  const std::string_view suffix = "/revoke";
  const std::string& url = r->url;
  FUZZ_CHECK(url.size() > prefix.size() + suffix.size());
  FUZZ_CHECK(url.compare(0, prefix.size(), prefix) == 0);
  FUZZ_CHECK(std::string_view(url).substr(url.size() - suffix.size()) == suffix);
  std::string_view segment =
      std::string_view(url).substr(prefix.size(), url.size() - prefix.size() - suffix.size());
  FUZZ_CHECK(segment.find_first_of("/?#\\") == std::string_view::npos);
  FUZZ_CHECK(segment != "." && segment != "..");
  auto decoded = clerk::detail::percent_decode(segment);
  FUZZ_CHECK(decoded && *decoded == id);
  auto other = clerk::build_request(op, placeholder_cfg);
  FUZZ_CHECK(other.has_value());
  check_same_print(*r, *other);
}

// A duration field: unset when absent or not a number.
std::optional<std::chrono::seconds> seconds_of(const clerk_fuzz::fields& f, std::string_view name) {
  if (auto v = f.get(name))
    if (auto n = clerk_fuzz::number<std::int64_t>(*v))
      return std::chrono::seconds(*n);
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const clerk_fuzz::fields f(clerk_fuzz::as_text(data, size));

  clerk::options o;
  o.secret_key = f.get("key").value_or(default_key);
  if (auto v = f.get("base_url"))
    o.base_url = *v;
  if (auto v = f.get("api_version"))
    o.api_version = *v;
  if (auto v = f.get("user_agent"))
    o.user_agent = *v;
  if (auto v = f.get("application"))
    o.application = *v;
  o.allow_insecure_http = f.get("allow_insecure_http").has_value();
  if (auto v = f.get("timeout_ms"))
    if (auto n = clerk_fuzz::number<std::int64_t>(*v))
      o.timeout = std::chrono::milliseconds(*n);

  const std::set<std::string> bad = bad_options(o);
  auto made = clerk::config::make(o);
  if (!bad.empty()) {
    FUZZ_CHECK(made.has_error() && made.error().kind() == clerk::error_kind::invalid_request);
    FUZZ_CHECK_MSG(bad.count(made.error().as_invalid_request()->field) == 1,
                   made.error().message());
    FUZZ_CHECK(!clerk_fuzz::has_control(made.error().message()));
    o = clerk::options{.secret_key = default_key};
    made = clerk::config::make(o);
  } else {
    FUZZ_CHECK_MSG(made.has_value(), made.error().message());
    std::string base = o.base_url;
    while (!base.empty() && base.back() == '/')
      base.pop_back();
    for (std::size_t i = 0; i < base.find(':'); ++i)  // the scheme is lower-cased
      base[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(base[i])));
    FUZZ_CHECK(made->base_url() == base);
    FUZZ_CHECK(made->user_agent() ==
               (o.application.empty() ? o.user_agent : o.user_agent + ' ' + o.application));
    FUZZ_CHECK(made->secret_key().reveal() == o.secret_key);
  }
  FUZZ_CHECK(made.has_value());
  const clerk::config& cfg = *made;
  clerk::options other = o;
  other.secret_key = placeholder_for(o.secret_key);
  auto placeholder_made = clerk::config::make(other);
  FUZZ_CHECK(placeholder_made.has_value());
  const clerk::config& placeholder_cfg = *placeholder_made;
  check_same_print(cfg, placeholder_cfg);

  const clerk::create_sign_in_token create{.user_id = f.get("user_id").value_or("user_2xyz"),
                                           .org_id = f.get("org_id"),
                                           .expires_in_seconds = seconds_of(f, "expires_in")};
  check_create(cfg, placeholder_cfg, create);
  const clerk::revoke_sign_in_token revoke{f.get("sign_in_token_id").value_or("sit_2abc")};
  check_revoke(cfg, placeholder_cfg, revoke, revoke.sign_in_token_id, "sign_in_tokens",
               "sign_in_token_id");

  const clerk::create_actor_token actor{
      .user_id = create.user_id,
      .actor = {.sub = f.get("actor_sub").value_or("user_support"),
                .other_claims = clerk::raw_json(f.get("actor_claims").value_or(""))},
      .expires_in_seconds = create.expires_in_seconds,
      .session_max_duration_in_seconds = seconds_of(f, "session_max_duration")};
  check_create_actor(cfg, placeholder_cfg, actor);
  const clerk::revoke_actor_token revoke_actor{f.get("actor_token_id").value_or("act_2abc")};
  check_revoke(cfg, placeholder_cfg, revoke_actor, revoke_actor.actor_token_id, "actor_tokens",
               "actor_token_id");
  return 0;
}
