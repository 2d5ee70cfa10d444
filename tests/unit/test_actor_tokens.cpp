#include <clerk/backend/actor_tokens.hpp>

#include "support.hpp"

#include <clerk/client.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/retry.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>

using namespace std::chrono_literals;
using clerk_test::json_response;
using clerk_test::make_config;

namespace {

const char* const actor_token_json =
    R"({"object":"actor_token","id":"act_2abc","status":"pending","user_id":"user_1",)"
    R"("actor":{"sub":"user_support","reason":"ticket 42","level":3,"tags":["a",{"b":null}]},)"
    R"("token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",)"
    R"("url":"https://accounts.example.com/v1/tickets/accept?ticket=eyJhbGciOiJSUzI1NiJ9.x.y",)"
    R"("created_at":1719952616214,"updated_at":1719952616215})";

clerk::invalid_request refused(const clerk::create_actor_token& op) {
  auto r = clerk::build_request(op, make_config());
  REQUIRE(r.has_error());
  REQUIRE(r.error().kind() == clerk::error_kind::invalid_request);
  return *r.error().as_invalid_request();
}

}  // namespace

TEST_CASE("create_actor_token builds the request Clerk documents, claims in the actor object") {
  auto r = clerk::build_request(
      clerk::create_actor_token{
          .user_id = "user_1",
          .actor = {.sub = "user_support", .other_claims = clerk::raw_json(R"({"reason":"x"})")},
          .expires_in_seconds = 600s,
          .session_max_duration_in_seconds = 300s},
      make_config());
  REQUIRE(r.has_value());
  clerk::http_request golden;
  golden.method = clerk::http_method::post;
  golden.url = "https://api.clerk.com/v1/actor_tokens";
  // No Idempotency-Key: Clerk takes none on this endpoint.
  golden.headers = clerk_test::golden_headers(true);
  golden.body = R"({"user_id":"user_1","actor":{"sub":"user_support","reason":"x"},)"
                R"("expires_in_seconds":600,"session_max_duration_in_seconds":300})";
  golden.timeout = 30s;
  golden.follow_redirects = false;
  CHECK(*r == golden);
}

TEST_CASE("create_actor_token leaves unset durations and empty claims out") {
  auto r = clerk::build_request(
      clerk::create_actor_token{.user_id = "user_1", .actor = {.sub = "user_support"}},
      make_config());
  REQUIRE(r.has_value());
  CHECK(r->body == R"({"user_id":"user_1","actor":{"sub":"user_support"}})");
}

TEST_CASE("a missing or empty actor.sub is refused before anything is built") {
  auto e = refused(clerk::create_actor_token{.user_id = "user_1"});
  CHECK(e.field == "actor.sub");
  CHECK(e.reason == "must not be empty");
  CHECK(refused({.user_id = "user_1", .actor = {.sub = "a\nb"}}).field == "actor.sub");
}

namespace {

// The refusal of a create whose actor carries `claims` as other members.
clerk::invalid_request claims_refused(const char* claims) {
  return refused({.user_id = "u", .actor = {.sub = "s", .other_claims = clerk::raw_json(claims)}});
}

// The body of a create whose actor carries `claims`, which must be accepted.
std::string body_with_claims(const char* claims) {
  auto r = clerk::build_request(
      clerk::create_actor_token{.user_id = "u",
                                .actor = {.sub = "s", .other_claims = clerk::raw_json(claims)}},
      make_config());
  REQUIRE(r.has_value());
  return r->body;
}

}  // namespace

TEST_CASE("other claims must be a JSON object that does not repeat sub") {
  auto e = claims_refused("[1]");
  CHECK(e.field == "actor.other members");
  CHECK(e.reason == "must be the text of a JSON object");
  CHECK(claims_refused(R"({"sub":"t"})").field == "actor.sub");
  // A repeated name is ambiguous: Boost.JSON would keep the last, another
  // reader the first. Refused at any depth, and nothing is built.
  auto twice = claims_refused(R"({"a":1,"a":2})");
  CHECK(twice.field == "actor.other members");
  CHECK(twice.reason == "must not repeat a member name: duplicate field \"a\"");
  CHECK(claims_refused(R"({"c":[{"x":{"b":1,"b":2}}]})").reason ==
        "must not repeat a member name: duplicate key \"b\" in field \"c\"");
  CHECK(body_with_claims(R"({"c":[{"b":1},{"b":2}]})") ==
        R"({"user_id":"u","actor":{"sub":"s","c":[{"b":1},{"b":2}]}})");
  // Only the whole text, and one object, is an object; "sub" only clashes at the top.
  for (const char* bad : {R"({"a":1} x)", R"({"a":1}{"b":2})", R"({"a":1)", "  ", R"("a")"})
    CHECK(claims_refused(bad).reason == "must be the text of a JSON object");
  CHECK(claims_refused("{\"a\":\"\xc3\"}").reason == "must be valid UTF-8");
  CHECK(body_with_claims(R"( {"c":{"sub":"t"}} )") ==
        R"({"user_id":"u","actor":{"sub":"s","c":{"sub":"t"}}})");
}

