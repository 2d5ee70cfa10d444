// What verifying a webhook costs (issue 27), in one binary: CPU per verify of
// one 2 KiB user.created delivery signed as Svix signs it, median of
// interleaved rounds, each row beside the floor: in the same binary, the
// plainest correct code doing what a verify must, an OpenSSL HMAC-SHA256 of
// "id.timestamp.body", its base64 compared with the signature, and a
// Boost.JSON parse of the body:
//   - with OpenSSL's one-shot HMAC() over the message put together;
//   - with EVP_MAC on a copy of a context prepared once, fed the three parts
//     (what clerk::openssl_hmac does);
// and, to see where the time goes, the HMAC alone and the parse alone.
// tests/bench/webhook.sh adds standardwebhooks' verify (Node), from the
// delivery this program writes with --write DIR.
//
//   clerk_webhook_bench [--calls N] [--rounds R] [--write DIR]
#include <clerk/crypto/openssl.hpp>
#include <clerk/webhooks.hpp>

#include "cpu_rounds.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A user.created event as Clerk sends it, its public_metadata padded so that
// the body is exactly `size` bytes.
std::string user_created(std::size_t size, long long now_ms) {
  const std::string head =
      R"({"data":{"backup_code_enabled":false,"banned":false,"create_organization_enabled":true,)"
      R"("created_at":)" +
      std::to_string(now_ms) + R"(,"delete_self_enabled":true,"email_addresses":[{"created_at":)" +
      std::to_string(now_ms) +
      R"(,"email_address":"ada@example.com","id":"idn_2g7np7Hrk0SN6kj5EDMLDaKNL0S","linked_to":[],)"
      R"("object":"email_address","reserved":false,"updated_at":)" +
      std::to_string(now_ms) +
      R"(,"verification":{"attempts":null,"expire_at":null,"status":"verified","strategy":"admin"}}],)"
      R"("external_accounts":[],"external_id":null,"first_name":"Ada","has_image":false,)"
      R"("id":"user_2g7np7Hrk0SN6kj5EDMLDaKNL0S","image_url":"https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",)"
      R"("last_active_at":null,"last_name":"Lovelace","last_sign_in_at":null,"locked":false,)"
      R"("lockout_expires_in_seconds":null,"mfa_disabled_at":null,"mfa_enabled_at":null,)"
      R"("object":"user","passkeys":[],"password_enabled":false,"phone_numbers":[],)"
      R"("primary_email_address_id":"idn_2g7np7Hrk0SN6kj5EDMLDaKNL0S","primary_phone_number_id":null,)"
      R"("primary_web3_wallet_id":null,"private_metadata":{},"profile_image_url":"https://www.gravatar.com/avatar?d=mp",)"
      R"("public_metadata":{"note":")";
  const std::string tail =
      R"("},"saml_accounts":[],"totp_enabled":false,"two_factor_enabled":false,)"
      R"("unsafe_metadata":{},"updated_at":)" +
      std::to_string(now_ms) +
      R"(,"username":null,"verification_attempts_remaining":100,"web3_wallets":[]},)"
      R"("event_attributes":{"http_request":{"client_ip":"203.0.113.7","user_agent":)"
      R"("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"}},)"
      R"("instance_id":"ins_2g7nb4HjWtRXmjFDIwa9uVv3UsT","object":"event","timestamp":)" +
      std::to_string(now_ms) + R"(,"type":"user.created"})";
  std::string padding;
  for (std::size_t i = 0; head.size() + padding.size() + tail.size() < size; ++i)
    padding += static_cast<char>('a' + i % 26);
  return head + padding + tail;
}

}  // namespace

