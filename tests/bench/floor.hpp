// The floor: the plainest correct hand-written Boost.JSON code doing what the
// library does for creating and revoking sign-in tokens and creating actor
// tokens. The body is serialised from a json::object, the response parsed
// into a DOM with json::parse and the fields copied out into std::strings and
// integers (an actor's claims besides sub serialised back into text). It uses
// none of the library's code; clerk::http_request and clerk::http_response
// serve only as the plain structs the transport speaks, so both sides pay the
// same transport cost.
#ifndef CLERK_BENCH_FLOOR_HPP
#define CLERK_BENCH_FLOOR_HPP

#include <clerk/http.hpp>
#include <clerk/transport.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace clerk_bench::floor {

namespace json = boost::json;

struct config {
  std::string base_url;       // no trailing slash
  std::string authorization;  // "Bearer <key>", made once
  std::string api_version;
  std::string user_agent;
  std::chrono::milliseconds timeout{30000};
};

struct token {
  std::string object, id, status, user_id;
  std::optional<std::string> token, url;
  std::int64_t created_at = 0, updated_at = 0;
};

// An actor token: the actor's sub, and its other claims kept as the
// serialised text of a JSON object, as the library keeps them.
struct actor_token {
  std::string object, id, status, user_id, actor_sub, actor_other_claims;
  std::optional<std::string> token, url;
  std::int64_t created_at = 0, updated_at = 0;
};

struct error_entry {
  std::string code, message, long_message;
  json::object meta;
};

struct api_error {
  int status = 0;
  std::vector<error_entry> errors;
  std::string trace_id;
};

struct failure {
  int status = 0;
  std::string problem;
};

template <class T>
using result = std::variant<T, api_error, failure>;
using outcome = result<token>;
using actor_outcome = result<actor_token>;

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = char(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

inline std::string_view find_header(const clerk::header_list& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name))
      return h.value;
  return {};
}

// application/json, with or without parameters.
inline bool is_json(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  return iequals(type, "application/json");
}

inline clerk::http_request post(const config& c) {
  clerk::http_request r;
  r.method = clerk::http_method::post;
  r.timeout = c.timeout;
  r.headers.add("Authorization", c.authorization);
  r.headers.add("Clerk-API-Version", c.api_version);
  r.headers.add("User-Agent", c.user_agent);
  r.headers.add("Accept", "application/json");
  return r;
}

inline std::optional<clerk::http_request> build_create(const config& c, std::string_view user_id,
                                                       std::optional<std::string_view> org_id,
                                                       std::optional<std::int64_t> expires_in) {
  if (user_id.empty() || (org_id && org_id->empty()) || (expires_in && *expires_in < 1))
    return std::nullopt;
  json::object body;
  body["user_id"] = user_id;
  if (org_id)
    body["org_id"] = *org_id;
  if (expires_in)
    body["expires_in_seconds"] = *expires_in;
  clerk::http_request r = post(c);
  r.headers.add("Content-Type", "application/json");
  r.url = c.base_url + "/sign_in_tokens";
  r.body = json::serialize(body);
  return r;
}

// The other claims, the text of a JSON object, are parsed and merged into
// the actor object after sub; one that repeats sub is refused.
inline std::optional<clerk::http_request> build_create_actor(
    const config& c, std::string_view user_id, std::string_view sub, std::string_view other_claims,
    std::optional<std::int64_t> expires_in, std::optional<std::int64_t> session_max_duration) {
  if (user_id.empty() || sub.empty() || (expires_in && *expires_in < 1) ||
      (session_max_duration && *session_max_duration < 1))
    return std::nullopt;
  json::object actor;
  actor["sub"] = sub;
  if (!other_claims.empty()) {
    boost::system::error_code ec;
    json::value claims = json::parse(other_claims, ec);
    if (ec || !claims.is_object() || claims.get_object().contains("sub"))
      return std::nullopt;
    for (auto& member : claims.get_object())
      actor.emplace(member.key(), std::move(member.value()));
  }
  json::object body;
  body["user_id"] = user_id;
  body["actor"] = std::move(actor);
  if (expires_in)
    body["expires_in_seconds"] = *expires_in;
  if (session_max_duration)
    body["session_max_duration_in_seconds"] = *session_max_duration;
  clerk::http_request r = post(c);
  r.headers.add("Content-Type", "application/json");
  r.url = c.base_url + "/actor_tokens";
  r.body = json::serialize(body);
  return r;
}

// The id percent-encoded as one path segment (RFC 3986 unreserved kept).
inline std::optional<clerk::http_request> build_revoke(const config& c, std::string_view id) {
  if (id.empty() || id == "." || id == "..")
    return std::nullopt;
  clerk::http_request r = post(c);
  r.url = c.base_url + "/sign_in_tokens/";
  for (char ch : id) {
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '.' || ch == '_' || ch == '~';
    if (keep) {
      r.url += ch;
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      auto u = static_cast<unsigned char>(ch);
      r.url += '%';
      r.url += hex[u >> 4];
      r.url += hex[u & 15];
    }
  }
  r.url += "/revoke";
  return r;
}

