// The floor: the plainest correct hand-written Boost.JSON code doing what the
// library does for creating and revoking sign-in tokens, creating actor
// tokens and getting a user. The body is serialised from a json::object, the response parsed
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

// `id` percent-encoded as one path segment (RFC 3986 unreserved kept) after
// `url`; false for an id that cannot be one.
inline bool append_segment(std::string& url, std::string_view id) {
  if (id.empty() || id == "." || id == "..")
    return false;
  for (char ch : id) {
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '.' || ch == '_' || ch == '~';
    if (keep) {
      url += ch;
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      auto u = static_cast<unsigned char>(ch);
      url += '%';
      url += hex[u >> 4];
      url += hex[u & 15];
    }
  }
  return true;
}

inline std::optional<clerk::http_request> build_revoke(const config& c, std::string_view id) {
  clerk::http_request r = post(c);
  r.url = c.base_url + "/sign_in_tokens/";
  if (!append_segment(r.url, id))
    return std::nullopt;
  r.url += "/revoke";
  return r;
}

// GET /users/{user_id}: no body, and replayable.
inline std::optional<clerk::http_request> build_get_user(const config& c, std::string_view id) {
  clerk::http_request r = post(c);
  r.method = clerk::http_method::get;
  r.replayable = true;
  r.url = c.base_url + "/users/";
  if (!append_segment(r.url, id))
    return std::nullopt;
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

// A user (GET /users/{user_id}), as the library's clerk::backend::user holds
// it: times as integers, enums as their text, metadata as the text of its
// JSON, a verification as one of the kinds the fixture holds or its text.
// The arrays the fixture leaves empty (phone numbers, web3 wallets, SAML and
// enterprise accounts) must be empty: the floor's code for their elements
// would never run on it.
struct verification_info {
  std::string object, status, strategy;  // object: "" for a passkey's
  std::optional<std::int64_t> attempts, expire_at;
  std::optional<std::string> verified_at_client, redirect_url;
  std::string other;  // an unknown kind's text
};
struct identification_link {
  std::string type, id;
};
struct email_address {
  std::string id, email_address;
  bool reserved = false;
  std::optional<verification_info> verification;
  std::vector<identification_link> linked_to;
  std::optional<bool> matches_sso_connection;
  std::int64_t created_at = 0, updated_at = 0;
};
struct passkey {
  std::string id, name;
  std::int64_t last_used_at = 0;
  std::optional<verification_info> verification;
};
struct external_account {
  std::string object, id, provider, identification_id, provider_user_id, approved_scopes,
      email_address, first_name, last_name, public_metadata;
  std::optional<std::string> avatar_url, image_url, username, phone_number, label;
  std::int64_t created_at = 0, updated_at = 0;
  std::optional<verification_info> verification;
};
struct user {
  std::string id, public_metadata;
  std::optional<std::string> external_id, primary_email_address_id, primary_phone_number_id,
      primary_web3_wallet_id, username, first_name, last_name, locale, profile_image_url, image_url,
      private_metadata, unsafe_metadata;
  bool has_image = false, password_enabled = false, two_factor_enabled = false,
       totp_enabled = false, backup_code_enabled = false, banned = false, locked = false,
       delete_self_enabled = false, create_organization_enabled = false;
  std::optional<bool> bypass_client_trust;
  std::vector<email_address> email_addresses;
  std::vector<passkey> passkeys;
  std::vector<external_account> external_accounts;
  std::optional<std::int64_t> mfa_enabled_at, mfa_disabled_at, password_last_updated_at,
      last_sign_in_at, lockout_expires_in_seconds, verification_attempts_remaining,
      create_organizations_limit, last_active_at, legal_accepted_at;
  std::int64_t updated_at = 0, created_at = 0;
  struct scim {
    std::string directory_id;
    std::optional<bool> directory_enabled;
    std::optional<std::string> external_id;
  };
  std::optional<scim> scim_metadata;
};
using user_outcome = result<user>;

inline bool read_bool(const json::object& o, std::string_view key, bool& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_bool())
    return false;
  to = v->get_bool();
  return true;
}
// Absent or null leaves `to` empty.
inline bool read_optional_bool(const json::object& o, std::string_view key,
                               std::optional<bool>& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null())
    return true;
  if (!v->is_bool())
    return false;
  to = v->get_bool();
  return true;
}
inline bool read_optional_integer(const json::object& o, std::string_view key,
                                  std::optional<std::int64_t>& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null())
    return true;
  if (!v->is_int64())
    return false;
  to = v->get_int64();
  return true;
}
// Any JSON value but null, kept as its text.
inline bool read_json_text(const json::object& o, std::string_view key,
                           std::optional<std::string>& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null())
    return true;
  to = json::serialize(*v);
  return true;
}
// An array of objects, each read by `read_one`; false when it is missing,
// not an array, or an element fails.
template <class T, class Read>
bool read_array(const json::object& o, std::string_view key, std::vector<T>& to, Read read_one) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array())
    return false;
  to.reserve(v->get_array().size());
  for (const json::value& e : v->get_array()) {
    if (!e.is_object() || !read_one(e.get_object(), to.emplace_back()))
      return false;
  }
  return true;
}
inline bool empty_array(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() && v->get_array().empty();
}