int main(int argc, char** argv) {
  const auto run = clerk_bench::parse_run_options(argc, argv, {20000, 7}, "clerk_webhook_bench");
  if (!run)
    return 2;
  const long calls = run->calls, rounds = run->rounds;
  const std::string& write_dir = run->write_dir;

  const std::string secret_text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto secret = clerk::webhook_secret::make(secret_text);
  const auto now = std::chrono::system_clock::now();
  const auto now_s = std::chrono::floor<std::chrono::seconds>(now);
  const std::string body = user_created(
      2048, std::chrono::floor<std::chrono::milliseconds>(now).time_since_epoch().count());
  const std::string id = "msg_2g7nd5DcGf6WCcBf3QaOVAkS7XZ";
  const std::string timestamp = std::to_string(now_s.time_since_epoch().count());
  auto signature = clerk::sign_webhook(id, now_s, body, *secret, clerk::openssl_hmac{});
  if (!secret || !signature || body.size() != 2048) {
    std::fprintf(stderr, "cannot make the delivery\n");
    return 1;
  }
  const clerk::header_list headers{{"Content-Type", "application/json"},
                                   {"svix-id", id},
                                   {"svix-timestamp", timestamp},
                                   {"svix-signature", *signature}};
  if (!write_dir.empty()) {
    std::ofstream(write_dir + "/secret") << secret_text;
    std::ofstream(write_dir + "/body") << body;
    std::ofstream(write_dir + "/headers.json")
        << R"({"svix-id":")" << id << R"(","svix-timestamp":")" << timestamp
        << R"(","svix-signature":")" << *signature << R"("})";
  }

  // The floor's inputs: the key decoded and the header read before the loop.
  const auto key = secret->key();
  const std::string_view given = std::string_view(*signature).substr(3);
  auto same_base64 = [&](const unsigned char* mac) {
    unsigned char text[64];
    const int n = EVP_EncodeBlock(text, mac, 32);
    return std::size_t(n) == given.size() && CRYPTO_memcmp(text, given.data(), given.size()) == 0;
  };
  auto parsed = [&] {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(body, ec);
    return !ec && v.is_object();
  };
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* prepared = EVP_MAC_CTX_new(hmac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  EVP_MAC_CTX_set_params(prepared, params);
  auto one_shot_hmac = [&](unsigned char* mac) {
    const std::string message = id + "." + timestamp + "." + body;
    unsigned int n = 0;
    return HMAC(EVP_sha256(), key.data(), int(key.size()),
                reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
                &n) != nullptr;
  };
  auto prepared_hmac = [&](unsigned char* mac) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(prepared);
    std::size_t n = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key.data(), key.size(), nullptr) == 1;
    for (std::string_view part :
         {std::string_view(id), std::string_view("."), std::string_view(timestamp),
          std::string_view("."), std::string_view(body)})
      ok = ok && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()),
                                part.size()) == 1;
    ok = ok && EVP_MAC_final(ctx, mac, &n, 32) == 1;
    EVP_MAC_CTX_free(ctx);
    return ok;
  };

  std::map<std::string, std::function<bool()>> ops;
  ops["clerk verify_webhook (openssl_hmac)"] = [&] {
    return clerk::verify_webhook(headers, body, *secret, now, clerk::openssl_hmac{}).has_value();
  };
  ops["floor: HMAC() one-shot, base64, parse"] = [&] {
    unsigned char mac[32];
    return one_shot_hmac(mac) && same_base64(mac) && parsed();
  };
  ops["floor: EVP_MAC on a copied prepared context, base64, parse"] = [&] {
    unsigned char mac[32];
    return prepared_hmac(mac) && same_base64(mac) && parsed();
  };
  ops["part: HMAC() one-shot alone"] = [&] {
    unsigned char mac[32];
    return one_shot_hmac(mac) && same_base64(mac);
  };
  ops["part: EVP_MAC on a copied prepared context alone"] = [&] {
    unsigned char mac[32];
    return prepared_hmac(mac) && same_base64(mac);
  };
  ops["part: boost::json::parse of the body alone"] = parsed;
  for (auto& [name, op] : ops)
    if (!op()) {
      std::fprintf(stderr, "%s does not verify the delivery\n", name.c_str());
      return 1;
    }

  auto cpu = clerk_bench::cpu_us_per_call(ops, calls, rounds);
  const double floor_us = cpu["floor: HMAC() one-shot, base64, parse"];
  const double fast_floor_us = cpu["floor: EVP_MAC on a copied prepared context, base64, parse"];
  std::printf(
      "| verify of one 2 KiB webhook delivery | CPU µs/verify | / one-shot floor | / prepared "
      "floor |\n| --- | ---: | ---: | ---: |\n");
  for (auto& [name, us] : cpu)
    std::printf("| %s | %.3f | %.3f | %.3f |\n", name.c_str(), us, us / floor_us,
                us / fast_floor_us);
  std::printf("\n(%ld calls a round, %ld rounds)\n", calls, rounds);
  EVP_MAC_CTX_free(prepared);
  EVP_MAC_free(hmac);
  return 0;
}
