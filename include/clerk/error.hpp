// Errors as values: one type whose kind tells what went wrong and keeps what
// the server said.
#ifndef CLERK_ERROR_HPP
#define CLERK_ERROR_HPP

#include <clerk/detail/decl.hpp>
#include <clerk/retry_after.hpp>
#include <clerk/retry_stop.hpp>
#include <clerk/version.hpp>

#include <clerk/raw_json.hpp>
#include <clerk/secret.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Local validation failed: nothing was built and nothing was sent.
struct invalid_request {
  std::string field{};   // the option or operation field at fault, e.g. "user_id"
  std::string reason{};  // what is wrong with it
  friend bool operator==(const invalid_request&, const invalid_request&) = default;
};

// The transport could not get a response. A transport fills this in.
struct transport_error {
  std::error_code code{};  // the transport's own code (curl's, Asio's, ...)
  std::string message{};   // the transport's own words
  // True only when the transport knows the request never reached the server
  // (connection refused, DNS failure): a retry then cannot duplicate it.
  bool request_not_sent = false;
  friend bool operator==(const transport_error&, const transport_error&) = default;
};

// One entry of a ClerkErrors body.
struct clerk_error {
  std::string code{};  // e.g. "form_param_missing"
  std::string message{};
  std::string long_message{};
  raw_json meta{};  // e.g. {"param_name":"user_id"}; <clerk/json_value.hpp> parses it
  friend bool operator==(const clerk_error&, const clerk_error&) = default;
};

// Clerk answered with an error status and a ClerkErrors body.
struct api_error {
  int status = 0;
  std::vector<clerk_error> errors;
  std::string clerk_trace_id;  // from the body, else the Clerk-Trace-Id header
  raw_json meta;               // the body's top-level meta, as JSON text
  // Set when the response carried a valid Retry-After header.
  std::optional<clerk::retry_after> retry_after;
  friend bool operator==(const api_error&, const api_error&) = default;
};

// What a 2xx answer that failed validation still said about the resource the
// server made: its id, and its secrets (tokens, ticket URLs) by field name, so
// that the caller can revoke a token it could not otherwise read.
struct partial_resource {
  std::string id;
  std::vector<std::pair<std::string, secret>> secrets;
  friend bool operator==(const partial_resource&, const partial_resource&) = default;
};

// Anything else: a 2xx that is not what the operation returns, a body that is
// not JSON, an error status without a ClerkErrors body.
struct unexpected_response {
  int status = 0;
  std::string content_type;
  // The first bytes of the body (at most body_excerpt_limit, cut on a UTF-8
  // boundary), with anything secret-shaped redacted when the error was built.
  std::string body_excerpt;
  // The same bytes unredacted: a token may be in there. reveal() is the opt-in.
  secret raw_body_excerpt;
  std::size_t body_size = 0;
  std::string problem;  // what is missing or mistyped, naming the field
  std::string clerk_trace_id;
  // A proxy's 429 or 503 may carry Retry-After without a ClerkErrors body.
  std::optional<clerk::retry_after> retry_after;
  // Set on a 2xx whose body named the resource (a created token) but failed
  // validation: Clerk made it, so the caller may have to revoke it.
  std::optional<partial_resource> partial;
  friend bool operator==(const unexpected_response&, const unexpected_response&) = default;
};

inline constexpr std::size_t body_excerpt_limit = 256;

