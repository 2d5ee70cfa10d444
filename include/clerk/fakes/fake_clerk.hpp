// An in-memory Clerk for your own tests: the sign-in token endpoints of the
// Backend API and the ticket sign-in of the Frontend API with Clerk's
// semantics, itself a clerk::transport. No I/O, no threads, no clock
// but the one the test sets. Not part of <clerk/backend.hpp>: include it
// explicitly from test code.
#ifndef CLERK_TESTING_FAKE_CLERK_HPP
#define CLERK_TESTING_FAKE_CLERK_HPP

#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/detail/form.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/http.hpp>
#include <clerk/media_type.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>
#include <clerk/webhooks.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace fakes {

// What signs the fake's session JWTs. The fake itself does no crypto (it is
// a core test double, usable without OpenSSL): without a signer its JWTs
// carry made-up signatures. <clerk/fakes/openssl_signer.hpp> is a real one
// (RS256, RSA-2048). The fake calls it under its lock, one call at a time.
class jwt_signer {
 public:
  virtual ~jwt_signer() = default;
  // The kid of the key that signs now: the JWT header's kid.
  virtual std::string kid() const = 0;
  // The RS256 signature (raw bytes) of "base64url(header).base64url(payload)".
  virtual std::string sign(std::string_view signing_input) const = 0;
  // The public keys as a JWKS document ({"keys":[...]}), as Clerk serves it.
  virtual std::string jwks() const = 0;
  // A new key signs from now on (with a new kid); the JWKS lists only it.
  virtual void rotate() = 0;
};

struct fake_clerk_options {
  // The only key the fake accepts as "Authorization: Bearer <key>".
  std::string secret_key = "sk_test_fake0clerk0secret0key000";
  // Ids, tokens and trace ids are a function of the seed and of the order
  // of the requests.
  std::uint64_t seed = 0;
  // The fake's clock until the test moves it (2024-07-02T20:36:56.214Z).
  timestamp start_time{std::chrono::milliseconds(1719952616214)};
  // When set, read before each request instead of the time set_time() and
  // advance() keep: a server for demos passes the system clock here.
  std::function<timestamp()> clock{};
  // What the request path must start with: the "/v1" of https://api.clerk.com/v1.
  std::string path_prefix = "/v1";
  // Where a token's url points; Clerk's would be the instance's accounts page.
  std::string frontend_url = "https://accounts.fake-clerk.test";
  // The Frontend API's origin: the iss claim of the session JWTs it mints.
  std::string frontend_issuer = "https://clerk.fake-clerk.test";
  // Signs session JWTs (and serves GET {prefix}/jwks and
  // /.well-known/jwks.json); null: made-up signatures, an empty JWKS.
  std::shared_ptr<jwt_signer> signer{};
  // The key rotates after this many session JWTs signed with it (0: never).
  std::size_t rotate_key_after = 0;
  // The session tasks an instance requires (Clerk's keys: "choose-organization",
  // "reset-password"). Set, every sign-in completes with a "pending" session
  // listing them as its tasks, whose JWTs carry sts "pending"; the fake never
  // completes a task. Empty: sessions are active at once.
  std::vector<std::string> session_tasks{};
};

// Why consume_ticket() refused a ticket.
enum class ticket_problem { none, unknown, already_used, revoked, expired };

// What consume_ticket() returns: the accepted token, or the problem and a
// sentence saying what it is.
struct ticket_result {
  std::optional<sign_in_token> token;  // set when the ticket was accepted
  ticket_problem problem = ticket_problem::none;
  std::string reason;

  explicit operator bool() const noexcept { return token.has_value(); }
};

// Clerk's default lifetime of a sign-in token: 30 days.
inline constexpr std::chrono::seconds default_sign_in_token_lifetime{2592000};

// A handle on one fake Clerk instance: copies share the same users,
// organizations, tokens and clock, so a test can keep one copy while a
// clerk::client holds another. Every member is const and locks one mutex,
// so one fake may be shared across threads.
//
// Answers POST {prefix}/sign_in_tokens, POST {prefix}/actor_tokens, POST
// {prefix}/{sign_in,actor}_tokens/{id}/revoke, GET {prefix}/users/{id} and
// GET {prefix}/users?user_id=.. (a bare array of the known users) as
// Clerk's Backend API does (an actor token not pending cannot be revoked:
// 400 actor_token_cannot_be_revoked, the fake's own code), and the
// Frontend API's {prefix}/client, {prefix}/client/sign_ins (ticket strategy)
// and {prefix}/client/sessions/{id}/{touch,tokens[/template],remove} for
// native clients, on the same tokens; anything else is a 404
// resource_not_found. Every answer carries a Clerk-Trace-Id header, and error
// bodies carry the same id as clerk_trace_id. It returns a transport error
// only in drop mode (drop_next_answers).
class fake_clerk {
 public:
  explicit fake_clerk(fake_clerk_options o = {}) : s_(std::make_shared<state>()) {
    s_->now = o.start_time;
    s_->rng = o.seed;
    s_->o = std::move(o);
  }

  std::string secret_key() const {
    auto l = lock();
    return s_->o.secret_key;
  }

  void add_user(std::string user_id) const {
    auto l = lock();
    if (auto added = s_->users.insert(std::move(user_id)); added.second)
      webhook_event_locked("user.created", user_json(*added.first));
  }

  // Registers an organization with these members (who become known users).
  void add_organization(std::string org_id, std::vector<std::string> members = {}) const {
    auto l = lock();
    auto& m = s_->orgs[std::move(org_id)];
    for (auto& u : members) {
      s_->users.insert(u);
      m.insert(std::move(u));
    }
  }

  // Makes a known user a member of a known organization; false when either
  // is unknown.
  bool add_membership(std::string_view org_id, std::string_view user_id) const {
    auto l = lock();
    auto org = s_->orgs.find(org_id);
    if (org == s_->orgs.end() || !s_->users.contains(user_id))
      return false;
    org->second.emplace(user_id);
    return true;
  }

  timestamp now() const {
    auto l = lock();
    tick();
    return s_->now;
  }
  void set_time(timestamp t) const {
    auto l = lock();
    s_->now = t;
  }
  void advance(std::chrono::milliseconds d) const {
    auto l = lock();
    s_->now += d;
  }

  // Requests answered so far, whatever the answer: lets a test check that a
  // request refused locally never got here.
  std::size_t request_count() const {
    auto l = lock();
    return s_->requests;
  }

  // The token as the fake holds it now (token and url included while the
  // token is pending or accepted), or nullopt for an unknown id.
  std::optional<sign_in_token> find_token(std::string_view id) const {
    auto l = lock();
    auto it = s_->tokens.find(id);
    if (it == s_->tokens.end())
      return std::nullopt;
    return it->second.token;
  }

  // What Clerk's Frontend API does with the `ticket` strategy: a pending,
  // unexpired token's ticket is accepted once and the token becomes
  // "accepted". Every other case says why it was refused.
  ticket_result consume_ticket(std::string_view ticket) const {
    auto l = lock();
    return consume_locked(ticket);
  }

  // ---- Frontend API (issue 10): settings and inspection -----------------

  // Dashboard's "Native API" switch: off, every _is_native request gets 400
  // native_api_disabled.
  void set_native_api_enabled(bool on) const {
    auto l = lock();
    s_->fapi.native_api_enabled = on;
  }
  // Single-session mode: a sign-in on a client that holds an active session
  // gets 400 session_exists.
  void set_single_session_mode(bool on) const {
    auto l = lock();
    s_->fapi.single_session = on;
  }
  // The next `n` requests are carried out (their effects stay) and then the
  // connection is dropped: the caller gets a transport_error, not the answer.
  void drop_next_answers(std::size_t n) const {
    auto l = lock();
    s_->fapi.drops = n;
  }

