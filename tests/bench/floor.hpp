// The floor: the plainest correct hand-written Boost.JSON code doing what the
// library does for create and revoke. The body is serialised from a
// json::object, the response parsed into a DOM with json::parse and the
// fields copied out into std::strings and integers. It uses none of the
// library's code; clerk::http_request and clerk::http_response serve only as
// the plain structs the transport speaks, so both sides pay the same
// transport cost.
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

using outcome = std::variant<token, api_error, failure>;

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

// A sign-in token, a ClerkErrors answer, or a failure naming what is wrong.
inline outcome parse(const clerk::http_response& r) {
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
  token t;
  auto text = [&](std::string_view key, std::string& to) {
    const json::value* v = o->if_contains(key);
    if (v == nullptr || !v->is_string())
      return false;
    to = v->get_string();
    return true;
  };
  auto integer = [&](std::string_view key, std::int64_t& to) {
    const json::value* v = o->if_contains(key);
    if (v == nullptr || !v->is_int64())
      return false;
    to = v->get_int64();
    return true;
  };
  auto optional_text = [&](std::string_view key, std::optional<std::string>& to) {
    const json::value* v = o->if_contains(key);
    if (v == nullptr || v->is_null())
      return true;
    if (!v->is_string())
      return false;
    to = std::string(v->get_string());
    return true;
  };
  if (!text("object", t.object) || !text("id", t.id) || !text("status", t.status) ||
      !text("user_id", t.user_id) || !integer("created_at", t.created_at) ||
      !integer("updated_at", t.updated_at) || !optional_text("token", t.token) ||
      !optional_text("url", t.url))
    return failure{r.status, "missing or mistyped field"};
  if (t.object != "sign_in_token")
    return failure{r.status, "not a sign_in_token"};
  return t;
}

// Build, send through the transport, parse: the floor of a client call.
template <class Transport>
outcome call(const std::optional<clerk::http_request>& request, const Transport& transport) {
  if (!request)
    return failure{0, "invalid request"};
  clerk::transport_result response = transport(*request);
  if (!response)
    return failure{0, response.error().message};
  return parse(*response);
}

}  // namespace clerk_bench::floor

#endif
