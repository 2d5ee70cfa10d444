// What a server's webhook endpoint compiles: the verifier and the OpenSSL
// HMAC, and nothing of the Backend API (issue 27). CTest compiles it with -H,
// which lists every header opened, and fails on any under clerk/backend.
#include <clerk/crypto/openssl.hpp>
#include <clerk/webhooks.hpp>

#include <chrono>
#include <string_view>

clerk::result<clerk::webhook_event> on_delivery(const clerk::header_list& headers,
                                                std::string_view body,
                                                const clerk::webhook_secret& secret) {
  return clerk::verify_webhook(headers, body, secret, std::chrono::system_clock::now(),
                               clerk::openssl_hmac{});
}