  // A Frontend API session as the fake holds it.
  struct session_view {
    std::string id, client_id, user_id, status;
    std::optional<std::string> org_id;
  };
  std::optional<session_view> find_session(std::string_view id) const {
    auto l = lock();
    auto it = s_->fapi.sessions.find(id);
    if (it == s_->fapi.sessions.end())
      return std::nullopt;
    const fapi_session& f = it->second;
    return session_view{f.id, f.client_id, f.user_id, f.status, f.org_id};
  }
  // How many Frontend API clients exist: lets a test see that a refused
  // request created none.
  std::size_t client_count() const {
    auto l = lock();
    return s_->fapi.clients.size();
  }

  // ---- end of Frontend API settings --------------------------------------

  // A new signing key from now on (options.signer): tokens signed before
  // no longer verify against the JWKS the fake serves. No-op without one.
  void rotate_signing_key() const {
    auto l = lock();
    rotate_locked();
  }
  // The JWKS the fake serves: the signer's public key, or {"keys":[]}.
  std::string jwks() const {
    auto l = lock();
    return s_->o.signer ? s_->o.signer->jwks() : std::string(R"({"keys":[]})");
  }

  // ---- webhooks (issue 27) -----------------------------------------------

  // What a webhook endpoint receives: the svix-id, svix-timestamp,
  // svix-signature and Content-Type headers, and the event as JSON.
  struct webhook_delivery {
    header_list headers;
    std::string body;
  };

  // A delivery of an event of `type` whose data is the JSON text `data`,
  // shaped as Clerk sends it through Svix ({"data", "event_attributes",
  // "instance_id": "ins_fake", "object": "event", "timestamp", "type"}), with
  // a new message id ("msg_...") and the fake's clock, signed with `secret` by
  // `hmac`. An invalid_request when `data` is not JSON; the signer's error
  // when it fails.
  template <hmac_sha256 H>
  result<webhook_delivery> webhook(std::string_view type, std::string_view data,
                                   const webhook_secret& secret, const H& hmac) const {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(data, ec);
    if (ec)
      return error(invalid_request{"data", "is not JSON"});
    auto l = lock();
    tick();
    return signed_delivery_locked(type, std::move(v), secret, hmac);
  }

  // From now on the fake sends its own events, each a signed delivery passed
  // to `deliver`: user.created for each user add_user() adds, and
  // session.created for each session a ticket signs in (the Frontend API's
  // sign-in). `deliver` is called under the fake's lock: it must not call the
  // fake (queue the delivery; send it from elsewhere). A delivery the signer
  // fails to sign is dropped.
  template <hmac_sha256 H>
  void send_webhooks(webhook_secret secret, H hmac,
                     std::function<void(webhook_delivery)> deliver) const {
    auto l = lock();
    w_->emit = [secret = std::move(secret), hmac = std::move(hmac), deliver = std::move(deliver)](
                   const fake_clerk& fake, std::string_view type, boost::json::value data) {
      if (auto d = fake.signed_delivery_locked(type, std::move(data), secret, hmac))
        deliver(std::move(*d));
    };
  }
  // The fake sends no more events.
  void stop_webhooks() const {
    auto l = lock();
    w_->emit = nullptr;
  }

 private:
  struct webhook_state {
    std::function<void(const fake_clerk&, std::string_view, boost::json::value)> emit;
  };
  std::shared_ptr<webhook_state> w_ = std::make_shared<webhook_state>();

  template <hmac_sha256 H>
  result<webhook_delivery> signed_delivery_locked(std::string_view type, boost::json::value data,
                                                  const webhook_secret& secret,
                                                  const H& hmac) const {
    boost::json::object event;
    event["data"] = std::move(data);
    event["event_attributes"] = boost::json::object{
        {"http_request", boost::json::object{{"client_ip", ""}, {"user_agent", ""}}}};
    event["instance_id"] = "ins_fake";
    event["object"] = "event";
    event["timestamp"] = s_->now.time_since_epoch().count();
    event["type"] = type;
    webhook_delivery d;
    d.body = boost::json::serialize(event);
    const std::string id = "msg_" + next_base62(27);
    const auto seconds = std::chrono::floor<std::chrono::seconds>(s_->now);
    auto signature = sign_webhook(id, seconds, d.body, secret, hmac);
    if (!signature)
      return std::move(signature).error();
    d.headers.add("svix-id", id);
    d.headers.add("svix-timestamp", std::to_string(seconds.time_since_epoch().count()));
    d.headers.add("svix-signature", std::move(*signature));
    d.headers.add("Content-Type", "application/json");
    return d;
  }

  // An event of the fake's own, sent when send_webhooks() asked for them.
  void webhook_event_locked(std::string_view type, boost::json::value data) const {
    if (!w_->emit)
      return;
    tick();
    w_->emit(*this, type, std::move(data));
  }

  // A session as Clerk's session.created event carries it.
  template <class Session>
  boost::json::object session_webhook_data(const Session& f) const {
    boost::json::object o;
    o["object"] = "session";
    o["id"] = f.id;
    o["client_id"] = f.client_id;
    o["user_id"] = f.user_id;
    o["status"] = f.status;
    o["last_active_at"] = f.last_active_at.time_since_epoch().count();
    o["expire_at"] = f.created_at.time_since_epoch().count() + 7 * 86400000LL;
    o["abandon_at"] = f.created_at.time_since_epoch().count() + 30 * 86400000LL;
    o["created_at"] = f.created_at.time_since_epoch().count();
    o["updated_at"] = f.updated_at.time_since_epoch().count();
    return o;
  }
  // ---- end of webhooks ----------------------------------------------------

 public:
  // ---- machine tokens (issue 27) -------------------------------------------

  // An M2M token JWT as Clerk mints one for machine `machine_id` ("mch_..."):
  // header cat "cl_B7d4PD333AAA", claims iss, sub, jti, iat, nbf, exp (the
  // fake's clock plus `lifetime`), the machines it may call as aud and as
  // space-separated "scopes", and the members of the JSON object `claims`
  // beside them. Signed as the fake's session JWTs are.
  std::string m2m_jwt(std::string_view machine_id, std::vector<std::string> scopes = {},
                      std::chrono::seconds lifetime = std::chrono::hours(1),
                      std::string_view claims = "{}") const {
    auto l = lock();
    tick();
    boost::json::object c = extra_claims(claims);
    boost::json::array aud;
    std::string joined;
    for (const auto& m : scopes) {
      aud.emplace_back(m);
      joined += (joined.empty() ? "" : " ") + m;
    }
    c["aud"] = std::move(aud);
    c["scopes"] = joined;
    return machine_jwt_locked(R"("typ":"JWT","cat":"cl_B7d4PD333AAA")", "mt_", machine_id, lifetime,
                              std::move(c));
  }

  // An OAuth access token JWT of `client_id` for `user_id`: header typ
  // "at+jwt", claims iss, sub, client_id, jti, iat, nbf, exp, and the scopes
  // as "scp".
  std::string oauth_jwt(std::string_view user_id, std::string_view client_id,
                        std::vector<std::string> scopes = {},
                        std::chrono::seconds lifetime = std::chrono::hours(1)) const {
    auto l = lock();
    tick();
    boost::json::object c;
    c["client_id"] = client_id;
    boost::json::array scp;
    for (const auto& s : scopes)
      scp.emplace_back(s);
    c["scp"] = std::move(scp);
    return machine_jwt_locked(R"("typ":"at+jwt")", "oat_", user_id, lifetime, std::move(c));
  }

