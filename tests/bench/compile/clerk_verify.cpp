// Compile-time probe (tests/bench/compile_time.sh): what a translation unit
// that verifies session tokens pays, header-only: <clerk/session_tokens.hpp>,
// a verify with a key adapter, and a session_verifier fetching the JWKS
// through a client. The adapter is a stand-in: the crypto library's headers
// are the adapter's cost, not the library's.
#include <clerk/client.hpp>
#include <clerk/session_tokens.hpp>

#include <chrono>
#include <span>
#include <string_view>
#include <utility>

namespace {

struct stand_in_keys {
  clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                          std::span<const unsigned char>) const {
    return clerk::key_check::valid;
  }
  static clerk::result<stand_in_keys> from_jwks(const clerk::jwks&) { return stand_in_keys{}; }
};

struct canned_transport {
  clerk::http_response response;
  clerk::transport_result operator()(const clerk::http_request&) const { return response; }
};

}  // namespace

clerk::result<clerk::session_claims> verify_token(std::string_view token,
                                                  std::chrono::system_clock::time_point now) {
  return clerk::verify_session_token(token, stand_in_keys{}, now,
                                     {.issuer = "https://clerk.example.com"});
}

clerk::result<clerk::session_claims> verify_fetching(const clerk::config& cfg,
                                                     clerk::http_response jwks,
                                                     std::string_view token,
                                                     std::chrono::system_clock::time_point now) {
  using client_t = clerk::client<canned_transport>;
  clerk::session_verifier<stand_in_keys, client_t> v(
      client_t(cfg, canned_transport{std::move(jwks)}));
  return v.verify(token, now);
}
