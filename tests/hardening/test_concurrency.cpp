// Many threads share one client over a thread-safe transport. tests/run.sh
// runs this under ThreadSanitizer, which reports any data race in the client,
// the config or the parsers; the checks here catch answers crossing threads.
#include <clerk/client.hpp>

#include "support.hpp"

#include <clerk/backend/sign_in_tokens.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr int thread_count = 8;
constexpr int calls_per_thread = 200;

// An in-memory Clerk with no state of its own: it answers each request from
// the request alone, so any mix-up between threads shows in the answer.
// Creates for users ending in "_404" get a ClerkErrors 404.
clerk::transport_result answer(const clerk::http_request& r) {
  const std::string_view url = r.url;
  const std::string_view revoke_suffix = "/revoke";
  if (url.size() > revoke_suffix.size() &&
      url.substr(url.size() - revoke_suffix.size()) == revoke_suffix) {
    const std::string_view prefix = "https://api.clerk.com/v1/sign_in_tokens/";
    std::string id(url.substr(prefix.size(), url.size() - prefix.size() - revoke_suffix.size()));
    return clerk_test::json_response(
        200, R"({"object":"sign_in_token","id":")" + id +
                 R"(","status":"revoked","user_id":"user_x","created_at":1,"updated_at":2})");
  }
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(r.body, ec);
  if (ec || !body.is_object() || !body.get_object().contains("user_id"))
    return clerk_test::json_response(422, R"({"errors":[{"code":"form_param_missing"}]})");
  std::string user(body.get_object().at("user_id").get_string());
  if (user.size() > 4 && user.substr(user.size() - 4) == "_404")
    return clerk_test::json_response(
        404, R"({"errors":[{"code":"resource_not_found"}],"clerk_trace_id":")" + user + "\"}");
  return clerk_test::json_response(200, R"({"object":"sign_in_token","id":"sit_for_)" + user +
                                            R"(","status":"pending","user_id":")" + user +
                                            R"(","token":")" + clerk_test::sample_jwt +
                                            R"(","created_at":1,"updated_at":2})");
}

}  // namespace

TEST_CASE("many threads share one client and each gets its own answers") {
  std::atomic<int> transport_calls{0};
  // A const lambda: thread-safe because all it touches is an atomic.
  const auto transport = [&transport_calls](const clerk::http_request& r) {
    transport_calls.fetch_add(1, std::memory_order_relaxed);
    return answer(r);
  };
  const clerk::client client(clerk_test::make_config(), transport);

  std::atomic<int> ok{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < calls_per_thread; ++i) {
        const std::string user =
            "user_" + std::to_string(t) + "_" + std::to_string(i) + (i % 10 == 0 ? "_404" : "");
        auto created = client.send(clerk::create_sign_in_token{.user_id = user});
        bool good;
        if (i % 10 == 0) {
          good = created.has_error() && created.error().kind() == clerk::error_kind::api &&
                 created.error().http_status() == 404 && created.error().clerk_trace_id() == user;
        } else {
          good = created.has_value() && created->user_id == user &&
                 created->id == "sit_for_" + user && created->token &&
                 created->token->reveal() == clerk_test::sample_jwt;
        }
        const std::string id = "sit_" + std::to_string(t) + "/" + std::to_string(i);
        auto revoked = client.send(clerk::revoke_sign_in_token{id});
        // The fake echoes the path segment as it arrived: percent-encoded.
        good = good && revoked.has_value() &&
               revoked->status == clerk::sign_in_token_status::revoked &&
               revoked->id == "sit_" + std::to_string(t) + "%2F" + std::to_string(i);
        (good ? ok : wrong).fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& th : threads)
    th.join();

  CHECK(wrong == 0);
  CHECK(ok == thread_count * calls_per_thread);
  CHECK(transport_calls == 2 * thread_count * calls_per_thread);
}

TEST_CASE("one config and one parsed token are read from many threads at once") {
  const clerk::config cfg = clerk_test::make_config();
  const auto token = clerk::parse_response(
      clerk::create_sign_in_token{.user_id = "u"},
      clerk_test::json_response(200, clerk_test::sample_token_json()), clerk::response_limits{});
  REQUIRE(token.has_value());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto r = clerk::build_request(clerk::revoke_sign_in_token{token->id}, cfg);
        std::string shown = clerk_test::printed(*token) + clerk_test::printed(cfg);
        if (!r || r->url != "https://api.clerk.com/v1/sign_in_tokens/sit_2abcDEF/revoke" ||
            shown.find(clerk_test::sample_jwt) != std::string::npos)
          wrong.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& th : threads)
    th.join();
  CHECK(wrong == 0);
}
