// What a session JWT verify costs (issue 19), in one binary: CPU per verify
// of one Clerk-shaped RS256 token (RSA-2048, made at start with the fake's
// OpenSSL signer), median of interleaved rounds, each row beside
//   - the floor: a bare OpenSSL EVP_DigestVerify of the same signing input
//     and signature bytes (decoded before the loop), with a preloaded key;
//     and the same on a copy of a context prepared once (as openssl_keys);
//   - libjwt (Debian libjwt-dev, when built with it): jwt_decode of the same
//     token with the PEM public key, then jwt_free;
// and the throughput of one session_verifier (keys cached) shared by 1 and
// 2 threads. The same for an M2M token JWT as Clerk mints one (issue 27):
// verify_machine_jwt with the keys and through the verifier, beside the
// floor on its own bytes. tests/bench/verify.sh adds @clerk/backend's
// verifyToken (Node), from the token and PEM this program writes with
// --write DIR.
//
//   clerk_verify_bench [--calls N] [--rounds R] [--write DIR]
#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/openssl_signer.hpp>
#include <clerk/machine_tokens.hpp>
#include <clerk/session_tokens.hpp>

#include "cpu_rounds.hpp"

#ifdef CLERK_BENCH_LIBJWT
#include <jwt.h>
#endif

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using clerk_bench::median;
using clerk_bench::thread_cpu_ns;