TEST_CASE("create_actor_token refuses durations below one second, naming them") {
  CHECK(refused({.user_id = "u", .actor = {.sub = "s"}, .expires_in_seconds = 0s}).field ==
        "expires_in_seconds");
  auto e = refused({.user_id = "u", .actor = {.sub = "s"}, .session_max_duration_in_seconds = -5s});
  CHECK(e.field == "session_max_duration_in_seconds");
  CHECK(e.reason == "must be at least 1 second");
  CHECK(refused({.actor = {.sub = "s"}}).field == "user_id");
}

TEST_CASE("revoke_actor_token builds a bodiless POST to the token's revoke path") {
  auto r = clerk::build_request(clerk::revoke_actor_token{"act_2abc"}, make_config());
  REQUIRE(r.has_value());
  clerk::http_request golden;
  golden.method = clerk::http_method::post;
  golden.url = "https://api.clerk.com/v1/actor_tokens/act_2abc/revoke";
  golden.headers = clerk_test::golden_headers(false);
  golden.timeout = 30s;
  golden.follow_redirects = false;
  golden.replayable = true;
  CHECK(*r == golden);
}

TEST_CASE("revoke_actor_token encodes the id as one segment and refuses dot segments") {
  auto r = clerk::build_request(clerk::revoke_actor_token{"act_1/x"}, make_config());
  REQUIRE(r.has_value());
  CHECK(r->url == "https://api.clerk.com/v1/actor_tokens/act_1%2Fx/revoke");
  CHECK(r->body.empty());
  CHECK_FALSE(r->headers.find("Content-Type").has_value());
  auto dots = clerk::build_request(clerk::revoke_actor_token{".."}, make_config());
  REQUIRE(dots.has_error());
  CHECK(dots.error().as_invalid_request()->field == "actor_token_id");
}

TEST_CASE("an actor token parses with its actor claims kept whole") {
  auto t = clerk::parse_response(clerk::create_actor_token{}, json_response(200, actor_token_json),
                                 make_config());
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->id == "act_2abc");
  CHECK(t->status == clerk::actor_token_status::pending);
  CHECK(t->user_id == "user_1");
  CHECK(t->actor.sub == "user_support");
  auto claims = boost::json::parse(t->actor.other_claims.text());
  CHECK(claims ==
        boost::json::parse(R"({"reason":"ticket 42","level":3,"tags":["a",{"b":null}]})"));
  REQUIRE(t->token.has_value());
  CHECK(t->token->reveal().starts_with("eyJ"));
  REQUIRE(t->url.has_value());
  CHECK(t->created_at.time_since_epoch() == 1719952616214ms);
}

TEST_CASE("an actor token written back parses to the same token") {
  auto t = clerk::parse_response(clerk::revoke_actor_token{"act_2abc"},
                                 json_response(200, actor_token_json), make_config());
  REQUIRE(t.has_value());
  auto again = clerk::parse_response(clerk::revoke_actor_token{"act_2abc"},
                                     json_response(200, clerk::to_json_revealing_secrets(*t)),
                                     make_config());
  REQUIRE(again.has_value());
  CHECK(*again == *t);
}

TEST_CASE("an answer's actor may lack sub, as Clerk's document allows; a wrong type is refused") {
  auto body = std::string(actor_token_json);
  auto without_sub = body;
  without_sub.replace(without_sub.find(R"("sub":"user_support",)"), 21, "");
  auto t = clerk::parse_response(clerk::create_actor_token{}, json_response(200, without_sub),
                                 make_config());
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->actor.sub.empty());
  auto number_sub = body;
  number_sub.replace(number_sub.find(R"("user_support")"), 14, "42");
  auto n = clerk::parse_response(clerk::create_actor_token{}, json_response(200, number_sub),
                                 make_config());
  REQUIRE(n.has_error());
  CHECK(n.error().as_unexpected_response()->problem.find("\"actor.sub\"") != std::string::npos);
  auto wrong = body;
  wrong.replace(wrong.find("\"actor_token\""), 13, "\"sign_in_token\"");
  auto w =
      clerk::parse_response(clerk::create_actor_token{}, json_response(200, wrong), make_config());
  REQUIRE(w.has_error());
  CHECK(w.error().as_unexpected_response()->problem ==
        "field \"object\" is \"sign_in_token\", expected \"actor_token\"");
}

