// One session_verifier shared by threads while its keys rotate: run under
// ThreadSanitizer by tests/run.sh, which reports any race in the verifier's
// cache and keys; the checks here catch claims crossing threads and fetches
// beyond what the cache allows.
#include <clerk/session_tokens.hpp>

#include "support.hpp"

#include <clerk/client.hpp>

#include <atomic>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using clerk_test::b64url;

// Accepts the signature "sig:<kid>" for each of its kids.
struct kid_keys {
  std::vector<std::string> kids;
  clerk::key_check verify(std::string_view kid, std::string_view, std::string_view,
                          std::span<const unsigned char> sig) const {
    for (const auto& k : kids)
      if (k == kid)
        return std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()) == "sig:" + k
                   ? clerk::key_check::valid
                   : clerk::key_check::bad_signature;
    return clerk::key_check::unknown_kid;
  }
  static clerk::result<kid_keys> from_jwks(const clerk::jwks& set) {
    auto usable = clerk::rs256_keys(set);
    if (!usable)
      return std::move(usable).error();
    kid_keys k;
    for (const auto& u : *usable)
      k.kids.push_back(u.kid);
    return k;
  }
};

std::string jwk(std::string_view kid) {
  return R"({"kid":")" + std::string(kid) + R"(","kty":"RSA","alg":"RS256","use":"sig","n":")" +
         b64url(std::string(256, '\xc3')) + R"(","e":"AQAB"})";
}

constexpr std::int64_t t0 = 1767225600;

std::string token(std::string_view kid, std::string_view user) {
  return b64url(R"({"alg":"RS256","kid":")" + std::string(kid) + "\"}") + '.' +
         b64url(R"({"sub":")" + std::string(user) + R"(","sid":"sess_1","iss":"i","exp":)" +
                std::to_string(t0 + 100000) + "}") +
         '.' + b64url("sig:" + std::string(kid));
}

}  // namespace

TEST_CASE("threads share one session verifier while its keys rotate") {
  std::atomic<int> fetches{0};
  std::atomic<bool> rotated{false};
  const auto transport = [&](const clerk::http_request&) {
    fetches.fetch_add(1);
    return clerk_test::json_response(
        200, rotated.load() ? R"({"keys":[)" + jwk("ins_1") + "," + jwk("ins_2") + "]}"
                            : R"({"keys":[)" + jwk("ins_1") + "]}");
  };
  using client_t = clerk::client<decltype(transport)>;
  const clerk::session_verifier<kid_keys, client_t> verifier(
      client_t(clerk_test::make_config(), transport), {},
      {.ttl = std::chrono::seconds(60), .refetch_interval = std::chrono::seconds(10)});

  constexpr int thread_count = 8, calls = 300;
  std::atomic<int> wrong{0}, tick{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < calls; ++i) {
        // Time runs 1 s every thread_count calls, read as a real clock is:
        // before the call. Keys expire every 60 s; ins_2 appears at 150 s.
        const int now_s = tick.fetch_add(1) / thread_count;
        const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(t0 + now_s));
        if (now_s == 150)
          rotated.store(true);
        const std::string user = "user_" + std::to_string(t) + "_" + std::to_string(i);
        const bool new_kid = i % 2 == 1;
        auto r = verifier.verify(token(new_kid ? "ins_2" : "ins_1", user), now);
        if (r) {
          if (r->user_id != user)
            wrong.fetch_add(1);
        } else if (!new_kid ||
                   r.error().as_invalid_token()->reason != clerk::token_reason::jwk_kid_mismatch) {
          wrong.fetch_add(1);
        }
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(wrong.load() == 0);
  // 300 s of fake time: a fetch per TTL plus at most one a refetch interval
  // for the unknown kid, whatever the number of threads.
  CHECK(fetches.load() >= 5);
  CHECK(fetches.load() <= 300 / 60 + 300 / 10 + 2);
}
