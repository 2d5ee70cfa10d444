// Conformance against Clerk's own OpenAPI document: Prism serves
// ../shared/clerk-api/bapi-2026-05-12.yml on 127.0.0.1 and validates every
// request; every transport and the command-line tool go through it. Skips
// (exit 77) when the document, node or Prism is missing.
#include <clerk/backend.hpp>

#include "prism.hpp"
#include "process.hpp"
#include "servers.hpp"
#include "transports.hpp"

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using clerk::curl_transport;
using clerk_examples::httplib_transport;
using clerk_test::asio_blocking;
using clerk_test::count;
using clerk_test::read_file;
namespace fs = std::filesystem;

namespace {

constexpr const char* key = "sk_test_conformance0key0prism";

clerk_test::prism_process prism;
std::string prism_base_url;  // http://127.0.0.1:PORT/v1

std::string log_once_it_shows(const std::string& marker) {
  return prism.log_once_it_shows(marker);
}

clerk::config config(std::string base_url = prism_base_url) {
  auto c = clerk::config::make({.secret_key = key, .base_url = std::move(base_url)});
  REQUIRE(c.has_value());
  return *c;
}

// Sends a built request and checks what Prism says of it: no violation.
template <class T, class Op>
clerk::result<typename Op::response_type> send_checked(const Op& op, int prefer = 0) {
  auto request = clerk::build_request(op, config());
  REQUIRE(request.has_value());
  if (prefer != 0)
    request->headers.add("Prefer", "code=" + std::to_string(prefer));
  auto answer = T{}(*request);
  REQUIRE_MESSAGE(answer.has_value(), answer.error().message);
  INFO("Prism answered: " << answer->status << ' ' << answer->body);
  CHECK_FALSE(answer->headers.find("sl-violations").has_value());
  CHECK(answer->status == (prefer == 0 ? 200 : prefer));
  return clerk::parse_response(op, *answer, clerk::response_limits{});
}

const std::vector<std::string> awkward_ids = {
    "sit_2abcDEF", "sit with spaces", "a/b",    "100%",           "%2F",
    "?q=1#frag",   "ünïcödé",         "日本語", "sit_a/b c%d?e#f"};

}  // namespace

TEST_CASE_TEMPLATE("create with and without each optional field passes Prism's validation", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const std::vector<clerk::create_sign_in_token> ops = {
      {.user_id = "user_2xyz"},
      {.user_id = "user_2xyz", .org_id = "org_2abc"},
      {.user_id = "user_2xyz", .expires_in_seconds = 3600s},
      {.user_id = "user_2xyz", .org_id = "org_2abc", .expires_in_seconds = 1s},
      {.user_id = "user \"quoted\" \\ é 日本", .org_id = "org/with/slashes"},
  };
  for (const auto& op : ops) {
    CAPTURE(op.user_id);
    auto t = send_checked<T>(op);
    REQUIRE_MESSAGE(t.has_value(), t.error().message());
    CHECK(!t->id.empty());  // and "object" was "sign_in_token", or the parse fails
    CHECK(t->status == clerk::sign_in_token_status::pending);
  }
}

TEST_CASE_TEMPLATE("revoke with ordinary and awkward ids passes Prism's validation", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  for (const auto& id : awkward_ids) {
    CAPTURE(id);
    auto t = send_checked<T>(clerk::revoke_sign_in_token{id});
    REQUIRE_MESSAGE(t.has_value(), t.error().message());
    CHECK(!t->id.empty());  // and "object" was "sign_in_token", or the parse fails
  }
}