  // Opaque tokens, which POST {prefix}/m2m_tokens/verify, {prefix}/api_keys/
  // verify and {prefix}/oauth_applications/access_tokens/verify answer for
  // as Clerk does (401 without the secret key, 404 for a token they do not
  // know, the resource with revoked and expired otherwise). Each returns the
  // token ("mt_...", "ak_...", "oat_..."); its resource id is another.
  // No lifetime: it never expires.
  std::string create_m2m_token(
      std::string_view machine_id, std::vector<std::string> scopes = {},
      std::optional<std::chrono::seconds> lifetime = std::chrono::hours(1)) const {
    auto l = lock();
    tick();
    return add_machine_token_locked("mt_", machine_id, {}, std::move(scopes), lifetime);
  }
  std::string create_api_key(std::string_view subject, std::vector<std::string> scopes = {},
                             std::optional<std::chrono::seconds> lifetime = std::nullopt) const {
    auto l = lock();
    tick();
    return add_machine_token_locked("ak_", subject, {}, std::move(scopes), lifetime);
  }
  std::string create_oauth_access_token(
      std::string_view user_id, std::string_view client_id, std::vector<std::string> scopes = {},
      std::optional<std::chrono::seconds> lifetime = std::chrono::hours(1)) const {
    auto l = lock();
    tick();
    return add_machine_token_locked("oat_", user_id, client_id, std::move(scopes), lifetime);
  }
  // Marks an opaque token revoked; false when the fake does not know it.
  bool revoke_machine_token(std::string_view token) const {
    auto l = lock();
    auto it = m_->tokens.find(token);
    if (it == m_->tokens.end())
      return false;
    it->second.revoked = true;
    return true;
  }

 private:
  struct machine_token {
    std::string id, subject, client_id;
    std::vector<std::string> scopes;
    std::optional<timestamp> expiration;
    timestamp created_at;
    bool revoked = false;
  };
  struct machine_state {
    std::map<std::string, machine_token, std::less<>> tokens;  // by token
  };
  std::shared_ptr<machine_state> m_ = std::make_shared<machine_state>();

