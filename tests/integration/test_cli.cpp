// The clerk-sign-in-token tool's contract, run as a process: exit codes,
// stdout and stderr, against the fake Clerk and a misbehaving server on
// 127.0.0.1. No run may print the secret key.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/backend.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/version.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using namespace std::chrono_literals;

namespace {

// The part after "sk_test_" is what must never be printed.
constexpr const char* secret_tail = "cli0SECRET0MUSTNOTLEAK0x9";
const std::string key = std::string("sk_test_") + secret_tail;

struct cli_run : clerk_test::process_result {
  // stdout parsed as JSON (null when it is not JSON).
  boost::json::value json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(out, ec);
    return ec ? boost::json::value() : v;
  }
  std::size_t err_lines() const { return std::size_t(std::count(err.begin(), err.end(), '\n')); }
};

// Runs the tool with only the given environment (plus PATH), and checks
// what every run must hold: it ended by itself and printed no secret key.
cli_run cli(std::vector<std::string> args,
            std::vector<std::string> env = {"CLERK_SECRET_KEY=" + key}) {
  env.push_back("PATH=/usr/bin:/bin");
  cli_run r{clerk_test::run_process(CLERK_CLI_PATH, args, env)};
  INFO("args: " << [&] {
    std::string s;
    for (auto& a : args)
      s += a + ' ';
    return s;
  }());
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.out.find(secret_tail) == std::string::npos);
  CHECK(r.err.find(secret_tail) == std::string::npos);
  return r;
}

clerk::fakes::fake_clerk demo_fake() {
  clerk::fakes::fake_clerk fake({.secret_key = key});
  fake.add_user("user_demo");
  fake.add_organization("org_demo", {"user_demo"});
  return fake;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("--help and --version print on stdout and exit 0, without a key") {
  auto help = cli({"--help"}, {});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "usage: clerk-sign-in-token create --user-id ID"));
  CHECK(contains(help.out, "CLERK_SECRET_KEY"));
  CHECK(help.err.empty());

  auto version = cli({"--version"}, {});
  CHECK(version.exit_code == 0);
  CHECK(version.out == "clerk-sign-in-token " CLERK_BACKEND_VERSION_STRING "\n");
}

TEST_CASE("create prints the token as one JSON object with Clerk's field names and values") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto r = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  auto json = r.json();
  REQUIRE(json.is_object());
  const auto& o = json.get_object();
  std::vector<std::string> keys;
  for (const auto& kv : o)
    keys.emplace_back(kv.key());
  CHECK(keys == std::vector<std::string>{"object", "id", "status", "user_id", "token", "url",
                                         "created_at", "updated_at"});
  auto held = server.fake().find_token(std::string(o.at("id").as_string()));
  REQUIRE(held.has_value());
  CHECK(o.at("object") == "sign_in_token");
  CHECK(o.at("status") == "pending");
  CHECK(o.at("user_id") == "user_demo");
  CHECK(o.at("token").as_string() == held->token->reveal());
  CHECK(o.at("url").as_string() == held->url->reveal());
  CHECK(o.at("created_at").as_int64() == held->created_at.time_since_epoch().count());
  CHECK(o.at("updated_at").as_int64() == held->updated_at.time_since_epoch().count());
}

TEST_CASE("create passes --org-id and --expires-in, and CLERK_API_URL is the default URL") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto r = cli({"create", "--user-id=user_demo", "--org-id", "org_demo", "--expires-in", "60"},
               {"CLERK_SECRET_KEY=" + key, "CLERK_API_URL=" + server.base_url()});
  REQUIRE(r.exit_code == 0);
  auto token = std::string(r.json().at("token").as_string());
  server.fake().advance(60s);
  CHECK(server.fake().consume_ticket(token).problem == clerk::fakes::ticket_problem::expired);

  auto outsider = demo_fake();
  outsider.add_user("user_other");
  clerk_test::fake_clerk_server other(outsider);
  auto refused = cli(
      {"create", "--user-id", "user_other", "--org-id", "org_demo", "--api-url", other.base_url()});
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "HTTP 403"));
}