std::string b64url_decode(std::string_view in) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
                                   : 63;
    acc = (acc << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

// The JWKS as the verifier's client fetches it: in memory, counted.
struct jwks_client {
  std::string text;
  std::shared_ptr<std::atomic<int>> fetches = std::make_shared<std::atomic<int>>(0);
  clerk::result<clerk::jwks> send(clerk::get_jwks) const {
    ++*fetches;
    return clerk::parse_jwks(text);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const auto run = clerk_bench::parse_run_options(argc, argv, {2000, 7}, "clerk_verify_bench");
  if (!run)
    return 2;
  const long calls = run->calls, rounds = run->rounds;
  const std::string& write_dir = run->write_dir;

  // A token as Clerk mints it, alive for an hour (Node checks it against its clock).
  clerk::fakes::openssl_signer signer(2048, 65537, "ins_2GIoQhbUpy0hX7B2cVkuTMinXoD");
  const auto now = std::chrono::system_clock::now();
  const long long iat =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::string claims =
      R"({"azp":"https://app.example.com","exp":)" + std::to_string(iat + 3600) +
      R"(,"fva":[0,-1],"iat":)" + std::to_string(iat) +
      R"(,"iss":"https://clerk.example.com","nbf":)" + std::to_string(iat - 10) +
      R"(,"sid":"sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9","sts":"active","sub":"user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr","v":2})";
  const std::string token =
      signer.jwt(R"({"alg":"RS256","kid":"ins_2GIoQhbUpy0hX7B2cVkuTMinXoD","typ":"JWT"})", claims);
  const std::string pem = signer.public_pem();
  if (!write_dir.empty()) {
    std::ofstream(write_dir + "/token") << token;
    std::ofstream(write_dir + "/key.pem") << pem;
  }

  auto keys = clerk::openssl_keys::from_jwks(signer.jwks());
  if (!keys) {
    std::fprintf(stderr, "keys: %s\n", keys.error().message().c_str());
    return 1;
  }
  clerk::verify_options options;
  options.issuer = "https://clerk.example.com";
  options.authorized_parties = {"https://app.example.com"};
  const clerk::session_verifier<clerk::openssl_keys, jwks_client> verifier(
      jwks_client{signer.jwks()}, options);

  // The floor's inputs, decoded before the loop; its key preloaded.
  const std::string input = token.substr(0, token.rfind('.'));
  const std::string signature = b64url_decode(token.substr(token.rfind('.') + 1));
  EVP_PKEY* pkey = signer.key();
  const auto bare_verify = [pkey](const std::string& in, const std::string& sig) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(in.data()), in.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  };

  // An M2M token JWT as Clerk mints one: its category, a machine subject,
  // the machines it may call as aud and as scopes.
  const std::string m2m_token = signer.jwt(
      R"({"alg":"RS256","cat":"cl_B7d4PD333AAA","kid":"ins_2GIoQhbUpy0hX7B2cVkuTMinXoD","typ":"JWT"})",
      R"({"aud":["mch_2GIpXOEpVyJw51rkZn9Kmnc6Sxr","mch_2GbDB4enNdCa5vS1zpC3Xzg9tK9"],"exp":)" +
          std::to_string(iat + 3600) + R"(,"iat":)" + std::to_string(iat) +
          R"(,"iss":"https://clerk.example.com","jti":"mt_2xhFjEI5X2qWRvtV13BzSj8H6Dk","nbf":)" +
          std::to_string(iat - 5) +
          R"(,"scopes":"mch_2GIpXOEpVyJw51rkZn9Kmnc6Sxr mch_2GbDB4enNdCa5vS1zpC3Xzg9tK9",)"
          R"("sub":"mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk"})");
  const std::string m2m_input = m2m_token.substr(0, m2m_token.rfind('.'));
  const std::string m2m_signature = b64url_decode(m2m_token.substr(m2m_token.rfind('.') + 1));

  std::map<std::string, std::function<bool()>> ops;
  ops["clerk verify_session_token"] = [&] {
    return clerk::verify_session_token(token, *keys, now, options).has_value();
  };
  ops["clerk session_verifier (keys cached)"] = [&] {
    return verifier.verify(token, now).has_value();
  };
  ops["floor: bare EVP_DigestVerify"] = [&] { return bare_verify(input, signature); };
  ops["m2m: clerk verify_machine_jwt"] = [&] {
    return clerk::verify_machine_jwt(m2m_token, *keys, now).has_value();
  };
  ops["m2m: clerk verify_machine_jwt, session_verifier (keys cached)"] = [&] {
    return clerk::verify_machine_jwt(m2m_token, verifier, now).has_value();
  };
  ops["m2m: floor: bare EVP_DigestVerify"] = [&] { return bare_verify(m2m_input, m2m_signature); };
  // The same with the context prepared once and copied, as openssl_keys
  // does: the RSA step without OpenSSL's per-call setup.
  EVP_MD_CTX* prepared = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(prepared, nullptr, EVP_sha256(), nullptr, pkey);
  ops["floor: EVP_DigestVerify on a copied prepared context"] = [&] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_MD_CTX_copy_ex(ctx, prepared) == 1 &&
              EVP_DigestVerify(
                  ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                  reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  };
#ifdef CLERK_BENCH_LIBJWT
  ops["libjwt jwt_decode (PEM)"] = [&] {
    jwt_t* jwt = nullptr;
    int rc = jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(pem.data()),
                        static_cast<int>(pem.size()));
    jwt_free(jwt);
    return rc == 0;
  };
#endif
  for (auto& [name, op] : ops)
    if (!op()) {
      std::fprintf(stderr, "%s does not verify the token\n", name.c_str());
      return 1;
    }

  auto cpu = clerk_bench::cpu_us_per_call(ops, calls, rounds);
  // Each row over the floor of its own token's bytes: the session token's,
  // or the M2M token's for the rows named "m2m: ".
  const double floor_us = cpu["floor: bare EVP_DigestVerify"];
  const double m2m_floor_us = cpu["m2m: floor: bare EVP_DigestVerify"];
  std::printf(
      "| verify of one RS256 JWT (session; m2m: an M2M token) | CPU µs/verify | / floor |\n"
      "| --- | ---: | ---: |\n");
  for (auto& [name, us] : cpu)
    std::printf("| %s | %.2f | %.3f |\n", name.c_str(), us,
                us / (name.starts_with("m2m: ") ? m2m_floor_us : floor_us));

  // Throughput: one verifier shared by 1 and 2 threads, wall clock; and each
  // thread's CPU per verify, which contention (locks, shared cache lines)
  // would raise even on a machine too busy for the wall-clock rate to scale.
  struct scaling {
    double per_second, cpu_us;
  };
  auto rate = [&](int threads, const std::function<bool()>& op) {
    std::vector<double> per_round, cpu_round;
    for (long r = 0; r < rounds; ++r) {
      std::atomic<bool> go{false};
      std::vector<std::thread> pool;
      std::vector<double> cpu_us(static_cast<std::size_t>(threads));
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          while (!go)
            std::this_thread::yield();
          double t0 = thread_cpu_ns();
          for (long i = 0; i < calls; ++i)
            if (!op())
              std::abort();
          cpu_us[std::size_t(t)] = (thread_cpu_ns() - t0) / double(calls) / 1000.0;
        });
      auto t0 = std::chrono::steady_clock::now();
      go = true;
      for (auto& t : pool)
        t.join();
      std::chrono::duration<double> s = std::chrono::steady_clock::now() - t0;
      per_round.push_back(double(calls) * threads / s.count());
      cpu_round.insert(cpu_round.end(), cpu_us.begin(), cpu_us.end());
    }
    return scaling{median(per_round), median(cpu_round)};
  };
  // The same two threads on the floor (a copied prepared context, no library
  // around it) say what the machine and OpenSSL allow.
  const auto& floor_op = ops["floor: EVP_DigestVerify on a copied prepared context"];
  const auto& verifier_op = ops["clerk session_verifier (keys cached)"];
  std::printf(
      "\n| 1 and 2 threads (wall clock) | 1 thread /s | 2 threads /s | 2 / 1 | CPU µs/verify "
      "1 thread | 2 threads |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (auto [name, op] : {std::pair{"one session_verifier shared", &verifier_op},
                          std::pair{"floor: copied prepared context", &floor_op}}) {
    const scaling one = rate(1, *op), two = rate(2, *op);
    std::printf("| %s | %.0f | %.0f | %.2f | %.2f | %.2f |\n", name, one.per_second, two.per_second,
                two.per_second / one.per_second, one.cpu_us, two.cpu_us);
  }
  std::printf("\nonline CPUs: %u; load average: see verify.sh\n",
              std::thread::hardware_concurrency());
  std::printf("\n(JWKS fetches: %d; %ld calls a round, %ld rounds)\n",
              verifier.client().fetches->load(), calls, rounds);
  return 0;
}