TEST_CASE_TEMPLATE("every documented error status parses into an api error", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  for (int status : {403, 404, 422}) {
    CAPTURE(status);
    auto t = send_checked<T>(clerk::create_sign_in_token{.user_id = "user_2xyz"}, status);
    REQUIRE(t.has_error());
    REQUIRE(t.error().as_api() != nullptr);
    CHECK(t.error().http_status() == status);
    CHECK_FALSE(t.error().as_api()->errors.empty());
    CHECK_FALSE(t.error().clerk_trace_id().empty());
  }
  for (int status : {400, 404}) {
    CAPTURE(status);
    auto t = send_checked<T>(clerk::revoke_sign_in_token{"sit_2abcDEF"}, status);
    REQUIRE(t.has_error());
    REQUIRE(t.error().as_api() != nullptr);
    CHECK(t.error().http_status() == status);
  }
}

TEST_CASE_TEMPLATE("actor token create and revoke pass Prism's validation", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const std::vector<clerk::create_actor_token> ops = {
      {.user_id = "user_2xyz", .actor = {.sub = "user_support"}},
      {.user_id = "user_2xyz",
       .actor = {.sub = "user_support", .other_claims = clerk::raw_json(R"({"reason":"t 42"})")},
       .expires_in_seconds = 600s,
       .session_max_duration_in_seconds = 60s},
  };
  for (const auto& op : ops) {
    auto t = send_checked<T>(op);
    REQUIRE_MESSAGE(t.has_value(), t.error().message());
    CHECK(!t->id.empty());  // and "object" was "actor_token", or the parse fails
  }
  for (const auto& id : awkward_ids) {
    CAPTURE(id);
    auto t = send_checked<T>(clerk::revoke_actor_token{id});
    REQUIRE_MESSAGE(t.has_value(), t.error().message());
  }
  for (int status : {400, 402, 422}) {
    CAPTURE(status);
    auto t = send_checked<T>(ops[0], status);
    REQUIRE(t.has_error());
    REQUIRE(t.error().as_api() != nullptr);
    CHECK(t.error().http_status() == status);
  }
  for (int status : {400, 404}) {
    CAPTURE(status);
    auto t = send_checked<T>(clerk::revoke_actor_token{"act_2abc"}, status);
    REQUIRE(t.has_error());
    REQUIRE(t.error().as_api() != nullptr);
    CHECK(t.error().http_status() == status);
  }
}

TEST_CASE("a timestamp is any int64 of milliseconds, Prism's placeholder included") {
  auto t = send_checked<curl_transport>(clerk::create_sign_in_token{.user_id = "user_2xyz"});
  REQUIRE_MESSAGE(t.has_value(), t.error().message());
  // The document gives no example, so Prism answers its int64 placeholder.
  CHECK(t->created_at.time_since_epoch().count() == -((std::int64_t{1} << 53) - 1));
}

TEST_CASE_TEMPLATE("requests the library refuses locally never reach Prism", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const std::string before = "sit_marker_before_" + std::string(clerk_test::transport_name<T>());
  const std::string after = "sit_marker_after_" + std::string(clerk_test::transport_name<T>());
  const clerk::client client(config(), T{});
  REQUIRE(client.send(clerk::revoke_sign_in_token{before}));

  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = ""}));
  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = "user\r\nX-Injected: 1"}));
  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = "user\xff"}));
  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = "user_1", .org_id = ""}));
  CHECK_FALSE(
      client.send(clerk::create_sign_in_token{.user_id = "user_1", .expires_in_seconds = 0s}));
  CHECK_FALSE(client.send(clerk::revoke_sign_in_token{""}));
  CHECK_FALSE(client.send(clerk::revoke_sign_in_token{".."}));

  REQUIRE(client.send(clerk::revoke_sign_in_token{after}));
  auto log = log_once_it_shows("/" + after + "/revoke");
  auto from = log.find("/" + before + "/revoke");
  REQUIRE(from != std::string::npos);
  auto between = log.substr(from, log.find("/" + after + "/revoke") - from);
  CHECK(count(between, "Request received") == 1);  // the first marker's own line
}