// Why a token (or the keys to check it) was refused. to_string() spells each
// as @clerk/backend's TokenVerificationErrorReason, MachineTokenVerification-
// ErrorCode or AuthErrorReason does, so that logs read the same in every
// language; session_pending is this library's own.
enum class token_reason {
  token_invalid,                     // not a well-formed JWT, or a header we refuse (typ, crit)
  token_invalid_algorithm,           // alg is not RS256
  token_invalid_signature,           // the key says the signature is wrong
  token_verification_failed,         // a claim is missing or of the wrong type
  token_expired,                     // exp <= now - clock_skew
  token_not_active_yet,              // nbf > now + clock_skew
  token_iat_in_the_future,           // iat > now + clock_skew
  token_invalid_authorized_parties,  // azp missing or not listed
  token_invalid_issuer,              // iss is not the instance's
  token_type_mismatch,               // a token of a kind the call does not accept
  session_pending,                   // sts "pending" and pending sessions not accepted
  jwk_kid_mismatch,                  // no key has the token's kid
  jwk_remote_invalid,                // a JWKS that holds no usable key, or a weak one
  secret_key_invalid,                // the Backend API refused the secret key (401) verifying it
  session_token_missing,             // no Authorization token and no __session cookie
  no_token_in_header,                // only machine tokens accepted, and no Authorization token
};

constexpr std::string_view to_string(token_reason r) noexcept {
  switch (r) {
    case token_reason::token_invalid:
      return "token-invalid";
    case token_reason::token_invalid_algorithm:
      return "token-invalid-algorithm";
    case token_reason::token_invalid_signature:
      return "token-invalid-signature";
    case token_reason::token_verification_failed:
      return "token-verification-failed";
    case token_reason::token_expired:
      return "token-expired";
    case token_reason::token_not_active_yet:
      return "token-not-active-yet";
    case token_reason::token_iat_in_the_future:
      return "token-iat-in-the-future";
    case token_reason::token_invalid_authorized_parties:
      return "token-invalid-authorized-parties";
    case token_reason::token_invalid_issuer:
      return "token-invalid-issuer";
    case token_reason::token_type_mismatch:
      return "token-type-mismatch";
    case token_reason::session_pending:
      return "session-pending";
    case token_reason::jwk_kid_mismatch:
      return "jwk-kid-mismatch";
    case token_reason::jwk_remote_invalid:
      return "jwk-remote-invalid";
    case token_reason::secret_key_invalid:
      return "secret-key-invalid";
    case token_reason::session_token_missing:
      return "session-token-missing";
    case token_reason::no_token_in_header:
      return "No token in header";  // @clerk/backend's words, as its reason
  }
  return "token-invalid";
}

// A token that failed verification. Never holds the token or its
// signature: `claim` names the claim or header parameter at fault ("exp",
// "header.alg", "keys[1].n"), `detail` says what is wrong with it.
struct invalid_token {
  token_reason reason = token_reason::token_invalid;
  std::string claim{};
  std::string detail{};
  friend bool operator==(const invalid_token&, const invalid_token&) = default;
};

// Why a webhook delivery (or the secret to check it) was refused. to_string()
// spells each in the words of the Standard Webhooks libraries' errors.
enum class webhook_reason {
  missing_headers,        // no complete svix-* or webhook-* id, timestamp and signature
  timestamp_malformed,    // the timestamp is not a plain decimal count of seconds
  timestamp_too_old,      // more than the tolerance before now
  timestamp_too_new,      // more than the tolerance after now
  no_matching_signature,  // no v1 signature is the MAC of this message under the secret
  secret_invalid,         // the signing secret is not whsec_ and base64 of a long enough key
  body_too_large,         // more than the limit's bytes: refused before the MAC
  payload_invalid,        // signed, but not a Clerk event (or its data not the model asked for)
  hmac_failed,            // the crypto adapter could not compute the MAC
};

constexpr std::string_view to_string(webhook_reason r) noexcept {
  switch (r) {
    case webhook_reason::missing_headers:
      return "missing-headers";
    case webhook_reason::timestamp_malformed:
      return "timestamp-malformed";
    case webhook_reason::timestamp_too_old:
      return "timestamp-too-old";
    case webhook_reason::timestamp_too_new:
      return "timestamp-too-new";
    case webhook_reason::no_matching_signature:
      return "no-matching-signature";
    case webhook_reason::secret_invalid:
      return "secret-invalid";
    case webhook_reason::body_too_large:
      return "body-too-large";
    case webhook_reason::payload_invalid:
      return "payload-invalid";
    case webhook_reason::hmac_failed:
      return "hmac-failed";
  }
  return "no-matching-signature";
}