TEST_CASE("CLERK_API_URL and --api-url take the origin, as Clerk's SDKs do; /v1 keeps working") {
  clerk_test::fake_clerk_server server(demo_fake());
  for (const std::string& url : {server.origin(), server.origin() + "/", server.base_url()}) {
    CAPTURE(url);
    auto from_env = cli({"create", "--user-id", "user_demo"},
                        {"CLERK_SECRET_KEY=" + key, "CLERK_API_URL=" + url});
    CHECK(from_env.exit_code == 0);
    CHECK(from_env.json().is_object());
    CHECK(cli({"create", "--user-id", "user_demo", "--api-url", url}).exit_code == 0);
  }
}

TEST_CASE("revoke prints the revoked token without token and url") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto created = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url()});
  REQUIRE(created.exit_code == 0);
  auto id = std::string(created.json().at("id").as_string());
  auto r = cli({"revoke", id, "--api-url", server.base_url()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto o = r.json().as_object();
  CHECK(o.at("id").as_string() == id);
  CHECK(o.at("status") == "revoked");
  CHECK_FALSE(o.contains("token"));
  CHECK_FALSE(o.contains("url"));
}

TEST_CASE("Clerk's refusals exit 1 with one line naming status, codes, messages and trace id") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto unknown = cli({"create", "--user-id", "user_nobody", "--api-url", server.base_url()});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.out.empty());
  CHECK(unknown.err_lines() == 1);
  CHECK(contains(unknown.err, "HTTP 404"));
  CHECK(contains(unknown.err, "resource_not_found"));
  CHECK(contains(unknown.err, "No user was found with id user_nobody"));
  CHECK(contains(unknown.err, "trace id "));

  auto created = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url()});
  auto id = std::string(created.json().at("id").as_string());
  REQUIRE(cli({"revoke", id, "--api-url", server.base_url()}).exit_code == 0);
  auto twice = cli({"revoke", id, "--api-url", server.base_url()});
  CHECK(twice.exit_code == 1);
  CHECK(twice.err_lines() == 1);
  CHECK(contains(twice.err, "HTTP 400"));
  CHECK(contains(twice.err, "sign_in_token_cannot_be_revoked_code"));

  auto wrong_key = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url()},
                       {"CLERK_SECRET_KEY=sk_test_wrong0key0" + std::string(secret_tail)});
  CHECK(wrong_key.exit_code == 1);
  CHECK(contains(wrong_key.err, "HTTP 401"));
  CHECK(contains(wrong_key.err, "authentication_invalid"));
}

TEST_CASE("unusable answers exit 1: 500 HTML, 429 with Retry-After, malformed JSON") {
  clerk_test::misbehaving_server server;
  auto create = [&](const char* behaviour) {
    return cli({"create", "--user-id", "user_demo", "--retries", "0", "--api-url",
                server.base_url(behaviour)});
  };
  auto html = create("html500");
  CHECK(html.exit_code == 1);
  CHECK(html.out.empty());
  CHECK(html.err_lines() == 1);
  CHECK(contains(html.err, "HTTP 500"));
  CHECK(contains(html.err, "text/html"));

  auto limited = create("ratelimit");
  CHECK(limited.exit_code == 1);
  CHECK(limited.err_lines() == 1);
  CHECK(contains(limited.err, "HTTP 429"));
  CHECK(contains(limited.err, "too_many_requests"));
  CHECK(contains(limited.err, "retry after 7 s"));
  CHECK(contains(limited.err, "trace_429_limit"));

  auto malformed = create("malformed");
  CHECK(malformed.exit_code == 1);
  CHECK(malformed.out.empty());
  CHECK(malformed.err_lines() == 1);
  CHECK(contains(malformed.err, "HTTP 200"));
  CHECK(contains(malformed.err, "not valid JSON"));
}

TEST_CASE("an answer too large to keep exits 1, as any unusable answer does") {
  clerk_test::misbehaving_server server;
  auto big = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url("big")});
  CHECK(big.exit_code == 1);
  CHECK(big.out.empty());
  CHECK(big.err_lines() == 1);
  CHECK(contains(big.err, "exceeds the limit"));
}

TEST_CASE("transport failures exit 3: refused, timeout, TLS") {
  const clerk_test::closed_port closed;
  const auto refused_url = closed.base_url();
  auto refused =
      cli({"create", "--user-id", "user_demo", "--retries", "0", "--api-url", refused_url});
  CHECK(refused.exit_code == 3);
  CHECK(refused.out.empty());
  CHECK(refused.err_lines() == 1);
  CHECK(contains(refused.err, "request not sent"));

  clerk_test::misbehaving_server server;
  auto timeout = cli({"create", "--user-id", "user_demo", "--timeout", "0.5", "--api-url",
                      server.base_url("hang")});
  CHECK(timeout.exit_code == 3);
  CHECK(timeout.err_lines() == 1);
  CHECK(contains(timeout.err, "imed out"));

  std::string tls_url = server.base_url("echo");
  tls_url.replace(0, 4, "https");
  auto tls = cli({"revoke", "sit_1", "--retries", "0", "--api-url", tls_url});
  CHECK(tls.exit_code == 3);
  CHECK(tls.err_lines() == 1);
}