TEST_CASE("a printed actor token hides its token and ticket") {
  auto t = clerk::parse_response(clerk::create_actor_token{}, json_response(200, actor_token_json),
                                 make_config());
  REQUIRE(t.has_value());
  auto s = clerk_test::printed(*t);
  CHECK(
      s.starts_with("actor_token{id=act_2abc, status=pending, user_id=user_1, "
                    "actor=actor_claims{sub=user_support, other={"));
  CHECK(s.find("token=[redacted]") != std::string::npos);
  CHECK(s.find("url=https://accounts.example.com/v1/tickets/accept?[redacted]") !=
        std::string::npos);
  CHECK(s.find("eyJ") == std::string::npos);
}

namespace {

// An actor token answer whose "actor" member is the JSON text given.
clerk::http_response with_actor(const std::string& actor) {
  return json_response(200, R"({"object":"actor_token","id":"act_1","status":"pending",)"
                            R"("user_id":"user_1","actor":)" +
                                actor + R"(,"created_at":1,"updated_at":2})");
}

// The problem an answer was refused for, "parsed" when it was not. (The
// tests expected to fail use it rather than REQUIRE: without exceptions, a
// failed REQUIRE carries on.)
std::string problem(const clerk::result<clerk::actor_token>& t) {
  if (t.has_value())
    return "parsed";
  const auto* u = t.error().as_unexpected_response();
  return u != nullptr ? u->problem : t.error().message();
}

}  // namespace

TEST_CASE("strings in the actor's other claims at the string limit are kept whole") {
  const clerk::response_limits lim{.max_string_bytes = 16};
  const std::string at_limit(16, 'x');
  const std::string claims =
      R"({"note":")" + at_limit + R"(","ctx":{"deep":[")" + at_limit + R"("]}})";
  auto t = clerk::parse_response(clerk::create_actor_token{},
                                 with_actor(R"({"sub":"user_2",)" + claims.substr(1)), lim);
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->actor.other_claims.text() == claims);
}

// The other claims are captured as JSON text, under the same limits as the
// declared fields: a string or member name over max_string_bytes is refused,
// naming the claim, at any depth.
TEST_CASE("a string in the actor's other claims over the string limit is refused") {
  const clerk::response_limits lim{.max_string_bytes = 16};
  const std::string over(17, 'x');
  const clerk::create_actor_token op;
  CHECK(problem(clerk::parse_response(
            op, with_actor(R"({"sub":"user_2","note":")" + over + R"("})"), lim)) ==
        "field \"actor.note\" is longer than the limit of 16 bytes");
  CHECK(problem(clerk::parse_response(
            op, with_actor(R"({"sub":"user_2","ctx":{"deep":[")" + over + R"("]}})"), lim)) ==
        "a string in field \"actor.ctx\" is longer than the limit of 16 bytes");
  CHECK(problem(clerk::parse_response(op, with_actor(R"({"sub":"user_2",")" + over + R"(":1})"),
                                      lim)) ==
        "a member name in field \"actor\" is longer than the limit of 16 bytes");
  CHECK(problem(clerk::parse_response(
            op, with_actor(R"({"sub":"user_2","ctx":{")" + over + R"(":1}})"), lim)) ==
        "a member name in field \"actor.ctx\" is longer than the limit of 16 bytes");
}

// Two values for one key are ambiguous (readers of the captured text disagree
// on which counts, and Clerk copies the claims into the session's act claim):
// refused among the other claims as a repeated declared field is, and inside
// a captured object too. The same key in two sibling objects is no repeat.
TEST_CASE("a key repeated in the actor's other claims is refused, as a repeated field is") {
  const clerk::create_actor_token op;
  const clerk::response_limits lim;
  CHECK(problem(clerk::parse_response(op, with_actor(R"({"sub":"user_2","scope":"a","scope":"b"})"),
                                      lim)) == "duplicate field \"actor.scope\"");
  CHECK(problem(clerk::parse_response(
            op, with_actor(R"({"sub":"user_2","ctx":{"a":1,"b":{"a":2},"a":3}})"), lim)) ==
        "duplicate key \"a\" in field \"actor.ctx\"");
  auto t = clerk::parse_response(
      op, with_actor(R"({"sub":"user_2","l":[{"a":1},{"a":2}],"m":{"a":{"a":1}}})"), lim);
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->actor.other_claims.text() == R"({"l":[{"a":1},{"a":2}],"m":{"a":{"a":1}}})");
}