// A webhook delivery that failed verification. Never holds the secret or a
// signature: `detail` names the headers at fault and says what is wrong.
struct invalid_webhook {
  webhook_reason reason = webhook_reason::no_matching_signature;
  std::string detail{};
  friend bool operator==(const invalid_webhook&, const invalid_webhook&) = default;
};

enum class error_kind {
  invalid_request,
  transport,
  api,
  unexpected_response,
  invalid_token,
  invalid_webhook
};

class error {
 public:
  // Out of line (<clerk/impl/error.ipp>): every result<T> makes and moves an
  // error, and a translation unit should not compile the variant's visits.
  error(invalid_request e);
  error(transport_error e);
  error(api_error e);
  error(unexpected_response e);
  error(invalid_token e);
  error(invalid_webhook e);
  error(const error&);
  error(error&&) noexcept;
  error& operator=(const error&);
  error& operator=(error&&) noexcept;
  ~error();

  error_kind kind() const noexcept { return static_cast<error_kind>(v_.index()); }

  // Each returns the details when the error is of that kind, else nullptr.
  const invalid_request* as_invalid_request() const noexcept {
    return std::get_if<invalid_request>(&v_);
  }
  const transport_error* as_transport() const noexcept { return std::get_if<transport_error>(&v_); }
  const api_error* as_api() const noexcept { return std::get_if<api_error>(&v_); }
  const unexpected_response* as_unexpected_response() const noexcept {
    return std::get_if<unexpected_response>(&v_);
  }
  const invalid_token* as_invalid_token() const noexcept { return std::get_if<invalid_token>(&v_); }
  const invalid_webhook* as_invalid_webhook() const noexcept {
    return std::get_if<invalid_webhook>(&v_);
  }

  // The HTTP status of the response, or 0 when there was none.
  int http_status() const noexcept {
    if (const auto* a = as_api())
      return a->status;
    if (const auto* u = as_unexpected_response())
      return u->status;
    return 0;
  }

  // The server's Retry-After, when the response had a valid one.
  std::optional<clerk::retry_after> retry_after() const noexcept {
    if (const auto* a = as_api())
      return a->retry_after;
    if (const auto* u = as_unexpected_response())
      return u->retry_after;
    return std::nullopt;
  }

  // Clerk's trace id, or empty when the response had none (or there was none).
  std::string_view clerk_trace_id() const noexcept {
    if (const auto* a = as_api())
      return a->clerk_trace_id;
    if (const auto* u = as_unexpected_response())
      return u->clerk_trace_id;
    return {};
  }

  // One line for a person: what went wrong, the status, Clerk's codes and
  // messages, the trace id. Never holds a secret key, token or ticket.
  std::string message() const;

  // How many times client::send sent the request before it returned this
  // error, and why it stopped trying. 0 and retry_stop::none for an error
  // that did not come from a retrying send (or was refused before sending).
  unsigned attempts() const noexcept { return attempts_; }
  retry_stop stop() const noexcept { return stop_; }
  // For retry drivers (client::send, the Asio adapter): what they record.
  void set_attempts(unsigned attempts, retry_stop why) noexcept {
    attempts_ = attempts;
    stop_ = why;
  }

  // Set by consume_ticket when the ticket was spent and made a session but a
  // later step (reading it, touch, mint) still failed: the session is on the
  // caller's client, which the client token holds. Touch it and mint its JWT
  // later (touch_session, mint_session_token), or remove it: the ticket
  // cannot be used again. Empty otherwise.
  std::string_view session_id() const noexcept { return session_id_; }
  void set_session_id(std::string id) { session_id_ = std::move(id); }

  friend bool operator==(const error& a, const error& b) { return a.equals(b); }

  friend std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.message(); }

 private:
  bool equals(const error& other) const;

  std::variant<invalid_request, transport_error, api_error, unexpected_response, invalid_token,
               invalid_webhook>
      v_;
  unsigned attempts_ = 0;
  retry_stop stop_ = retry_stop::none;
  std::string session_id_;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/error.ipp>
#endif

#endif