TEST_CASE("usage errors and invalid input exit 2 and send nothing") {
  clerk_test::fake_clerk_server server(demo_fake());
  const auto url = server.base_url();
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"--api-url", url},
      {"list", "--api-url", url},
      {"create", "--api-url", url},
      {"create", "--user-id", "user_demo", "--frobnicate", "--api-url", url},
      {"create", "--user-id", "user_demo", "--api-url", url, "extra"},
      {"create", "--user-id", "user_demo", "--user-id", "user_2", "--api-url", url},
      {"create", "--user-id", "user_demo", "--expires-in", "0", "--api-url", url},
      {"create", "--user-id", "user_demo", "--expires-in", "ten", "--api-url", url},
      {"create", "--user-id", "user_demo", "--timeout", "0", "--api-url", url},
      {"create", "--user-id", "user_demo", "--timeout", "soon", "--api-url", url},
      {"create", "--user-id", "user\tdemo", "--api-url", url},
      {"create", "--user-id", "", "--api-url", url},
      {"create", "--user-id", "user_demo", "--api-url", "ftp://127.0.0.1/v1"},
      {"create", "--user-id", "user_demo", "--api-url", "http://me:pw@127.0.0.1/v1"},
      {"revoke", "--api-url", url},
      {"revoke", "sit_1", "sit_2", "--api-url", url},
      {"revoke", "..", "--api-url", url},
      {"revoke", "sit_1", "--user-id", "user_demo", "--api-url", url},
      {"create", "--user-id"},
      {"create", "-x", "--user-id", "user_demo", "--api-url", url},
      {"revoke", "--odd-id", "--api-url", url},
  };
  for (const auto& args : cases) {
    auto r = cli(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_FALSE(r.err.empty());
  }
  CHECK(server.fake().request_count() == 0);
}

TEST_CASE("after --, an id that looks like an option is sent as an id") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto r = cli({"revoke", "--api-url", server.base_url(), "--", "--odd-id"});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "HTTP 404"));
  CHECK(server.fake().request_count() == 1);
}

TEST_CASE("the key is read only from CLERK_SECRET_KEY and never echoed") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto missing = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url()}, {});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "CLERK_SECRET_KEY"));

  auto as_option = cli(
      {"create", "--user-id", "user_demo", "--secret-key", key, "--api-url", server.base_url()});
  CHECK(as_option.exit_code == 2);
  CHECK(contains(as_option.err, "CLERK_SECRET_KEY"));

  auto pasted = cli({"create", key, "--api-url", server.base_url()});  // echoed, redacted
  CHECK(pasted.exit_code == 2);
  CHECK(contains(pasted.err, "sk_test_[redacted]"));

  auto bad_key = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url()},
                     {"CLERK_SECRET_KEY=sk_test_has space" + std::string(secret_tail)});
  CHECK(bad_key.exit_code == 2);
  CHECK(server.fake().request_count() == 0);
}

TEST_CASE("--verbose shows the request and the status on stderr, secret and token redacted") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto r = cli({"create", "--user-id", "user_demo", "--verbose", "--api-url", server.base_url()});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "> POST " + server.base_url() + "/sign_in_tokens"));
  CHECK(contains(r.err, "Authorization: Bearer sk_test_[redacted]"));
  CHECK(contains(r.err, R"({"user_id":"user_demo"})"));
  CHECK(contains(r.err, "< HTTP 200"));
  auto token = std::string(r.json().at("token").as_string());
  CHECK_FALSE(contains(r.err, token));
}

