// Walking a list with the Asio client (<clerk/transport/asio_pages.hpp>)
// against a server on 127.0.0.1 that answers from a script: each page
// co_awaited through the client's send (a 429 waited out), the cursor in the
// next request, an error as the walk's last value, a bad limit never sent.
#include <clerk/transport/asio_pages.hpp>

#include "servers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using clerk_test::canned;

// A named namespace, not an anonymous one: the Asio client's coroutine
// frames hold these types, which g++ refuses (-Wsubobject-linkage) when this
// file is compiled in a unity batch rather than as the main file.
namespace asio_pages_test {

struct user {
  std::string id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user", constant("object", "user"), field("id", &user::id, non_empty));
  }
};

// GET /users as GetUserList: a bare array, limit/offset and a cursor.
struct get_user_list {
  std::optional<std::int64_t> limit{};
  std::optional<std::int64_t> offset{};
  std::optional<std::string> starting_after{};
  using response_type = std::vector<user>;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = get_user_list;
    return endpoint(clerk::http_method::get, path("/users"),
                    query(field("limit", &o::limit, at_least(1), at_most(500)),
                          field("offset", &o::offset, at_least(0)),
                          field("starting_after", &o::starting_after)),
                    idempotent);
  }
};

canned users(std::vector<std::string> ids) {
  std::string body = "[";
  for (const auto& id : ids)
    body += (body.size() > 1 ? "," : "") + std::string(R"({"object":"user","id":")") + id + "\"}";
  return {200, body + "]", ""};
}

// Every value of the walk: a page's ids, or "error: <message>".
std::vector<std::vector<std::string>> walk_with_asio(const std::string& base_url,
                                                     get_user_list op) {
  auto cfg = clerk::config::make(
      {.secret_key = "sk_test_integration0asio0pages0key", .base_url = base_url, .timeout = 10s});
  REQUIRE(cfg.has_value());
  auto policy = clerk::retry_policy::make({.max_attempts = 3, .base_delay = 1ms});
  REQUIRE(policy.has_value());
  boost::asio::io_context io;
  clerk::asio_client client(*cfg, clerk::asio_transport(io.get_executor(), nullptr), *policy);
  std::vector<std::vector<std::string>> out;
  bool finished = false;
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto pages = clerk::pages(client, op);
    while (auto page = co_await pages.next()) {
      if (!*page) {
        out.push_back({"error: " + page->error().message()});
        continue;
      }
      out.emplace_back();
      for (const user& u : **page)
        out.back().push_back(u.id);
    }
    finished = true;
  };
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.run();
  CHECK(finished);
  return out;
}

std::vector<std::string> targets(const clerk_test::misbehaving_server& server) {
  std::vector<std::string> out;
  for (const auto& s : server.seen())
    out.push_back(s.target);
  return out;
}

}  // namespace asio_pages_test

using namespace asio_pages_test;

TEST_CASE("the Asio client walks a list page by page, by cursor, waiting out a 429") {
  clerk_test::misbehaving_server server;
  server.script({users({"user_1", "user_2"}), canned::rate_limited("0"), users({"user_3"})});
  auto walked = walk_with_asio(server.base_url("script"), get_user_list{.limit = 2});
  CHECK(walked == std::vector<std::vector<std::string>>{{"user_1", "user_2"}, {"user_3"}});
  CHECK(targets(server) ==
        std::vector<std::string>{"/script/v1/users?limit=2",
                                 "/script/v1/users?limit=2&starting_after=user_2",
                                 "/script/v1/users?limit=2&starting_after=user_2"});
}

TEST_CASE("with the Asio client an error is the walk's last value") {
  clerk_test::misbehaving_server server;
  server.script({users({"user_1", "user_2"}), canned::cannot_be_revoked(), users({"user_3"})});
  auto walked = walk_with_asio(server.base_url("script"), get_user_list{.limit = 2, .offset = 4});
  REQUIRE(walked.size() == 2);
  CHECK(walked[0] == std::vector<std::string>{"user_1", "user_2"});
  CHECK(walked[1].at(0).find("sign_in_token_cannot_be_revoked_code") != std::string::npos);
  CHECK(walked[1].at(0).find("trace_400_revoke") != std::string::npos);
  CHECK(targets(server) == std::vector<std::string>{"/script/v1/users?limit=2&offset=4",
                                                    "/script/v1/users?limit=2&offset=6"});
}

TEST_CASE("with the Asio client a limit out of bounds is refused and nothing is sent") {
  // No server: the refusal is the request builder's (an invalid_request),
  // which no transport failure could be.
  auto walked = walk_with_asio("http://127.0.0.1:9/v1", get_user_list{.limit = 501});
  CHECK(walked == std::vector<std::vector<std::string>>{
                      {"error: invalid request: limit: must be at most 500"}});
}

TEST_CASE("with the Asio client a cursor page that did not advance ends the walk") {
  // A server that ignores starting_after; once the script is spent it answers
  // an object, which would end a walk that kept asking.
  clerk_test::misbehaving_server server;
  server.script(
      {users({"user_1", "user_2"}), users({"user_1", "user_2"}), users({"user_1", "user_2"})});
  auto walked = walk_with_asio(server.base_url("script"), get_user_list{.limit = 2});
  CHECK(walked ==
        std::vector<std::vector<std::string>>{
            {"user_1", "user_2"},
            {R"(error: unexpected response: HTTP 200: the page did not advance past "user_2")"}});
  CHECK(targets(server) ==
        std::vector<std::string>{"/script/v1/users?limit=2",
                                 "/script/v1/users?limit=2&starting_after=user_2"});
}
