// Conformance against Clerk's own OpenAPI document: Prism serves
// ../shared/clerk-api/bapi-2026-05-12.yml on 127.0.0.1 and validates every
// request; every transport and the command-line tool go through it. Each
// case checks in Prism's log that Prism received exactly the requests it
// sent and found no violation in them or in its answers. Skips (exit 77) when
// the document, node or Prism is missing; fails instead when CI is set
// (cannot_run.hpp).
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
using clerk_test::read_file;
namespace fs = std::filesystem;

namespace {

constexpr const char* key = "sk_test_conformance0key0prism";

clerk_test::prism_process prism;
std::string prism_base_url;  // http://127.0.0.1:PORT/v1

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
  prism.count_sent();
  auto answer = T{}(*request);
  REQUIRE_MESSAGE(answer.has_value(), answer.error().message);
  INFO("Prism answered: " << answer->status << ' ' << answer->body);
  CHECK_FALSE(answer->headers.find("sl-violations").has_value());
  CHECK(answer->status == (prefer == 0 ? 200 : prefer));
  return clerk::parse_response(op, *answer, clerk::response_limits{});
}

// A transport that counts each request it sends to Prism.
template <class T>
struct counted {
  clerk::transport_result operator()(const clerk::http_request& r) const {
    prism.count_sent();
    return T{}(r);
  }
};

// What Prism's log says of a case's requests: exactly those received, no
// violation in them nor in Prism's answers (the document's examples), and
// `unrouted` of them on a path the document does not have.
void check_prism(const clerk_test::prism_span& span, std::size_t unrouted = 0) {
  auto v = span.check();
  CHECK(v.response_violations == 0);
  CHECK(v.unrouted == unrouted);
}

const std::vector<std::string> awkward_ids = {
    "sit_2abcDEF", "sit with spaces", "a/b",    "100%",           "%2F",
    "?q=1#frag",   "ünïcödé",         "日本語", "sit_a/b c%d?e#f"};

}  // namespace

TEST_CASE_TEMPLATE("create with and without each optional field passes Prism's validation", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::prism_span span(prism);
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
  CHECK(span.sent() == ops.size());
  check_prism(span);
}

TEST_CASE_TEMPLATE("revoke with ordinary and awkward ids passes Prism's validation", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::prism_span span(prism);
  for (const auto& id : awkward_ids) {
    CAPTURE(id);
    auto t = send_checked<T>(clerk::revoke_sign_in_token{id});
    REQUIRE_MESSAGE(t.has_value(), t.error().message());
    CHECK(!t->id.empty());  // and "object" was "sign_in_token", or the parse fails
  }
  CHECK(span.sent() == awkward_ids.size());
  check_prism(span);
}

TEST_CASE_TEMPLATE("every documented error status parses into an api error", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::prism_span span(prism);
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
  CHECK(span.sent() == 5);
  check_prism(span);
}

TEST_CASE_TEMPLATE("actor token create and revoke pass Prism's validation", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::prism_span span(prism);
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
  CHECK(span.sent() == ops.size() + awkward_ids.size() + 5);
  check_prism(span);
}

TEST_CASE("a timestamp is any int64 of milliseconds, Prism's placeholder included") {
  const clerk_test::prism_span span(prism);
  auto t = send_checked<curl_transport>(clerk::create_sign_in_token{.user_id = "user_2xyz"});
  REQUIRE_MESSAGE(t.has_value(), t.error().message());
  // The document gives no example, so Prism answers its int64 placeholder.
  CHECK(t->created_at.time_since_epoch().count() == -((std::int64_t{1} << 53) - 1));
  check_prism(span);
}

TEST_CASE_TEMPLATE("requests the library refuses locally never reach Prism", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::prism_span span(prism);
  const clerk::client client(config(), counted<T>{});
  REQUIRE(client.send(clerk::revoke_sign_in_token{"sit_before"}));

  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = ""}));
  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = "user\r\nX-Injected: 1"}));
  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = "user\xff"}));
  CHECK_FALSE(client.send(clerk::create_sign_in_token{.user_id = "user_1", .org_id = ""}));
  CHECK_FALSE(
      client.send(clerk::create_sign_in_token{.user_id = "user_1", .expires_in_seconds = 0s}));
  CHECK_FALSE(client.send(clerk::revoke_sign_in_token{""}));
  CHECK_FALSE(client.send(clerk::revoke_sign_in_token{".."}));

  REQUIRE(client.send(clerk::revoke_sign_in_token{"sit_after"}));
  // The transport saw the two revokes alone, and Prism received those two.
  CHECK(span.sent() == 2);
  check_prism(span);
}

TEST_CASE("the command-line tool's requests pass Prism's validation") {
  const std::vector<std::string> env = {"CLERK_SECRET_KEY=" + std::string(key),
                                        "CLERK_API_URL=" + prism_base_url, "PATH=/usr/bin:/bin"};
  const clerk_test::prism_span span(prism);
  // One request to Prism a call, unless the tool refuses its input first.
  auto cli = [&](std::vector<std::string> args, bool sends = true) {
    INFO("clerk-sign-in-token " << [&] {
      std::string s;
      for (auto& a : args)
        s += a + ' ';
      return s;
    }());
    if (sends)
      prism.count_sent();
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

  // Refused locally: exit 2, and nothing reaches Prism (the span counts).
  CHECK(cli({"create", "--user-id", "user_2xyz", "--expires-in", "0"}, false).exit_code == 2);
  CHECK(cli({"create", "--user-id", ""}, false).exit_code == 2);
  CHECK(cli({"revoke", ".."}, false).exit_code == 2);

  // A route the document does not have: Prism's problem+json 404 is not a
  // ClerkErrors body, so the tool reports an unusable response.
  auto wrong = cli({"create", "--user-id", "user_2xyz", "--api-url",
                    prism_base_url.substr(0, prism_base_url.size() - 3) + "/v0"});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("HTTP 404") != std::string::npos);
  CHECK(span.sent() == 4 + awkward_ids.size() + 1);
  check_prism(span, 1);
}

int main(int argc, char** argv) {
  const fs::path document =
      std::getenv("CLERK_API_DOCUMENT") ? std::getenv("CLERK_API_DOCUMENT") : CLERK_API_DOCUMENT;
  const fs::path prism_bin = fs::path(CLERK_CONFORMANCE_DIR) / "node_modules/.bin/prism";
  if (auto why = clerk_test::prism_process::missing(document, prism_bin))
    return clerk_test::cannot_run(*why + " (set CLERK_API_DOCUMENT to the document's path)");

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
  // Each case judged its own requests; this is the whole log's tally.
  const auto all = clerk_test::verdicts_of(prism.log());
  std::cout << "Prism (Backend API): " << prism.sent() << " requests sent, " << all.received
            << " received, " << all.request_violations + all.response_violations << " violations, "
            << all.refused << " refused\n";
  if (all.received != prism.sent() || all.request_violations + all.response_violations != 0 ||
      all.refused != 0) {
    std::cout << all.problems;
    return 1;
  }
  return result;
}