TEST_CASE("a 429 is retried after Retry-After, and --verbose shows each attempt") {
  clerk_test::misbehaving_server server;
  server.script({clerk_test::canned::rate_limited("0"), clerk_test::canned::token()});
  auto r = cli(
      {"create", "--user-id", "user_demo", "--verbose", "--api-url", server.base_url("script")});
  CHECK(r.exit_code == 0);
  CHECK(server.seen().size() == 2);
  auto first = r.err.find("* attempt 1\n> POST ");
  auto limited = r.err.find("< HTTP 429");
  auto wait = r.err.find("* retrying in 0 ms");
  auto second = r.err.find("* attempt 2\n> POST ");
  auto ok = r.err.find("< HTTP 200");
  CHECK(first < limited);
  CHECK(limited < wait);
  CHECK(wait < second);
  CHECK(second < ok);
  CHECK(ok != std::string::npos);
}

TEST_CASE("a 5xx is retried for revoke, not for create") {
  clerk_test::misbehaving_server server;
  server.script({clerk_test::canned::error_status(503), clerk_test::canned::token()});
  auto create = cli({"create", "--user-id", "user_demo", "--api-url", server.base_url("script")});
  CHECK(create.exit_code == 1);
  CHECK(contains(create.err, "HTTP 503"));
  CHECK(server.seen().size() == 1);

  server.script({clerk_test::canned::error_status(503), clerk_test::canned::token()});
  auto revoke = cli({"revoke", "sit_1", "--api-url", server.base_url("script")});
  CHECK(revoke.exit_code == 0);
  CHECK(server.seen().size() == 3);
}

TEST_CASE(
    "a retried revoke that meets cannot_be_revoked says an earlier attempt may have done it") {
  clerk_test::misbehaving_server server;
  server.script({clerk_test::canned::error_status(502), clerk_test::canned::cannot_be_revoked()});
  auto r = cli({"revoke", "sit_1", "--api-url", server.base_url("script")});
  CHECK(r.exit_code == 1);
  CHECK(r.err_lines() == 1);
  CHECK(contains(r.err, "sign_in_token_cannot_be_revoked_code"));
  CHECK(contains(r.err, "[after 2 attempts: an earlier attempt may have done it]"));
}

TEST_CASE("--retries N bounds the attempts, and 0 disables retries") {
  clerk_test::misbehaving_server server;
  server.script({clerk_test::canned::rate_limited("0"), clerk_test::canned::token()});
  auto none = cli({"create", "--user-id", "user_demo", "--retries", "0", "--api-url",
                   server.base_url("script")});
  CHECK(none.exit_code == 1);
  CHECK(contains(none.err, "HTTP 429"));
  CHECK(server.seen().size() == 1);

  const clerk_test::closed_port closed;
  const auto refused_url = closed.base_url();
  auto refused =
      cli({"create", "--user-id", "user_demo", "--retries", "1", "--api-url", refused_url});
  CHECK(refused.exit_code == 3);
  CHECK(contains(refused.err, "[after 2 attempts: attempts exhausted]"));

  for (const char* bad : {"-1", "x", "100", ""}) {
    auto r = cli({"create", "--user-id", "user_demo", "--retries", bad});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--retries wants a whole number from 0 to 99"));
  }
}

// ---- consume: the Frontend API (issue 10) ----------------------------------

