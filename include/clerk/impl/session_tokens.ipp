// Definitions for <clerk/session_tokens.hpp>.
#ifndef CLERK_IMPL_SESSION_TOKENS_IPP
#define CLERK_IMPL_SESSION_TOKENS_IPP

#include <clerk/session_tokens.hpp>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

CLERK_BACKEND_DECL result<jwks> parse_jwks(std::string_view, const response_limits&) {
  return error(invalid_token{token_reason::jwk_remote_invalid, "", "not implemented yet"});
}
CLERK_BACKEND_DECL result<std::vector<rsa_public_key>> rs256_keys(const jwks&) {
  return error(invalid_token{token_reason::jwk_remote_invalid, "", "not implemented yet"});
}
CLERK_BACKEND_DECL std::string_view session_token_from(const header_list&) {
  return {};
}

namespace detail {
CLERK_BACKEND_DECL result<session_claims> verify_session_token(
    std::string_view, const keys_ref&, std::chrono::system_clock::time_point,
    const verify_options&) {
  return error(invalid_token{token_reason::token_invalid, "", "not implemented yet"});
}
CLERK_BACKEND_DECL std::string token_kid(std::string_view) {
  return {};
}
}  // namespace detail

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