TEST_CASE("a key spelled with an escape is the same key, and captured JSON is kept exactly") {
  const clerk::create_actor_token op;
  CHECK(problem(clerk::parse_response(
            op,
            json_response(200, R"({"object":"actor_token","id":"act_1","\u0069d":"act_2",)"
                               R"("status":"pending","user_id":"u","actor":{},"created_at":1,)"
                               R"("updated_at":2})"),
            clerk::response_limits{})) == "duplicate field \"id\"");
  CHECK(problem(clerk::parse_response(op, with_actor(R"({"sub":"s","r":1,"\u0072":2})"),
                                      clerk::response_limits{})) == "duplicate field \"actor.r\"");
  CHECK(problem(clerk::parse_response(op, with_actor(R"({"sub":"s","m":{"k":1,"\u006b":2}})"),
                                      clerk::response_limits{})) ==
        "duplicate key \"k\" in field \"actor.m\"");
  auto t = clerk::parse_response(
      op, with_actor(R"({"sub":"s","c":[[],{},[1,2.5e10,-0]],"d":"\u00e9\n\"","e":true,"f":null})"),
      clerk::response_limits{});
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->actor.other_claims.text() ==
        "{\"c\":[[],{},[1,2.5e10,-0]],\"d\":\"\xc3\xa9\\n\\\"\",\"e\":true,\"f\":null}");
  // A lone surrogate is not Unicode: the body is not valid JSON.
  CHECK(problem(
            clerk::parse_response(op, with_actor(R"({"sub":"a\ud800"})"), clerk::response_limits{}))
            .starts_with("body is not valid JSON"));
}

// Repeats are found by sorting an object's keys when it closes, so a hostile
// answer of many distinct claims (within max_body_bytes) is read in n log n,
// and a repeat far apart is still found.
TEST_CASE("an actor with 50,000 distinct claims is kept; one repeated among them is refused") {
  std::string claims;
  for (int i = 0; i < 50000; ++i)
    claims += ",\"c" + std::to_string(i) + "\":" + std::to_string(i);
  const clerk::create_actor_token op;
  auto t = clerk::parse_response(op, with_actor(R"({"sub":"user_2")" + claims + "}"),
                                 clerk::response_limits{});
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->actor.other_claims.text() == "{" + claims.substr(1) + "}");
  CHECK(problem(
            clerk::parse_response(op, with_actor(R"({"sub":"user_2","c49999":0)" + claims + "}"),
                                  clerk::response_limits{})) == "duplicate field \"actor.c49999\"");
}

namespace {

// The fake Clerk behind a network that loses the answer to the first revoke:
// Clerk revoked the token, the caller saw a timeout.
struct loses_first_revoke_answer {
  clerk::fakes::fake_clerk fake;
  std::shared_ptr<int> revokes = std::make_shared<int>(0);
  clerk::transport_result operator()(const clerk::http_request& r) const {
    auto answer = fake(r);
    if (r.url.ends_with("/revoke") && (*revokes)++ == 0)
      return clerk::transport_error{std::make_error_code(std::errc::timed_out), "read timed out",
                                    false};
    return answer;
  }
};

struct no_sleep : clerk::no_wait {
  bool wait(std::chrono::milliseconds) const noexcept { return true; }
};

}  // namespace

TEST_CASE("a retried actor token revoke that meets cannot_be_revoked reports maybe_done_earlier") {
  clerk::fakes::fake_clerk fake;
  fake.add_user("user_1");
  auto cfg = clerk::config::make({.secret_key = fake.secret_key()});
  REQUIRE(cfg.has_value());
  auto policy = clerk::retry_policy::make({});
  REQUIRE(policy.has_value());
  const clerk::client c(*cfg, loses_first_revoke_answer{fake}, *policy, no_sleep{});
  auto t = c.send(clerk::create_actor_token{.user_id = "user_1", .actor = {.sub = "user_2"}});
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));

  auto r = c.send(clerk::revoke_actor_token{t->id});
  REQUIRE(r.has_error());
  CHECK(r.error().http_status() == 400);
  CHECK(r.error().as_api()->errors.at(0).code == "actor_token_cannot_be_revoked");
  CHECK(r.error().stop() == clerk::retry_stop::maybe_done_earlier);
  CHECK(r.error().attempts() == 2);
}