namespace {

// The ticket of a fresh sign-in token for user_demo, minted on `fake`.
std::string ticket_on(const clerk::fakes::fake_clerk& fake,
                      std::optional<std::chrono::seconds> expires_in = std::nullopt,
                      std::string* id = nullptr) {
  auto cfg = clerk::config::make({.secret_key = key, .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  auto t = clerk::client(*cfg, fake)
               .send(clerk::create_sign_in_token{.user_id = "user_demo",
                                                 .expires_in_seconds = expires_in});
  REQUIRE(t.has_value());
  if (id)
    *id = t->id;
  return std::string(t->token->reveal());
}

// A file holding `text`, removed with the object: a process's stdin.
struct input_file {
  std::string path;
  explicit input_file(const std::string& text) {
    char name[] = "/tmp/clerk_cli_stdin_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    path = name;
  }
  ~input_file() { ::unlink(path.c_str()); }
};

cli_run consume_cli(std::vector<std::string> args, std::vector<std::string> env = {},
                    const std::string& input = "/dev/null") {
  env.push_back("PATH=/usr/bin:/bin");
  cli_run r{clerk_test::run_process(CLERK_CLI_PATH, args, env, std::chrono::seconds(30), input)};
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  return r;
}

std::string origin_of(const clerk_test::fake_clerk_server& s) {
  std::string url = s.base_url();
  return url.substr(0, url.size() - 3);  // without "/v1"
}

}  // namespace

TEST_CASE("consume redeems a ticket without a secret key and prints the session") {
  clerk_test::fake_clerk_server server(demo_fake());
  std::string id;
  auto ticket = ticket_on(server.fake(), std::nullopt, &id);
  auto r = consume_cli({"consume", "--frontend-api", origin_of(server), ticket});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto json = r.json();
  REQUIRE(json.is_object());
  const auto& o = json.get_object();
  CHECK(o.at("user_id") == "user_demo");
  CHECK(o.at("status") == "active");
  CHECK(o.at("recovered") == false);
  CHECK(o.at("jwt").as_string().starts_with("eyJ"));
  auto session = server.fake().find_session(std::string(o.at("session_id").as_string()));
  REQUIRE(session.has_value());
  CHECK(session->status == "active");
  CHECK(server.fake().find_token(id)->status == clerk::sign_in_token_status::accepted);
}

TEST_CASE("consume - reads the ticket from standard input") {
  clerk_test::fake_clerk_server server(demo_fake());
  input_file in(ticket_on(server.fake()) + "\n");
  auto r = consume_cli({"consume", "--frontend-api=" + origin_of(server), "-"}, {}, in.path);
  REQUIRE(r.exit_code == 0);
  CHECK(r.json().is_object());
}

TEST_CASE("consume of a used, expired or revoked ticket exits 1 naming Clerk's code") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto used = ticket_on(server.fake());
  REQUIRE(consume_cli({"consume", "--frontend-api", origin_of(server), used}).exit_code == 0);
  auto again = consume_cli({"consume", "--frontend-api", origin_of(server), used});
  CHECK(again.exit_code == 1);
  CHECK(again.out.empty());
  CHECK(again.err_lines() == 1);
  CHECK(contains(again.err, "sign_in_token_already_used_code"));

  auto expiring = ticket_on(server.fake(), std::chrono::seconds(60));
  std::string revoked_id;
  auto revoked = ticket_on(server.fake(), std::nullopt, &revoked_id);
  auto cfg = clerk::config::make({.secret_key = key, .base_url = "http://localhost/v1"});
  REQUIRE(clerk::client(*cfg, server.fake()).send(clerk::revoke_sign_in_token{revoked_id}));
  server.fake().advance(std::chrono::seconds(61));
  auto expired = consume_cli({"consume", "--frontend-api", origin_of(server), expiring});
  CHECK(expired.exit_code == 1);
  CHECK(contains(expired.err, "ticket_expired_code"));
  auto pulled = consume_cli({"consume", "--frontend-api", origin_of(server), revoked});
  CHECK(pulled.exit_code == 1);
  CHECK(contains(pulled.err, "sign_in_token_revoked_code"));
}

TEST_CASE("consume usage errors exit 2 and send nothing") {
  clerk_test::fake_clerk_server server(demo_fake());
  const auto before = server.fake().request_count();
  const std::string fapi = origin_of(server);
  input_file empty("\n");
  for (auto [args, env, input] :
       std::vector<std::tuple<std::vector<std::string>, std::vector<std::string>, std::string>>{
           {{"consume"}, {}, "/dev/null"},
           {{"consume", "--frontend-api", fapi, "a", "b"}, {}, "/dev/null"},
           {{"consume", "ticket"}, {}, "/dev/null"},  // no Frontend API
           {{"consume", "--frontend-api", fapi, "--user-id", "u", "t"}, {}, "/dev/null"},
           {{"consume", "--frontend-api", fapi, "-"}, {}, empty.path},
           {{"consume", "--frontend-api", "ftp://x", "t"}, {}, "/dev/null"},
           {{"consume", "t"}, {"CLERK_PUBLISHABLE_KEY=pk_live_bm9wZQ"}, "/dev/null"},
           {{"create", "--user-id", "u", "--frontend-api", fapi},
            {"CLERK_SECRET_KEY=" + key},
            "/dev/null"}}) {
    auto r = consume_cli(args, env, input);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
  auto bad_key = consume_cli({"consume", "t"}, {"CLERK_PUBLISHABLE_KEY=pk_live_bm9wZQ"});
  CHECK(contains(bad_key.err, "publishable_key"));
  CHECK(server.fake().request_count() == before);
}

TEST_CASE("consume takes the Frontend API from CLERK_PUBLISHABLE_KEY; transport failures exit 3") {
  // pk_test_ + base64("127.0.0.1:1$"): https on a closed port.
  auto r = consume_cli({"consume", "ticket"}, {"CLERK_PUBLISHABLE_KEY=pk_test_MTI3LjAuMC4xOjEk"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "127.0.0.1"));
  auto refused = consume_cli({"consume", "--frontend-api", "http://127.0.0.1:1", "ticket"});
  CHECK(refused.exit_code == 3);
}

TEST_CASE("consume --verbose redacts the ticket, the client token and the JWT") {
  clerk_test::fake_clerk_server server(demo_fake());
  auto ticket = ticket_on(server.fake());
  auto r = consume_cli({"consume", "--verbose", "--frontend-api", origin_of(server), ticket});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "POST " + origin_of(server) + "/v1/client/sign_ins?_is_native=1"));
  CHECK(contains(r.err, "strategy=ticket&ticket=[redacted]"));
  CHECK(contains(r.err, "Authorization: Bearer [redacted]"));
  CHECK_FALSE(contains(r.err, ticket.substr(ticket.size() - 20)));
  CHECK_FALSE(contains(r.err, "eyJ"));
}