// Null leaves `to` empty; an object of a known kind is read, any other kept
// as text.
inline bool read_verification(const json::object& o, std::string_view key,
                              std::optional<verification_info>& to) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null())
    return true;
  if (!v->is_object())
    return false;
  const json::object& a = v->get_object();
  verification_info& out = to.emplace();
  if (const json::value* k = a.if_contains("object")) {
    if (!k->is_string())
      return false;
    out.object = k->get_string();
    if (out.object != "verification_otp" && out.object != "verification_email_link" &&
        out.object != "verification_oauth") {
      out.other = json::serialize(a);
      return true;
    }
  }
  return read_text(a, "status", out.status) && read_text(a, "strategy", out.strategy) &&
         read_optional_integer(a, "attempts", out.attempts) &&
         read_optional_integer(a, "expire_at", out.expire_at) &&
         read_optional_text(a, "verified_at_client", out.verified_at_client) &&
         read_optional_text(a, "external_verification_redirect_url", out.redirect_url);
}

inline bool read_link(const json::object& o, identification_link& l) {
  return read_text(o, "type", l.type) && read_text(o, "id", l.id) && !l.id.empty();
}

inline bool read_email(const json::object& o, email_address& e) {
  std::string object;
  return read_text(o, "object", object) && object == "email_address" && read_text(o, "id", e.id) &&
         !e.id.empty() && read_text(o, "email_address", e.email_address) &&
         read_bool(o, "reserved", e.reserved) &&
         read_verification(o, "verification", e.verification) &&
         read_array(o, "linked_to", e.linked_to, read_link) &&
         read_optional_bool(o, "matches_sso_connection", e.matches_sso_connection) &&
         read_integer(o, "created_at", e.created_at) && read_integer(o, "updated_at", e.updated_at);
}

inline bool read_passkey(const json::object& o, passkey& p) {
  std::string object;
  return read_text(o, "object", object) && object == "passkey" && read_text(o, "id", p.id) &&
         !p.id.empty() && read_text(o, "name", p.name) &&
         read_integer(o, "last_used_at", p.last_used_at) &&
         read_verification(o, "verification", p.verification);
}

inline bool read_external_account(const json::object& o, external_account& a) {
  std::optional<std::string> metadata;
  bool ok =
      read_text(o, "object", a.object) && read_text(o, "id", a.id) && !a.id.empty() &&
      read_text(o, "provider", a.provider) &&
      read_text(o, "identification_id", a.identification_id) &&
      read_text(o, "provider_user_id", a.provider_user_id) &&
      read_text(o, "approved_scopes", a.approved_scopes) &&
      read_text(o, "email_address", a.email_address) && read_text(o, "first_name", a.first_name) &&
      read_text(o, "last_name", a.last_name) && read_optional_text(o, "avatar_url", a.avatar_url) &&
      read_optional_text(o, "image_url", a.image_url) &&
      read_optional_text(o, "username", a.username) &&
      read_optional_text(o, "phone_number", a.phone_number) &&
      read_json_text(o, "public_metadata", metadata) && metadata &&
      read_optional_text(o, "label", a.label) && read_integer(o, "created_at", a.created_at) &&
      read_integer(o, "updated_at", a.updated_at) &&
      read_verification(o, "verification", a.verification);
  if (ok)
    a.public_metadata = std::move(*metadata);
  return ok;
}

