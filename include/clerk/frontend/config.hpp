// Where and how a native client reaches Clerk's Frontend API, and the client
// token that says which client it is.
#ifndef CLERK_FRONTEND_CONFIG_HPP
#define CLERK_FRONTEND_CONFIG_HPP

#include <clerk/config.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/publishable_key.hpp>
#include <clerk/redact.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace frontend {

// The client token: the credential by which the Frontend API knows this
// native client (a long-lived JWT, "Bearer ..."). The library stores none: the
// caller keeps it between calls and runs (like a refresh token), passes it to
// each request and takes the rotated one from each answer. Held as a secret:
// never printed, wiped when freed, compared in constant time.
//
// It becomes a header, so only visible ASCII and inner spaces are sent: a
// token holding anything else (CR, LF, a control or non-ASCII byte), whether
// read back from storage or taken from an answer, is kept but refused when a
// request is built: an invalid_request naming client_token, nothing sent.
class client_token {
 public:
  client_token() = default;
  // A token kept from an earlier run, exactly as the Frontend API sent it.
  // The string is wiped once copied.
  explicit client_token(std::string value) : value_(std::move(value)) {}

  bool empty() const noexcept { return value_.empty(); }
  // The value to persist (a keychain, an encrypted file). Handle as a secret.
  std::string_view reveal() const noexcept { return value_.reveal(); }

  // Why this token cannot be sent, or nullopt when it can (or is empty).
  std::optional<invalid_request> check() const {
    std::string_view v = value_.reveal();
    for (char c : v)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
        return invalid_request{"client_token",
                               "must be visible ASCII: no CR, LF, control or non-ASCII bytes"};
    if (!v.empty() && (v.front() == ' ' || v.back() == ' '))
      return invalid_request{"client_token", "must not start or end with a space"};
    return std::nullopt;
  }

  // Takes what an answer's Authorization header held: a value replaces this
  // token; no header keeps it; an empty value or a bare scheme ("Bearer")
  // clears it, as Clerk's iOS SDK does.
  void update(const std::optional<secret>& from_answer) {
    if (!from_answer)
      return;
    std::string_view v = from_answer->reveal();
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
      v.remove_suffix(1);
    if (v.find(' ') == std::string_view::npos && clerk::detail::iequals(v, "bearer"))
      v = {};
    value_ = secret(v);
  }

  friend bool operator==(const client_token&, const client_token&) = default;
  friend std::ostream& operator<<(std::ostream& os, const client_token& t) {
    return os << (t.empty() ? std::string_view("(none)") : http::redacted);
  }

 private:
  secret value_;
};

// What the user sets for the Frontend API. No secret key: a native client
// never holds one.
struct frontend_options {
  // "https://<host>" from parse_publishable_key, a proxy URL, or a loopback
  // URL in tests; the /v1/... paths are appended to it.
  std::string frontend_api_url{};
  std::string api_version{default_api_version};
  std::string user_agent{default_user_agent};
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  response_limits limits{};
  // The client token is a credential too: plain http:// is accepted only for
  // a loopback host unless this is set.
  bool allow_insecure_http = false;
};

class frontend_call;

class frontend_config {
 public:
  // A configuration, or an invalid_request error naming the option at fault
  // (frontend_api_url, api_version, user_agent, timeout, limits).
  static result<frontend_config> make(frontend_options o);

  // The configuration for the Frontend API a publishable key names; `o`'s
  // frontend_api_url must be empty (use make() for an explicit URL). An
  // invalid_request naming publishable_key when the key is bad.
  static result<frontend_config> from_publishable_key(std::string_view key,
                                                      frontend_options o = {}) {
    if (!o.frontend_api_url.empty())
      return error(invalid_request{"frontend_api_url",
                                   "must be empty when a publishable key "
                                   "names the Frontend API"});
    auto k = parse_publishable_key(key);
    if (!k)
      return std::move(k).error();
    o.frontend_api_url = std::move(k->frontend_api_url);
    return make(std::move(o));
  }

  std::string_view base_url() const noexcept { return base_url_; }  // no trailing slash
  std::string_view api_version() const noexcept { return api_version_; }
  std::string_view user_agent() const noexcept { return user_agent_; }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }
  const response_limits& limits() const noexcept { return limits_; }

  // Every request carries the caller's client token: clerk::client's
  // send(op, token) binds it for the request (<clerk/client.hpp>).
  using caller_state = client_token;
  frontend_call bind(const client_token& token) const noexcept;

  friend bool operator==(const frontend_config&, const frontend_config&) = default;
  friend std::ostream& operator<<(std::ostream& os, const frontend_config& c) {
    return os << "clerk::frontend::frontend_config{frontend_api_url=" << http::redact(c.base_url_)
              << ", api_version=" << http::redact(c.api_version_)
              << ", user_agent=" << http::redact(c.user_agent_)
              << ", timeout=" << c.timeout_.count() << "ms}";
  }

 private:
  frontend_config() = default;

  std::string base_url_;
  std::string api_version_;
  std::string user_agent_;
  std::chrono::milliseconds timeout_{};
  response_limits limits_{};
};

// A frontend_config bound to the caller's client token for one request: what
// the request builder takes. Every Frontend API request carries the query
// _is_native=1, Clerk-API-Version, User-Agent, Accept and, when there is a
// token, Authorization with it verbatim; never Origin or a cookie. Its
// timeout and body limit are the config's.
class frontend_call {
 public:
  frontend_call(const frontend_config& cfg, const client_token& token) noexcept
      : cfg_(&cfg), token_(&token) {}

  std::string_view base_url() const noexcept { return cfg_->base_url(); }
  const response_limits& limits() const noexcept { return cfg_->limits(); }

  friend std::optional<invalid_request> prepare_request(const frontend_call& c, http_request& r) {
    if (auto bad = c.token_->check())
      return bad;
    r.timeout = c.cfg_->timeout();
    r.max_body_bytes = c.cfg_->limits().max_body_bytes;
    r.url += "?_is_native=1";
    r.headers.reserve(6);
    if (!c.token_->empty())
      r.headers.add("Authorization", std::string(c.token_->reveal()));
    r.headers.add("Clerk-API-Version", std::string(c.cfg_->api_version()));
    r.headers.add("User-Agent", std::string(c.cfg_->user_agent()));
    r.headers.add("Accept", "application/json");
    return std::nullopt;
  }

 private:
  const frontend_config* cfg_;
  const client_token* token_;
};

inline frontend_call frontend_config::bind(const client_token& token) const noexcept {
  return {*this, token};
}

}  // namespace frontend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/frontend/impl/config.ipp>
#endif

#endif
