// Sign-in tokens: the create and revoke operations, their pure request
// builders and their pure response parsers.
#ifndef CLERK_SIGN_IN_TOKENS_HPP
#define CLERK_SIGN_IN_TOKENS_HPP

#include <clerk/config.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/result.hpp>
#include <clerk/sign_in_token.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// POST /sign_in_tokens
struct create_sign_in_token {
  using response_type = sign_in_token;
  // Not idempotent: a blind retry may leave a second valid token.
  static constexpr bool idempotent = false;

  std::string user_id;                  // required
  std::optional<std::string> org_id{};  // organization to activate on sign-in
  std::optional<std::chrono::seconds>
      expires_in{};  // sent as expires_in_seconds; Clerk's default: 30 days

  friend bool operator==(const create_sign_in_token&, const create_sign_in_token&) = default;
};

// POST /sign_in_tokens/{sign_in_token_id}/revoke
struct revoke_sign_in_token {
  using response_type = sign_in_token;
  // Revoking twice leaves the same state (the second answer is a 400).
  static constexpr bool idempotent = true;
  // That 400's code. When a retry meets it after an earlier attempt may have
  // reached Clerk, client::send reports retry_stop::maybe_done_earlier: the
  // token is no longer pending, possibly revoked by that earlier attempt.
  static constexpr std::string_view already_done_code = "sign_in_token_cannot_be_revoked_code";

  std::string sign_in_token_id;

  friend bool operator==(const revoke_sign_in_token&, const revoke_sign_in_token&) = default;
};

// The request that creates a sign-in token, or an invalid_request error
// naming the field at fault (user_id, org_id, expires_in).
CLERK_BACKEND_DECL result<http_request> build_request(const create_sign_in_token& op,
                                                      const config& cfg);

// The request that revokes a pending sign-in token, or an invalid_request
// error naming sign_in_token_id. The id is percent-encoded as one path
// segment; "." and ".." are refused since no encoding keeps them one.
CLERK_BACKEND_DECL result<http_request> build_request(const revoke_sign_in_token& op,
                                                      const config& cfg);

// The sign-in token a create response carries, or an api_error (Clerk said
// no) or unexpected_response (anything else) error.
CLERK_BACKEND_DECL result<sign_in_token> parse_response(const create_sign_in_token& op,
                                                        const http_response& r,
                                                        const response_limits& lim = {});

// The revoked sign-in token, or an api_error or unexpected_response error.
CLERK_BACKEND_DECL result<sign_in_token> parse_response(const revoke_sign_in_token& op,
                                                        const http_response& r,
                                                        const response_limits& lim = {});

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/sign_in_tokens.ipp>
#endif

#endif