inline const char* read(const json::object& o, user& u) {
  std::string object;
  std::optional<std::string> metadata;
  if (!read_text(o, "object", object) || object != "user")
    return "not a user";
  if (!read_text(o, "id", u.id) || u.id.empty() ||
      !read_optional_text(o, "external_id", u.external_id) ||
      !read_optional_text(o, "primary_email_address_id", u.primary_email_address_id) ||
      !read_optional_text(o, "primary_phone_number_id", u.primary_phone_number_id) ||
      !read_optional_text(o, "primary_web3_wallet_id", u.primary_web3_wallet_id) ||
      !read_optional_text(o, "username", u.username) ||
      !read_optional_text(o, "first_name", u.first_name) ||
      !read_optional_text(o, "last_name", u.last_name) ||
      !read_optional_text(o, "locale", u.locale) ||
      !read_optional_text(o, "profile_image_url", u.profile_image_url) ||
      !read_optional_text(o, "image_url", u.image_url) || !read_bool(o, "has_image", u.has_image) ||
      !read_json_text(o, "public_metadata", metadata) || !metadata ||
      !read_json_text(o, "private_metadata", u.private_metadata) ||
      !read_json_text(o, "unsafe_metadata", u.unsafe_metadata) ||
      !read_array(o, "email_addresses", u.email_addresses, read_email) ||
      !empty_array(o, "phone_numbers") || !empty_array(o, "web3_wallets") ||
      !read_array(o, "passkeys", u.passkeys, read_passkey) ||
      !read_bool(o, "password_enabled", u.password_enabled) ||
      !read_bool(o, "two_factor_enabled", u.two_factor_enabled) ||
      !read_bool(o, "totp_enabled", u.totp_enabled) ||
      !read_bool(o, "backup_code_enabled", u.backup_code_enabled) ||
      !read_optional_integer(o, "mfa_enabled_at", u.mfa_enabled_at) ||
      !read_optional_integer(o, "mfa_disabled_at", u.mfa_disabled_at) ||
      !read_optional_integer(o, "password_last_updated_at", u.password_last_updated_at) ||
      !read_array(o, "external_accounts", u.external_accounts, read_external_account) ||
      !empty_array(o, "saml_accounts") || !empty_array(o, "enterprise_accounts") ||
      !read_optional_integer(o, "last_sign_in_at", u.last_sign_in_at) ||
      !read_bool(o, "banned", u.banned) || !read_bool(o, "locked", u.locked) ||
      !read_optional_integer(o, "lockout_expires_in_seconds", u.lockout_expires_in_seconds) ||
      !read_optional_integer(o, "verification_attempts_remaining",
                             u.verification_attempts_remaining) ||
      !read_integer(o, "updated_at", u.updated_at) ||
      !read_integer(o, "created_at", u.created_at) ||
      !read_bool(o, "delete_self_enabled", u.delete_self_enabled) ||
      !read_bool(o, "create_organization_enabled", u.create_organization_enabled) ||
      !read_optional_integer(o, "create_organizations_limit", u.create_organizations_limit) ||
      !read_optional_integer(o, "last_active_at", u.last_active_at) ||
      !read_optional_integer(o, "legal_accepted_at", u.legal_accepted_at) ||
      !read_optional_bool(o, "bypass_client_trust", u.bypass_client_trust))
    return "missing or mistyped field";
  u.public_metadata = std::move(*metadata);
  if (const json::value* v = o.if_contains("scim"); v != nullptr && !v->is_null()) {
    if (!v->is_object())
      return "scim: not an object";
    auto& s = u.scim_metadata.emplace();
    if (!read_text(v->get_object(), "directory_id", s.directory_id) ||
        !read_optional_bool(v->get_object(), "directory_enabled", s.directory_enabled) ||
        !read_optional_text(v->get_object(), "external_id", s.external_id))
      return "scim: missing or mistyped field";
  }
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
inline user_outcome parse_user(const clerk::http_response& r) {
  return parse_as<user>(r);
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