TEST_CASE("create and consume alike take --timeout and name the tool in the User-Agent") {
  clerk_test::misbehaving_server server;
  auto origin = [&](std::string_view behaviour) {
    std::string url = server.base_url(behaviour);
    return url.substr(0, url.size() - 3);  // without "/v1"
  };
  const std::string agent = "clerk-sign-in-token/" + std::string(clerk::version) + ' ' +
                            std::string(clerk::default_user_agent);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"create", "--user-id", "user_demo", "--api-url", server.base_url("echo")},
           {"consume", "--frontend-api", origin("echo"), "ticket"}}) {
    auto bad = args;
    bad.insert(bad.end(), {"--timeout", "soon"});
    auto refused = cli(bad);
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.err, "--timeout wants a positive number of seconds, got soon"));

    const auto before = server.seen().size();
    cli(args);
    auto seen = server.seen();
    REQUIRE(seen.size() > before);
    for (auto i = before; i < seen.size(); ++i)
      CHECK(seen[i].headers.find("User-Agent").value_or("").starts_with(agent));
  }
  // create's --timeout is checked by "transport failures exit 3".
  auto consume = cli({"consume", "--timeout", "0.5", "--frontend-api", origin("hang"), "t"});
  CHECK(consume.exit_code == 3);
  CHECK(contains(consume.err, "imed out"));
}

// ---- never twice, never stranded (review 2, finding 1) ---------------------

TEST_CASE("create whose answer is lost after the server did it exits 3 and is not sent again") {
  clerk_test::lossy_server server([](int, int, std::string_view) { return true; });
  auto r =
      cli({"create", "--user-id", "user_demo", "--retries", "3", "--api-url", server.base_url()});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(server.done("POST /v1/sign_in_tokens") == 1);
}

TEST_CASE("consume whose sign-in answer is lost sends the ticket once and recovers the session") {
  clerk_test::fake_clerk_server clerk(demo_fake());
  std::string id;
  auto ticket = ticket_on(clerk.fake(), std::nullopt, &id);
  // A proxy that loses the sign-in's answer once, on a reused connection
  // (after the client was created on it): the ticket is spent upstream.
  std::atomic<bool> dropped{false};
  const std::string upstream = clerk.origin();
  clerk_test::lossy_server proxy(
      [&](int, int request, std::string_view line) {
        return request > 1 && line.find("/v1/client/sign_ins") != std::string_view::npos &&
               !dropped.exchange(true);
      },
      std::stoi(upstream.substr(upstream.rfind(':') + 1)));
  auto r = consume_cli({"consume", "--frontend-api", proxy.origin(), ticket});
  INFO([&] {
    std::string log;
    for (const auto& line : proxy.log())
      log += line + '\n';
    return log;
  }());
  CHECK(dropped);
  CHECK(proxy.done("POST /v1/client/sign_ins") == 1);  // the ticket went out once
  REQUIRE(r.exit_code == 0);
  auto json = r.json();
  REQUIRE(json.is_object());
  CHECK(json.at("recovered") == true);
  CHECK(json.at("user_id") == "user_demo");
  CHECK(json.at("status") == "active");
  auto session = clerk.fake().find_session(std::string(json.at("session_id").as_string()));
  REQUIRE(session.has_value());
  CHECK(session->status == "active");
  CHECK(clerk.fake().find_token(id)->status == clerk::sign_in_token_status::accepted);
}