inline api_error read_errors(int status, const json::object& o) {
  api_error a;
  a.status = status;
  for (const json::value& item : o.at("errors").get_array()) {
    const json::object* e = item.if_object();
    if (e == nullptr)
      continue;
    error_entry entry;
    if (auto* v = e->if_contains("code"); v && v->is_string())
      entry.code = v->get_string();
    if (auto* v = e->if_contains("message"); v && v->is_string())
      entry.message = v->get_string();
    if (auto* v = e->if_contains("long_message"); v && v->is_string())
      entry.long_message = v->get_string();
    if (auto* v = e->if_contains("meta"); v && v->is_object())
      entry.meta = v->get_object();
    a.errors.push_back(std::move(entry));
  }
  if (auto* v = o.if_contains("clerk_trace_id"); v && v->is_string())
    a.trace_id = v->get_string();
  return a;
}

inline bool read_text(const json::object& o, std::string_view key, std::string& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string())
    return false;
  to = v->get_string();
  return true;
}

inline bool read_integer(const json::object& o, std::string_view key, std::int64_t& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64())
    return false;
  to = v->get_int64();
  return true;
}

// Absent or null leaves `to` empty.
inline bool read_optional_text(const json::object& o, std::string_view key,
                               std::optional<std::string>& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null())
    return true;
  if (!v->is_string())
    return false;
  to = std::string(v->get_string());
  return true;
}

// Each reader fills its model from a 2xx answer's object, or names what is
// wrong.
inline const char* read(const json::object& o, token& t) {
  if (!read_text(o, "object", t.object) || !read_text(o, "id", t.id) ||
      !read_text(o, "status", t.status) || !read_text(o, "user_id", t.user_id) ||
      !read_integer(o, "created_at", t.created_at) ||
      !read_integer(o, "updated_at", t.updated_at) || !read_optional_text(o, "token", t.token) ||
      !read_optional_text(o, "url", t.url))
    return "missing or mistyped field";
  if (t.object != "sign_in_token")
    return "not a sign_in_token";
  return nullptr;
}

inline const char* read(const json::object& o, actor_token& t) {
  if (!read_text(o, "object", t.object) || !read_text(o, "id", t.id) ||
      !read_text(o, "status", t.status) || !read_text(o, "user_id", t.user_id) ||
      !read_integer(o, "created_at", t.created_at) ||
      !read_integer(o, "updated_at", t.updated_at) || !read_optional_text(o, "token", t.token) ||
      !read_optional_text(o, "url", t.url))
    return "missing or mistyped field";
  if (t.object != "actor_token")
    return "not an actor_token";
  const json::value* a = o.if_contains("actor");
  if (a == nullptr || !a->is_object())
    return "actor: not an object";
  json::object others;
  for (const auto& member : a->get_object()) {
    if (member.key() != "sub")
      others.emplace(member.key(), member.value());
  }
  if (!read_text(a->get_object(), "sub", t.actor_sub) || t.actor_sub.empty())
    return "actor.sub: missing, mistyped or empty";
  if (!others.empty())
    t.actor_other_claims = json::serialize(others);
  return nullptr;
}

// A model, a ClerkErrors answer, or a failure naming what is wrong.
template <class T>
result<T> parse_as(const clerk::http_response& r) {
  if (r.body.size() > (std::size_t{1} << 20))
    return failure{r.status, "body too large"};
  if (!is_json(find_header(r.headers, "content-type")))
    return failure{r.status, "not JSON"};
  boost::system::error_code ec;
  json::value doc = json::parse(r.body, ec);
  if (ec)
    return failure{r.status, "invalid JSON"};
  const json::object* o = doc.if_object();
  if (r.status < 200 || r.status > 299) {
    if (o != nullptr && o->contains("errors") && o->at("errors").is_array())
      return read_errors(r.status, *o);
    return failure{r.status, "error status"};
  }
  if (o == nullptr)
    return failure{r.status, "not an object"};
  T t;
  if (const char* problem = read(*o, t))
    return failure{r.status, problem};
  return t;
}

inline outcome parse(const clerk::http_response& r) {
  return parse_as<token>(r);
}
inline actor_outcome parse_actor(const clerk::http_response& r) {
  return parse_as<actor_token>(r);
}

// Build, send through the transport, parse: the floor of a client call.
template <class T = token, class Transport>
result<T> call(const std::optional<clerk::http_request>& request, const Transport& transport) {
  if (!request)
    return failure{0, "invalid request"};
  clerk::transport_result response = transport(*request);
  if (!response)
    return failure{0, response.error().message};
  return parse_as<T>(*response);
}

}  // namespace clerk_bench::floor

#endif