  static boost::json::object extra_claims(std::string_view json) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(json, ec);
    return !ec && v.is_object() ? std::move(v.get_object()) : boost::json::object();
  }

  // A JWT whose header is alg, kid and `header_members`, and whose claims
  // are `c` with iss, sub, jti (`jti_prefix` and hex), iat, nbf and exp.
  std::string machine_jwt_locked(std::string_view header_members, std::string_view jti_prefix,
                                 std::string_view subject, std::chrono::seconds lifetime,
                                 boost::json::object c) const {
    jwt_signer* signer = s_->o.signer.get();
    c["iss"] = s_->o.frontend_issuer;
    c["sub"] = subject;
    c["jti"] = std::string(jti_prefix) + next_hex(32);
    c["iat"] = seconds_now();
    c["nbf"] = seconds_now() - 5;
    c["exp"] = seconds_now() + lifetime.count();
    std::string header =
        R"({"alg":"RS256","kid":)" +
        boost::json::serialize(boost::json::value(signer ? signer->kid() : "ins_fake")) + "," +
        std::string(header_members) + "}";
    if (!signer)
      return jwt_of(header, c);
    std::string input = base64url(header) + '.' + base64url(boost::json::serialize(c));
    return input + '.' + base64url(signer->sign(input));
  }

  std::string add_machine_token_locked(std::string_view prefix, std::string_view subject,
                                       std::string_view client_id, std::vector<std::string> scopes,
                                       std::optional<std::chrono::seconds> lifetime) const {
    machine_token t;
    t.id = std::string(prefix) + next_hex(32);
    t.subject = subject;
    t.client_id = client_id;
    t.scopes = std::move(scopes);
    t.created_at = s_->now;
    if (lifetime)
      t.expiration = s_->now + *lifetime;
    std::string token = std::string(prefix) + next_base62(40);
    m_->tokens.emplace(token, std::move(t));
    return token;
  }

  // The three verify endpoints, or nullopt for any other request.
  std::optional<http_response> machine_route(const http_request& r, std::string_view path,
                                             std::string_view trace) const {
    const std::string& prefix = s_->o.path_prefix;
    if (r.method != http_method::post || !path.starts_with(prefix))
      return std::nullopt;
    path.remove_prefix(prefix.size());
    std::string_view kind, member;
    if (path == "/m2m_tokens/verify")
      kind = "mt_", member = "token";
    else if (path == "/api_keys/verify")
      kind = "ak_", member = "secret";
    else if (path == "/oauth_applications/access_tokens/verify")
      kind = "oat_", member = "access_token";
    else
      return std::nullopt;
    auto auth = r.headers.find("authorization");
    if (!auth || *auth != "Bearer " + s_->o.secret_key)
      return clerk_errors(401, "authentication_invalid", "Invalid authentication",
                          "The secret key in the Authorization header is not valid", trace);
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(r.body, ec);
    const boost::json::value* given =
        !ec && body.is_object() ? body.get_object().if_contains(member) : nullptr;
    if (given == nullptr || !given->is_string())
      return clerk_errors(400, "form_param_missing", "is missing",
                          std::string(member) + " is missing", trace, member);
    const std::string_view token = given->get_string();
    auto it = m_->tokens.find(token);
    if (!token.starts_with(kind) || it == m_->tokens.end())
      return not_found("No token was found", trace);
    const machine_token& t = it->second;
    boost::json::object o;
    o["object"] = kind == "mt_"   ? "machine_to_machine_token"
                  : kind == "ak_" ? "api_key"
                                  : "clerk_idp_oauth_access_token";
    o["id"] = t.id;
    if (kind == "ak_") {
      o["type"] = "api_key";
      o["name"] = "fake key";
      o["description"] = nullptr;
      o["created_by"] = nullptr;
    }
    if (kind == "oat_")
      o["client_id"] = t.client_id;
    else
      o["claims"] = nullptr;
    o["subject"] = t.subject;
    boost::json::array scopes;
    for (const auto& s : t.scopes)
      scopes.emplace_back(s);
    o["scopes"] = std::move(scopes);
    o["revoked"] = t.revoked;
    o["revocation_reason"] =
        t.revoked ? boost::json::value("revoked") : boost::json::value(nullptr);
    o["expired"] = t.expiration && s_->now >= *t.expiration;
    o["expiration"] =
        t.expiration ? boost::json::value(ms(*t.expiration)) : boost::json::value(nullptr);
    if (kind != "oat_")
      o["last_used_at"] = nullptr;
    o["created_at"] = ms(t.created_at);
    o["updated_at"] = ms(t.created_at);
    return json(200, o);
  }

 public:
  // ---- end of machine tokens -----------------------------------------------

 private:
  ticket_result consume_locked(std::string_view ticket) const {
    auto refuse = [](ticket_problem p, std::string why) {
      return ticket_result{std::nullopt, p, std::move(why)};
    };
    tick();
    auto by_ticket = s_->by_ticket.find(ticket);
    if (by_ticket == s_->by_ticket.end())
      return refuse(ticket_problem::unknown, "no sign-in token has this ticket");
    stored& t = s_->tokens.find(by_ticket->second)->second;
    switch (t.token.status.value()) {
      case sign_in_token_status::accepted:
        return refuse(ticket_problem::already_used, "the ticket was already used to sign in");
      case sign_in_token_status::revoked:
        return refuse(ticket_problem::revoked, "the sign-in token was revoked");
      default:
        break;
    }
    if (s_->now >= t.expires_at)
      return refuse(ticket_problem::expired,
                    "the sign-in token expired at " + format_timestamp(t.expires_at));
    t.token.status = sign_in_token_status("accepted");
    t.token.updated_at = s_->now;
    return ticket_result{t.token, ticket_problem::none, {}};
  }

 public:
  // The transport: answers a request description as Clerk would. `url` may
  // be absolute (http://host/v1/...) or just the target (/v1/...), so a server
  // can pass on what it received.
  transport_result operator()(const http_request& r) const {
    auto l = lock();
    ++s_->requests;
    tick();
    std::string trace = next_hex(32);
    http_response out = route(r, trace);
    out.headers.add("Clerk-Trace-Id", trace);
    if (s_->fapi.drops > 0) {  // Frontend API drop mode: the work is done, the answer lost
      --s_->fapi.drops;
      return transport_error{std::make_error_code(std::errc::connection_reset),
                             "fake Clerk dropped the connection after carrying out the request",
                             false};
    }
    return out;
  }

 private:
  struct stored {
    sign_in_token token;
    timestamp expires_at;
    std::optional<std::string> org_id;
  };

  // ---- Frontend API (issue 10): state ------------------------------------
  struct fapi_session {
    std::string id, client_id, user_id;
    std::string status;  // active | pending (options.session_tasks) | removed
    std::optional<std::string> org_id;
    timestamp created_at, updated_at, last_active_at;
    std::optional<std::string> last_jwt;
    std::optional<std::string> actor;  // the act claim, as JSON text, for an actor token's session
  };
  struct fapi_client {
    std::string id;
    std::string token, previous_token;  // Authorization values it accepts
    std::vector<std::string> sessions;  // ids, oldest first
    std::optional<std::string> last_active_session_id;
    std::optional<std::string> last_strategy;
    timestamp created_at, updated_at;
  };
  struct fapi_state {
    bool native_api_enabled = true;
    bool single_session = false;
    std::size_t drops = 0;
    std::map<std::string, fapi_client, std::less<>> clients;
    std::map<std::string, std::string, std::less<>> by_token;  // Authorization -> client id
    std::map<std::string, fapi_session, std::less<>> sessions;
  };
  // ---- end of Frontend API state -----------------------------------------

  struct state {
    std::mutex m;
    fake_clerk_options o;
    timestamp now;
    std::uint64_t rng = 0;
    std::set<std::string, std::less<>> users;
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> orgs;
    std::map<std::string, stored, std::less<>> tokens;
    std::map<std::string, actor_token, std::less<>> actor_tokens;
    std::map<std::string, std::string, std::less<>> by_ticket;        // ticket -> token id
    std::map<std::string, std::string, std::less<>> by_actor_ticket;  // ticket -> actor token id
    std::size_t signed_with_key = 0;  // session JWTs signed since the last rotation
    std::size_t requests = 0;
    fapi_state fapi;  // the Frontend API's clients and sessions (issue 10)
  };

  std::unique_lock<std::mutex> lock() const { return std::unique_lock(s_->m); }

  // Brings the time up to date from options.clock, when the test gave one.
  void tick() const {
    if (s_->o.clock)
      s_->now = s_->o.clock();
  }

  void rotate_locked() const {
    if (s_->o.signer)
      s_->o.signer->rotate();
    s_->signed_with_key = 0;
  }

  // splitmix64: small, well mixed, and the same on every platform.
  std::uint64_t next() const {
    std::uint64_t z = (s_->rng += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  std::string next_hex(std::size_t n) const {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
      s += digits[next() % 16];
    return s;
  }

  std::string next_base62(std::size_t n) const {
    static constexpr std::string_view alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
      s += alphabet[next() % alphabet.size()];
    return s;
  }

  static std::string base64url(std::string_view in) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
      auto v = (std::uint32_t(std::uint8_t(in[i])) << 16) |
               (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
      for (int k = 18; k >= 0; k -= 6)
        out += alphabet[(v >> k) & 63];
    }
    if (std::size_t rest = in.size() - i; rest > 0) {
      std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
      if (rest == 2)
        v |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
      for (std::size_t k = 0; k <= rest; ++k)
        out += alphabet[(v >> (18 - 6 * k)) & 63];
    }
    return out;
  }

  // A JWT-shaped token: a real header and claims, a made-up signature.
  std::string make_jwt(std::string_view id, std::string_view user_id, timestamp exp) const {
    boost::json::object claims;
    claims["iid"] = "ins_fake";
    claims["sid"] = id;
    claims["sub"] = user_id;
    claims["iat"] = s_->now.time_since_epoch().count() / 1000;
    claims["exp"] = exp.time_since_epoch().count() / 1000;
    std::string sig;
    for (int i = 0; i < 4; ++i)
      for (int b = 0; b < 64; b += 8)
        sig += static_cast<char>((next() >> b) & 0xff);
    return base64url(R"({"alg":"RS256","typ":"JWT"})") + '.' +
           base64url(boost::json::serialize(claims)) + '.' + base64url(sig);
  }

  static http_response json(int status, std::string body) {
    http_response r;
    r.status = status;
    r.headers.add("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  }
  static http_response json(int status, const boost::json::object& body) {
    return json(status, boost::json::serialize(body));
  }

  // A ClerkErrors answer with one error.
  static http_response clerk_errors(int status, std::string_view code, std::string_view message,
                                    std::string_view long_message, std::string_view trace,
                                    std::string_view param_name = {}) {
    boost::json::object e;
    e["message"] = message;
    e["long_message"] = long_message;
    e["code"] = code;
    boost::json::object meta;
    if (!param_name.empty())
      meta["param_name"] = param_name;
    e["meta"] = std::move(meta);
    boost::json::object body;
    body["errors"] = boost::json::array{std::move(e)};
    body["meta"] = boost::json::object();
    body["clerk_trace_id"] = trace;
    return json(status, body);
  }

  static http_response not_found(std::string_view long_message, std::string_view trace) {
    return clerk_errors(404, "resource_not_found", "not found", long_message, trace);
  }

  // The path of an absolute URL or of a bare target, without query or fragment.
  static std::string_view path_of(std::string_view url) {
    if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
      url.remove_prefix(scheme + 3);
      auto slash = url.find('/');
      url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
    }
    return url.substr(0, url.find_first_of("?#"));
  }

  http_response route(const http_request& r, std::string_view trace) const {
    std::string_view path = path_of(r.url);
    if (auto machine = machine_route(r, path, trace))  // issue 27's verify endpoints
      return std::move(*machine);
    const std::string& prefix = s_->o.path_prefix;
    // The Frontend API's JWKS: public, no key needed.
    if (r.method == http_method::get && path == "/.well-known/jwks.json")
      return json(200, s_->o.signer ? s_->o.signer->jwks() : std::string(R"({"keys":[]})"));
    if (path.starts_with(prefix) && is_frontend_path(path.substr(prefix.size())))
      return frontend(r, path.substr(prefix.size()), trace);
    if (!path.starts_with(prefix))
      return not_found("Resource not found", trace);
    path.remove_prefix(prefix.size());
    // The path's segments, still percent-encoded: a route matches them whole.
    std::vector<std::string_view> seg;
    while (!path.empty()) {
      if (path.front() != '/' || seg.size() == 3)
        return not_found("Resource not found", trace);
      path.remove_prefix(1);
      auto slash = path.find('/');
      seg.push_back(path.substr(0, slash));
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    const bool post = r.method == http_method::post;
    const bool tokens = !seg.empty() && (seg[0] == "sign_in_tokens" || seg[0] == "actor_tokens");
    const bool is_create = post && tokens && seg.size() == 1;
    const bool is_revoke = post && tokens && seg.size() == 3 && seg[2] == "revoke";
    const bool is_user = r.method == http_method::get && seg.size() == 2 && seg[0] == "users";
    const bool is_jwks = r.method == http_method::get && seg.size() == 1 && seg[0] == "jwks";
    const bool is_list = r.method == http_method::get && seg.size() == 1 && seg[0] == "users";
    if (!is_create && !is_revoke && !is_user && !is_jwks && !is_list)
      return not_found("Resource not found", trace);

    // Clerk checks the key before anything else.
    auto auth = r.headers.find("authorization");
    if (!auth || *auth != "Bearer " + s_->o.secret_key)
      return clerk_errors(401, "authentication_invalid", "Invalid authentication",
                          auth ? "The secret key in the Authorization header is not valid"
                               : "The request has no Authorization header with a secret key",
                          trace);
    if (is_jwks)
      return json(200, s_->o.signer ? s_->o.signer->jwks() : std::string(R"({"keys":[]})"));
    if (is_list)
      return list_users(r.url);
    const bool actor = tokens && seg[0] == "actor_tokens";
    if (is_create)
      return actor ? create_actor(r, trace) : create(r, trace);
    auto id = detail::percent_decode(seg[1]);
    if (!id || seg[1].empty())
      return not_found("Resource not found", trace);
    if (is_user)
      return get_user(*id, trace);
    return actor ? revoke_actor(*id, trace) : revoke_token(*id, trace);
  }

  // The few fields a fake knows about a user.
  boost::json::object user_json(const std::string& id) const {
    boost::json::object u;
    u["object"] = "user";
    u["id"] = id;
    u["first_name"] = nullptr;
    u["created_at"] = s_->now.time_since_epoch().count();
    u["updated_at"] = s_->now.time_since_epoch().count();
    return u;
  }

  // GET /users/{id}.
  http_response get_user(const std::string& id, std::string_view trace) const {
    if (!s_->users.contains(id))
      return not_found("No user was found with id " + id, trace);
    return json(200, user_json(id));
  }

  // GET /users[?user_id=a&user_id=b]: a bare array, as Clerk answers, of the
  // known users among those named (every user when none is), sorted by id.
  http_response list_users(std::string_view url) const {
    std::set<std::string, std::less<>> wanted;
    auto q = url.find('?');
    for (std::string_view rest = q == std::string_view::npos ? "" : url.substr(q + 1);
         !rest.empty();) {
      auto amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (pair.starts_with("user_id="))
        if (auto id = detail::percent_decode(pair.substr(8)))
          wanted.insert(std::move(*id));
    }
    boost::json::array out;
    for (const std::string& id : s_->users)
      if (wanted.empty() || wanted.contains(id))
        out.push_back(user_json(id));
    return json(200, boost::json::serialize(out));
  }

  // POST /actor_tokens: user_id, actor (an object with a non-empty sub, every
  // member kept), expires_in_seconds, session_max_duration_in_seconds.
  http_response create_actor(const http_request& r, std::string_view trace) const {
    auto invalid = [&](std::string_view name, std::string_view why) {
      return clerk_errors(422, "form_param_value_invalid", "is invalid",
                          std::string(name) + ' ' + std::string(why), trace, name);
    };
    auto missing = [&](std::string_view name) {
      return clerk_errors(422, "form_param_missing", "is missing",
                          std::string(name) + " must be included.", trace, name);
    };
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    auto ct = r.headers.find("content-type");
    if (ec || !v.is_object() || !ct || !http::is_json_media_type(*ct))
      return clerk_errors(400, "request_body_invalid", "Request body invalid",
                          "The request body is not a JSON object", trace);
    const boost::json::object& body = v.get_object();
    for (const auto& kv : body)
      if (kv.key() != "user_id" && kv.key() != "actor" && kv.key() != "expires_in_seconds" &&
          kv.key() != "session_max_duration_in_seconds")
        return clerk_errors(422, "form_param_unknown", "is unknown",
                            std::string(kv.key()) + " is not a valid parameter for this request.",
                            trace, kv.key());
    const boost::json::value* user = body.if_contains("user_id");
    if (!user || !user->is_string() || user->get_string().empty())
      return missing("user_id");
    const boost::json::value* act = body.if_contains("actor");
    if (!act)
      return missing("actor");
    if (!act->is_object())
      return invalid("actor", "must be an object.");
    const boost::json::value* sub = act->get_object().if_contains("sub");
    if (!sub || !sub->is_string() || sub->get_string().empty())
      return missing("actor.sub");
    for (std::string_view k : {"expires_in_seconds", "session_max_duration_in_seconds"})
      if (const boost::json::value* n = body.if_contains(k))
        if (!n->is_int64() || n->get_int64() < 1)
          return invalid(k, "must be a positive integer.");
    std::string user_id(user->get_string());
    if (!s_->users.contains(user_id))
      return invalid("user_id", "is not a known user.");

    actor_token t;
    t.id = "act_" + next_base62(27);
    t.status = actor_token_status::pending;
    t.user_id = user_id;
    t.actor.sub = std::string(sub->get_string());
    boost::json::object others = act->get_object();
    others.erase("sub");
    if (!others.empty())
      t.actor.other_claims = raw_json(boost::json::serialize(others));
    t.created_at = t.updated_at = s_->now;
    std::string jwt = make_jwt(t.id, user_id, s_->now + std::chrono::hours(1));
    t.url.emplace(s_->o.frontend_url + "/v1/tickets/accept?ticket=" + jwt);
    s_->by_actor_ticket.emplace(jwt, t.id);
    t.token.emplace(std::move(jwt));
    auto answer = json(200, to_json_revealing_secrets(t));
    s_->actor_tokens.emplace(t.id, std::move(t));
    return answer;
  }

  // POST /actor_tokens/{id}/revoke: a pending token only.
  http_response revoke_actor(const std::string& id, std::string_view trace) const {
    auto it = s_->actor_tokens.find(id);
    if (it == s_->actor_tokens.end())
      return not_found("No actor token was found with this id", trace);
    actor_token& t = it->second;
    if (t.status != actor_token_status::pending)
      return clerk_errors(
          400, "actor_token_cannot_be_revoked", "cannot be revoked",
          "Only a pending actor token can be revoked; this one is " + std::string(t.status.raw()),
          trace);
    t.status = actor_token_status::revoked;
    t.updated_at = s_->now;
    actor_token answer = t;
    answer.token.reset();
    answer.url.reset();
    return json(200, to_json_revealing_secrets(answer));
  }

  http_response create(const http_request& r, std::string_view trace) const {
    auto invalid_body = [&](std::string_view why) {
      return clerk_errors(400, "request_body_invalid", "Request body invalid", why, trace);
    };
    boost::json::object body;
    if (!r.body.empty()) {
      auto ct = r.headers.find("content-type");
      if (!ct || !http::is_json_media_type(*ct))
        return invalid_body("The fake Clerk reads JSON request bodies only");
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(r.body, ec);
      if (ec || !v.is_object())
        return invalid_body("The request body is not a JSON object");
      body = std::move(v.get_object());
    }
    auto missing = [&](std::string_view name) {
      return clerk_errors(422, "form_param_missing", "is missing",
                          std::string(name) + " must be included.", trace, name);
    };
    auto value_invalid = [&](std::string_view name, std::string_view why) {
      return clerk_errors(422, "form_param_value_invalid", "is invalid",
                          std::string(name) + ' ' + std::string(why), trace, name);
    };
    for (const auto& kv : body) {
      std::string_view k = kv.key();
      if (k != "user_id" && k != "org_id" && k != "expires_in_seconds")
        return clerk_errors(422, "form_param_unknown", "is unknown",
                            std::string(k) + " is not a valid parameter for this request.", trace,
                            k);
    }

    const boost::json::value* user = body.if_contains("user_id");
    if (user == nullptr || user->is_null() || (user->is_string() && user->get_string().empty()))
      return missing("user_id");
    if (!user->is_string())
      return value_invalid("user_id", "must be a string.");
    std::string user_id(user->get_string());

    std::optional<std::string> org_id;
    if (const boost::json::value* org = body.if_contains("org_id"); org && !org->is_null()) {
      if (!org->is_string())
        return value_invalid("org_id", "must be a string.");
      org_id.emplace(org->get_string());
    }

    // The largest lifetime whose expiry still fits the timestamp range (a
    // test may set any time), so that now + lifetime cannot overflow.
    const std::int64_t room = s_->now < min_timestamp || s_->now > max_timestamp
                                  ? 0
                                  : (max_timestamp - s_->now).count() / 1000;
    std::chrono::seconds lifetime =
        std::min(default_sign_in_token_lifetime, std::chrono::seconds(room));
    if (const boost::json::value* e = body.if_contains("expires_in_seconds"); e && !e->is_null()) {
      const std::int64_t* n = e->if_int64();
      if (n == nullptr)
        return value_invalid("expires_in_seconds", "must be an integer.");
      if (*n < 1 || *n > room)
        return value_invalid("expires_in_seconds",
                             "must be at least 1 and at most " + std::to_string(room) + ".");
      lifetime = std::chrono::seconds(*n);
    }

    if (!s_->users.contains(user_id))
      return not_found("No user was found with id " + user_id, trace);
    if (org_id) {
      auto org = s_->orgs.find(*org_id);
      if (org == s_->orgs.end())
        return not_found("No organization was found with id " + *org_id, trace);
      if (!org->second.contains(user_id))
        return clerk_errors(403, "not_a_member_in_organization", "not a member",
                            "The user is not a member of the organization", trace, "org_id");
    }

    stored t;
    t.token.id = "sit_" + next_base62(27);
    t.token.status = sign_in_token_status("pending");
    t.token.user_id = user_id;
    t.token.created_at = t.token.updated_at = s_->now;
    t.expires_at = s_->now + lifetime;
    t.org_id = std::move(org_id);
    std::string jwt = make_jwt(t.token.id, user_id, t.expires_at);
    t.token.url.emplace(s_->o.frontend_url + "/v1/tickets/accept?ticket=" + jwt);
    t.token.token.emplace(jwt);
    s_->by_ticket.emplace(jwt, t.token.id);
    auto answer = json(200, to_json_revealing_secrets(t.token));
    s_->tokens.emplace(t.token.id, std::move(t));
    return answer;
  }

  http_response revoke_token(const std::string& id, std::string_view trace) const {
    auto it = s_->tokens.find(id);
    if (it == s_->tokens.end())
      return not_found("No sign-in token was found with this id", trace);
    sign_in_token& t = it->second.token;
    if (t.status != sign_in_token_status::pending)
      return clerk_errors(
          400, "sign_in_token_cannot_be_revoked_code", "cannot be revoked",
          "Only a pending sign-in token can be revoked; this one is " + std::string(t.status.raw()),
          trace);
    t.status = sign_in_token_status("revoked");
    t.updated_at = s_->now;
    sign_in_token answer = t;
    answer.token.reset();
    answer.url.reset();
    return json(200, to_json_revealing_secrets(answer));
  }

  // ---- Frontend API (issue 10): routes -----------------------------------
  // Native clients only: the client token travels in Authorization (read
  // only with _is_native=1|true) and comes back, minted or rotated, in the
  // Authorization response header as "Bearer <client JWT>". A rotated-out
  // token stays valid until the client presents the new one, so a caller
  // whose answer was lost can still read its client.

  static bool is_frontend_path(std::string_view p) {
    return p == "/client" || p.starts_with("/client/");
  }

  // The request's query as name/value pairs (nullopt for a bad escape).
  static std::optional<detail::form_fields> query_of(std::string_view url) {
    auto q = url.find('?');
    if (q == std::string_view::npos)
      return detail::form_fields{};
    url.remove_prefix(q + 1);
    return detail::parse_form(url.substr(0, url.find('#')));
  }

  static const std::string* field(const detail::form_fields& f, std::string_view name) {
    for (const auto& [n, v] : f)
      if (n == name)
        return &v;
    return nullptr;
  }

  std::string jwt_of(std::string_view header, const boost::json::object& claims) const {
    std::string sig;
    for (int i = 0; i < 4; ++i)
      for (int b = 0; b < 64; b += 8)
        sig += static_cast<char>((next() >> b) & 0xff);
    return base64url(header) + '.' + base64url(boost::json::serialize(claims)) + '.' +
           base64url(sig);
  }

  // A session JWT: signed by options.signer when there is one (which rotates
  // after rotate_key_after of them), else with a made-up signature.
  std::string session_jwt(const boost::json::object& claims) const {
    jwt_signer* signer = s_->o.signer.get();
    boost::json::object header{
        {"alg", "RS256"}, {"kid", signer ? signer->kid() : "ins_fake"}, {"typ", "JWT"}};
    if (!signer)
      return jwt_of(boost::json::serialize(header), claims);
    std::string input =
        base64url(boost::json::serialize(header)) + '.' + base64url(boost::json::serialize(claims));
    std::string jwt = input + '.' + base64url(signer->sign(input));
    if (s_->o.rotate_key_after != 0 && ++s_->signed_with_key >= s_->o.rotate_key_after)
      rotate_locked();
    return jwt;
  }

  // The value of cookie `name` in the request's Cookie headers.
  static std::optional<std::string_view> cookie_of(const header_list& h, std::string_view name) {
    for (const auto& f : h) {
      if (!detail::iequals(f.name, "cookie"))
        continue;
      std::string_view rest = f.value;
      while (!rest.empty()) {
        auto semi = rest.find(';');
        std::string_view pair = detail::trim_ows(rest.substr(0, semi));
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        if (auto eq = pair.find('='); eq != std::string_view::npos && pair.substr(0, eq) == name)
          return pair.substr(eq + 1);
      }
    }
    return std::nullopt;
  }

  std::int64_t seconds_now() const { return s_->now.time_since_epoch().count() / 1000; }
  std::int64_t ms(timestamp t) const { return t.time_since_epoch().count(); }

  // Mints a client token for `c` and makes it the current one; the one it
  // replaces stays valid until the new one is used.
  std::string rotate_token(fapi_client& c) const {
    boost::json::object claims;
    claims["id"] = c.id;
    claims["rotating_token"] = next_base62(20);
    claims["iat"] = seconds_now();
    std::string token = "Bearer " + jwt_of(R"({"alg":"RS256","typ":"JWT"})", claims);
    if (!c.previous_token.empty())
      s_->fapi.by_token.erase(c.previous_token);
    c.previous_token = std::move(c.token);
    c.token = token;
    s_->fapi.by_token.emplace(token, c.id);
    return token;
  }

  fapi_client& new_client() const {
    fapi_client c;
    c.id = "client_" + next_base62(27);
    c.created_at = c.updated_at = s_->now;
    auto id = c.id;
    return s_->fapi.clients.emplace(std::move(id), std::move(c)).first->second;
  }

  // Listed on its client, and usable: active, or pending its tasks.
  static bool signed_in(const fapi_session& f) {
    return f.status == "active" || f.status == "pending";
  }

  boost::json::object session_json(const fapi_session& f) const {
    boost::json::object o;
    o["object"] = "session";
    o["id"] = f.id;
    o["status"] = f.status;
    o["expire_at"] = ms(f.created_at) + 7 * 86400000LL;
    o["abandon_at"] = ms(f.created_at) + 30 * 86400000LL;
    o["last_active_at"] = ms(f.last_active_at);
    if (f.last_jwt)
      o["last_active_token"] = boost::json::object{{"object", "token"}, {"jwt", *f.last_jwt}};
    else
      o["last_active_token"] = nullptr;
    o["actor"] = nullptr;
    if (f.status == "pending") {
      boost::json::array tasks;
      for (const auto& key : s_->o.session_tasks)
        tasks.push_back(boost::json::object{{"key", key}});
      o["tasks"] = std::move(tasks);
    } else {
      o["tasks"] = nullptr;
    }
    if (f.org_id)
      o["last_active_organization_id"] = *f.org_id;
    else
      o["last_active_organization_id"] = nullptr;
    o["public_user_data"] = boost::json::object{{"first_name", nullptr},   {"last_name", nullptr},
                                                {"image_url", ""},         {"has_image", false},
                                                {"identifier", f.user_id}, {"user_id", f.user_id}};
    o["user"] = boost::json::object{{"object", "user"}, {"id", f.user_id}};
    o["factor_verification_age"] = boost::json::array{0, -1};
    o["created_at"] = ms(f.created_at);
    o["updated_at"] = ms(f.updated_at);
    return o;
  }

  boost::json::object client_json(const fapi_client& c) const {
    boost::json::object o;
    o["object"] = "client";
    o["id"] = c.id;
    boost::json::array sessions;
    for (const auto& id : c.sessions)
      if (auto it = s_->fapi.sessions.find(id); signed_in(it->second))
        sessions.push_back(session_json(it->second));
    o["sessions"] = std::move(sessions);
    o["sign_in"] = nullptr;
    o["sign_up"] = nullptr;
    if (c.last_active_session_id)
      o["last_active_session_id"] = *c.last_active_session_id;
    else
      o["last_active_session_id"] = nullptr;
    if (c.last_strategy)
      o["last_authentication_strategy"] = *c.last_strategy;
    else
      o["last_authentication_strategy"] = nullptr;
    o["cookie_expires_at"] = nullptr;
    o["captcha_bypass"] = false;
    o["created_at"] = ms(c.created_at);
    o["updated_at"] = ms(c.updated_at);
    return o;
  }

  // {"response": ..., "client": ...}, with the client token when it changed.
  static http_response wrapped(boost::json::value response, boost::json::value client,
                               const std::string& token = {}) {
    http_response r = json(
        200, boost::json::object{{"response", std::move(response)}, {"client", std::move(client)}});
    if (!token.empty())
      r.headers.add("Authorization", token);
    return r;
  }

  http_response frontend(const http_request& r, std::string_view path,
                         std::string_view trace) const {
    auto error = [&](int status, std::string_view code, std::string_view message,
                     std::string_view long_message, std::string_view param = {}) {
      return clerk_errors(status, code, message, long_message, trace, param);
    };
    auto query = query_of(r.url);
    if (!query)
      return error(400, "malformed_request_parameters", "malformed request",
                   "The query string is not valid.");
    const std::string* flag = field(*query, "_is_native");
    const bool native = flag && (*flag == "1" || *flag == "true");
    std::size_t authorizations = 0;
    for (const auto& h : r.headers)
      authorizations += detail::iequals(h.name, "authorization");
    if (authorizations > 1)
      return error(400, "multiple_authorization_header_values_forbidden", "invalid headers",
                   "The request has more than one Authorization header.");
    auto auth = r.headers.find("authorization");
    if (auth && r.headers.find("origin"))
      return error(400, "origin_authorization_headers_conflict", "invalid headers",
                   "In native application contexts, do not set the Origin header; set the "
                   "Authorization header.");
    if (native && !s_->fapi.native_api_enabled)
      return error(400, "native_api_disabled", "Native API disabled",
                   "The Native API is disabled for this instance; enable it in the dashboard to "
                   "use _is_native={1|true}.");

    detail::form_fields form;
    if (!r.body.empty()) {
      auto ct = r.headers.find("content-type");
      if (!ct || !detail::iequals(detail::trim_ows(ct->substr(0, ct->find(';'))),
                                  "application/x-www-form-urlencoded"))
        return error(415, "unsupported_content_type", "unsupported content type",
                     "This is a form based API: send application/x-www-form-urlencoded.");
      auto parsed = detail::parse_form(r.body);
      if (!parsed)
        return error(400, "request_body_invalid", "invalid body",
                     "The request body is not valid form data.");
      form = std::move(*parsed);
    }

    // The client the request speaks for: only a native request's token counts.
    fapi_client* c = nullptr;
    std::string token_to_send;
    if (native && auth && !auth->empty()) {
      auto it = s_->fapi.by_token.find(*auth);
      if (it == s_->fapi.by_token.end())
        return error(401, "authentication_invalid", "Invalid authentication",
                     "The client token in the Authorization header is not valid.");
      c = &s_->fapi.clients.find(it->second)->second;
      if (*auth == c->token && !c->previous_token.empty()) {
        s_->fapi.by_token.erase(c->previous_token);  // the new one arrived: retire the old
        c->previous_token.clear();
      } else if (*auth != c->token) {
        token_to_send = c->token;  // catch the caller up
      }
    } else if (!native && r.headers.find("origin")) {
      // A browser: its client token rides in the __client cookie.
      if (auto cookie = cookie_of(r.headers, "__client")) {
        auto it = s_->fapi.by_token.find("Bearer " + std::string(*cookie));
        if (it != s_->fapi.by_token.end())
          c = &s_->fapi.clients.find(it->second)->second;
      }
    }

    if (path == "/client") {
      if (r.method == http_method::post || r.method == http_method::put) {
        fapi_client& made = new_client();
        std::string token = rotate_token(made);
        return wrapped(client_json(made), nullptr, token);
      }
      if (r.method == http_method::get)
        return c ? wrapped(client_json(*c), nullptr, token_to_send) : wrapped(nullptr, nullptr);
      return not_found("Resource not found", trace);
    }
    if (r.method != http_method::post)
      return not_found("Resource not found", trace);
    if (path == "/client/sign_ins")
      return sign_in(form, c, token_to_send, trace);

    // /client/sessions/{id}/{action}[/{template}]
    constexpr std::string_view sessions = "/client/sessions/";
    if (!path.starts_with(sessions))
      return not_found("Resource not found", trace);
    std::string_view rest = path.substr(sessions.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos)
      return not_found("Resource not found", trace);
    auto sid = detail::percent_decode(rest.substr(0, slash));
    std::string_view action = rest.substr(slash + 1);
    std::optional<std::string> tmpl;
    if (action.starts_with("tokens/")) {
      tmpl = detail::percent_decode(action.substr(7));
      if (!tmpl || tmpl->empty())
        return not_found("Resource not found", trace);
      action = "tokens";
    }
    if (action != "touch" && action != "tokens" && action != "remove")
      return not_found("Resource not found", trace);
    if (c == nullptr)
      return error(401, "signed_out", "Signed out", "The request carries no client token.");
    auto s = sid ? s_->fapi.sessions.find(*sid) : s_->fapi.sessions.end();
    if (s == s_->fapi.sessions.end() || s->second.client_id != c->id)
      return not_found("No session was found with this id on this client", trace);
    fapi_session& session = s->second;
    if (!signed_in(session))
      return error(401, "signed_out", "Signed out", "The session is " + session.status + '.');

    if (action == "touch") {
      if (const std::string* intent = field(form, "intent");
          intent && *intent != "focus" && *intent != "select_session" && *intent != "select_org")
        return error(422, "form_param_value_invalid", "is invalid",
                     "intent must be one of focus, select_session, select_org.", "intent");
      if (const std::string* org = field(form, "active_organization_id")) {
        if (org->empty())
          session.org_id.reset();
        else
          session.org_id = *org;
      }
      session.last_active_at = session.updated_at = s_->now;
      c->last_active_session_id = session.id;
      c->updated_at = s_->now;
      return wrapped(session_json(session), client_json(*c), token_to_send);
    }
    if (action == "remove") {
      session.status = "removed";
      session.updated_at = s_->now;
      if (c->last_active_session_id == session.id)
        c->last_active_session_id.reset();
      c->updated_at = s_->now;
      return wrapped(session_json(session), client_json(*c), token_to_send);
    }
    // tokens: a session JWT with Clerk's v2 claims, living 60 s.
    if (const std::string* org = field(form, "organization_id"))
      session.org_id = org->empty() ? std::nullopt : std::optional<std::string>(*org);
    boost::json::object claims;
    claims["iss"] = s_->o.frontend_issuer;
    claims["sub"] = session.user_id;
    claims["sid"] = session.id;
    claims["iat"] = seconds_now();
    claims["nbf"] = seconds_now() - 10;
    claims["exp"] = seconds_now() + 60;
    claims["v"] = 2;
    if (session.status == "pending")
      claims["sts"] = "pending";
    // The origin of a browser's request (a native one has none), as Clerk does.
    if (auto origin = r.headers.find("origin"))
      claims["azp"] = *origin;
    // The fake keeps no roles: every member is a plain member.
    if (session.org_id)
      claims["o"] = boost::json::object{{"id", *session.org_id}, {"rol", "member"}};
    if (session.actor) {
      boost::system::error_code ec;
      claims["act"] = boost::json::parse(*session.actor, ec);
    }
    if (tmpl)
      claims["tpl"] = *tmpl;
    std::string jwt = session_jwt(claims);
    if (!tmpl)
      session.last_jwt = jwt;
    http_response out = json(200, boost::json::object{{"object", "token"}, {"jwt", jwt}});
    if (!token_to_send.empty())
      out.headers.add("Authorization", token_to_send);
    return out;
  }

  http_response sign_in(const detail::form_fields& form, fapi_client* c, std::string token_to_send,
                        std::string_view trace) const {
    auto error = [&](int status, std::string_view code, std::string_view message,
                     std::string_view long_message, std::string_view param = {}) {
      return clerk_errors(status, code, message, long_message, trace, param);
    };
    const std::string* strategy = field(form, "strategy");
    if (!strategy || strategy->empty())
      return error(422, "form_param_missing", "is missing", "strategy must be included.",
                   "strategy");
    if (*strategy != "ticket")
      return error(422, "form_param_value_invalid", "is invalid",
                   "The fake Clerk signs in with the ticket strategy only.", "strategy");
    const std::string* ticket = field(form, "ticket");
    if (!ticket || ticket->empty())
      return error(422, "form_param_missing", "is missing", "ticket must be included.", "ticket");
    if (c && s_->fapi.single_session)
      for (const auto& id : c->sessions)
        if (signed_in(s_->fapi.sessions.find(id)->second))
          return error(400, "session_exists", "You're already signed in.",
                       "You're already signed in.");

    // An actor token's ticket: a session for its user, acted by its actor.
    std::optional<std::pair<std::string, std::string>> acted;  // user id, act claim
    if (auto a = s_->by_actor_ticket.find(*ticket); a != s_->by_actor_ticket.end()) {
      actor_token& at = s_->actor_tokens.find(a->second)->second;
      if (at.status != actor_token_status::pending)
        return error(400, "sign_in_token_already_used_code", "already used",
                     "This actor token is no longer pending: it was used or revoked.");
      at.status = actor_token_status("accepted");
      at.updated_at = s_->now;
      boost::json::object act;
      act["sub"] = at.actor.sub;
      if (!at.actor.other_claims.empty()) {
        boost::system::error_code ec;
        boost::json::value others = boost::json::parse(at.actor.other_claims.text(), ec);
        if (const boost::json::object* o = others.if_object())
          for (const auto& kv : *o)
            act[kv.key()] = kv.value();
      }
      acted.emplace(at.user_id, boost::json::serialize(act));
    }
    ticket_result t =
        acted ? ticket_result{sign_in_token{}, ticket_problem::none, {}} : consume_locked(*ticket);
    switch (t.problem) {
      case ticket_problem::none:
        break;
      case ticket_problem::unknown:
        return error(400, "ticket_invalid_code", "is invalid",
                     "This ticket is invalid. Make sure you're using a valid ticket generated by "
                     "Clerk.");
      case ticket_problem::already_used:
        return error(400, "sign_in_token_already_used_code", "already used",
                     "This sign in token has already been used. Each token can only be used "
                     "once.");
      case ticket_problem::revoked:
        return error(400, "sign_in_token_revoked_code", "revoked",
                     "This sign in token has been revoked and cannot be used anymore.");
      case ticket_problem::expired:
        return error(400, "ticket_expired_code", "expired",
                     "This ticket has expired and cannot be used anymore.");
    }

    if (c == nullptr)  // a token-less sign-in makes its own client
      c = &new_client();
    fapi_session session;
    session.id = "sess_" + next_base62(27);
    session.client_id = c->id;
    session.status = s_->o.session_tasks.empty() ? "active" : "pending";
    if (acted) {
      session.user_id = acted->first;
      session.actor = std::move(acted->second);
    } else {
      session.user_id = t.token->user_id;
      session.org_id = s_->tokens.find(t.token->id)->second.org_id;
    }
    session.created_at = session.updated_at = session.last_active_at = s_->now;
    c->sessions.push_back(session.id);
    c->last_active_session_id = session.id;
    c->last_strategy = "ticket";
    c->updated_at = s_->now;
    auto& stored = s_->fapi.sessions.emplace(session.id, std::move(session)).first->second;
    webhook_event_locked("session.created", session_webhook_data(stored));
    token_to_send = rotate_token(*c);

    boost::json::object attempt;
    attempt["object"] = "sign_in_attempt";
    attempt["id"] = "sia_" + next_base62(27);
    attempt["status"] = "complete";
    attempt["supported_identifiers"] = boost::json::array();
    attempt["supported_first_factors"] = boost::json::array();
    attempt["supported_second_factors"] = boost::json::array();
    attempt["first_factor_verification"] = boost::json::object{{"object", "verification_ticket"},
                                                               {"status", "verified"},
                                                               {"strategy", "ticket"},
                                                               {"attempts", nullptr},
                                                               {"expire_at", nullptr}};
    attempt["second_factor_verification"] = nullptr;
    attempt["identifier"] = nullptr;
    attempt["user_data"] =
        boost::json::object{{"first_name", nullptr}, {"last_name", nullptr}, {"has_image", false}};
    attempt["created_session_id"] = stored.id;
    attempt["abandon_at"] = ms(s_->now) + 86400000LL;
    return wrapped(std::move(attempt), client_json(*c), token_to_send);
  }
  // ---- end of Frontend API routes ----------------------------------------

  std::shared_ptr<state> s_;
};

static_assert(transport<fake_clerk>);

}  // namespace fakes
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