TEST_CASE("the command-line tool's requests pass Prism's validation") {
  const std::vector<std::string> env = {"CLERK_SECRET_KEY=" + std::string(key),
                                        "CLERK_API_URL=" + prism_base_url, "PATH=/usr/bin:/bin"};
  auto cli = [&](std::vector<std::string> args) {
    INFO("clerk-sign-in-token " << [&] {
      std::string s;
      for (auto& a : args)
        s += a + ' ';
      return s;
    }());
    auto r = clerk_test::run_process(CLERK_CLI_PATH, args, env);
    INFO("stdout: " << r.out << "stderr: " << r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.err.find("conformance0key") == std::string::npos);
    return r;
  };
  auto is_token = [](const std::string& out) {
    boost::system::error_code ec;
    auto v = boost::json::parse(out, ec);
    return !ec && v.is_object() && v.as_object().contains("id");
  };

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"create", "--user-id", "user_2xyz"},
           {"create", "--user-id", "user_2xyz", "--org-id", "org_2abc"},
           {"create", "--user-id", "user_2xyz", "--expires-in", "600"},
           {"create", "--user-id", "user_2xyz", "--org-id", "org_2abc", "--expires-in", "1"}}) {
    auto r = cli(args);
    CHECK(r.exit_code == 0);
    CHECK(is_token(r.out));
  }
  for (const auto& id : awkward_ids) {
    auto r = cli({"revoke", id});
    CHECK(r.exit_code == 0);
    CHECK(is_token(r.out));
  }

  // Refused locally: exit 2, and nothing between the markers reaches Prism.
  REQUIRE(cli({"revoke", "sit_marker_before_cli"}).exit_code == 0);
  CHECK(cli({"create", "--user-id", "user_2xyz", "--expires-in", "0"}).exit_code == 2);
  CHECK(cli({"create", "--user-id", ""}).exit_code == 2);
  CHECK(cli({"revoke", ".."}).exit_code == 2);
  REQUIRE(cli({"revoke", "sit_marker_after_cli"}).exit_code == 0);
  auto log = log_once_it_shows("/sit_marker_after_cli/revoke");
  auto from = log.find("/sit_marker_before_cli/revoke");
  REQUIRE(from != std::string::npos);
  CHECK(count(log.substr(from, log.find("/sit_marker_after_cli/revoke") - from),
              "Request received") == 1);

  // A route the document does not have: Prism's problem+json 404 is not a
  // ClerkErrors body, so the tool reports an unusable response.
  auto wrong = cli({"create", "--user-id", "user_2xyz", "--api-url",
                    prism_base_url.substr(0, prism_base_url.size() - 3) + "/v0"});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("HTTP 404") != std::string::npos);
}

TEST_CASE("Prism logged no violation for any request") {
  // Test cases run in file order: this one comes after every request.
  auto log = prism.log();
  CHECK(count(log, "Request received") > 0);
  CHECK(count(log, "Violation") == 0);
  CHECK(count(log, "did not pass the validation rules") == 0);
}

int main(int argc, char** argv) {
  const fs::path document =
      std::getenv("CLERK_API_DOCUMENT") ? std::getenv("CLERK_API_DOCUMENT") : CLERK_API_DOCUMENT;
  const fs::path prism_bin = fs::path(CLERK_CONFORMANCE_DIR) / "node_modules/.bin/prism";
  if (auto why = clerk_test::prism_process::missing(document, prism_bin)) {
    std::cout << "SKIP: " << *why << " (set CLERK_API_DOCUMENT to the document's path)\n";
    return clerk_test::skipped;
  }

  const fs::path work = fs::path(CLERK_CONFORMANCE_WORK_DIR);
  fs::create_directories(work);
  const fs::path served = work / "bapi-v1.yml";
  std::ofstream(served, std::ios::binary) << clerk_test::prefixed_document(read_file(document));
  if (!prism.start(prism_bin, served, work / "prism.log"))
    return 1;
  prism_base_url = prism.origin() + "/v1";
  std::cout << "Prism serves " << served.string() << " at " << prism_base_url << '\n';

  doctest::Context context(argc, argv);
  int result = context.run();
  prism.stop();
  return result;
}
