#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/json_value.hpp>

#include <clerk/backend.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using clerk::fakes::fake_clerk;
using clerk::fakes::ticket_problem;

namespace {

clerk::config config_for(const fake_clerk& fake, std::string key = {}) {
  auto c = clerk::config::make(
      {.secret_key = key.empty() ? fake.secret_key() : key, .base_url = "https://fake.test/v1"});
  REQUIRE(c.has_value());
  return *c;
}

// A fake that knows user_1 and user_2, and org_1 with user_1 as its member.
fake_clerk populated(std::uint64_t seed = 0) {
  fake_clerk fake({.seed = seed});
  fake.add_user("user_1");
  fake.add_user("user_2");
  fake.add_organization("org_1", {"user_1"});
  return fake;
}

// A create request with a hand-written body, for what the library refuses
// to build.
clerk::http_request raw_create(const fake_clerk& fake, std::string body) {
  auto r = clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"}, config_for(fake));
  REQUIRE(r.has_value());
  r->body = std::move(body);
  return *r;
}

// The api_error of a fake's answer, parsed as the library parses any answer.
clerk::api_error api_error_of(const clerk::transport_result& answer) {
  REQUIRE(answer.has_value());
  auto parsed =
      clerk::parse_response(clerk::create_sign_in_token{}, *answer, clerk::response_limits{});
  REQUIRE(parsed.has_error());
  REQUIRE(parsed.error().as_api() != nullptr);
  return *parsed.error().as_api();
}

std::string param_name(const clerk::clerk_error& e) {
  auto meta = clerk::to_value(e.meta);
  const auto* p = meta.is_object() ? meta.get_object().if_contains("param_name") : nullptr;
  return p && p->is_string() ? std::string(p->get_string()) : std::string();
}

bool is_base64url_segment(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

}  // namespace

TEST_CASE("create answers a pending token with a sit_ id, a JWT-shaped token and a ticket URL") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  // "object" is checked by the parser: a token whose "object" is not "sign_in_token" fails.
  CHECK(t->id.starts_with("sit_"));
  CHECK(t->id.size() > 4);
  CHECK(t->status == clerk::sign_in_token_status::pending);
  CHECK(t->user_id == "user_1");
  REQUIRE(t->token.has_value());
  std::string_view jwt = t->token->reveal();
  CHECK(jwt.starts_with("eyJ"));
  auto dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  REQUIRE(dot1 != dot2);
  CHECK(is_base64url_segment(jwt.substr(0, dot1)));
  CHECK(is_base64url_segment(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  CHECK(is_base64url_segment(jwt.substr(dot2 + 1)));
  REQUIRE(t->url.has_value());
  CHECK(t->url->reveal().ends_with("?ticket=" + std::string(jwt)));
  CHECK(t->created_at == fake.now());
  CHECK(t->updated_at == fake.now());
}

TEST_CASE("timestamps come from the clock the test controls") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  fake.set_time(clerk::timestamp(1'800'000'000'123ms));
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  CHECK(t->created_at.time_since_epoch() == 1'800'000'000'123ms);
  fake.advance(90s);
  auto r = client.send(clerk::revoke_sign_in_token{t->id});
  REQUIRE(r.has_value());
  CHECK(r->created_at.time_since_epoch() == 1'800'000'000'123ms);
  CHECK(r->updated_at.time_since_epoch() == 1'800'000'090'123ms);
}

TEST_CASE("a clock function given in the options is read before each request") {
  clerk::timestamp now{1'700'000'000'000ms};
  fake_clerk fake({.clock = [&now] { return now; }});
  fake.add_user("user_1");
  const clerk::client client(config_for(fake), fake);
  now += 5ms;
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  CHECK(t->created_at.time_since_epoch() == 1'700'000'000'005ms);
}

TEST_CASE("a wrong or missing secret key is a 401 with a ClerkErrors body") {
  auto fake = populated();
  SUBCASE("wrong key") {
    const clerk::client client(config_for(fake, "sk_test_not0the0right0key"), fake);
    auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
    REQUIRE(t.has_error());
    REQUIRE(t.error().as_api() != nullptr);
    CHECK(t.error().http_status() == 401);
    CHECK(t.error().as_api()->errors.at(0).code == "authentication_invalid");
    CHECK_FALSE(t.error().clerk_trace_id().empty());
  }
  SUBCASE("no Authorization header") {
    auto r = raw_create(fake, R"({"user_id":"user_1"})");
    clerk::http_request stripped = r;
    stripped.headers = {};
    for (const auto& h : r.headers)
      if (!clerk::detail::iequals(h.name, "authorization"))
        stripped.headers.add(h.name, h.value);
    auto e = api_error_of(fake(stripped));
    CHECK(e.status == 401);
    CHECK(e.errors.at(0).code == "authentication_invalid");
  }
  SUBCASE("the key is checked before the body") {
    auto r = raw_create(fake, "{}");
    r.headers = {{"Authorization", "Bearer sk_test_wrong"}, {"Content-Type", "application/json"}};
    CHECK(api_error_of(fake(r)).status == 401);
  }
}

TEST_CASE("create without user_id is a 422 form_param_missing naming user_id") {
  auto fake = populated();
  for (std::string body : {"{}", R"({"user_id":null})", R"({"user_id":""})"}) {
    CAPTURE(body);
    auto e = api_error_of(fake(raw_create(fake, body)));
    CHECK(e.status == 422);
    REQUIRE(e.errors.size() == 1);
    CHECK(e.errors[0].code == "form_param_missing");
    CHECK(param_name(e.errors[0]) == "user_id");
  }
}

TEST_CASE("a bad expires_in_seconds is a 422 form_param_value_invalid") {
  auto fake = populated();
  for (std::string value : {"0", "-5", "1.5", "\"60\"", "true", "99999999999999999"}) {
    CAPTURE(value);
    auto e = api_error_of(
        fake(raw_create(fake, R"({"user_id":"user_1","expires_in_seconds":)" + value + "}")));
    CHECK(e.status == 422);
    REQUIRE(e.errors.size() == 1);
    CHECK(e.errors[0].code == "form_param_value_invalid");
    CHECK(param_name(e.errors[0]) == "expires_in_seconds");
  }
  CHECK(fake(raw_create(fake, R"({"user_id":"user_1","expires_in_seconds":null})"))->status == 200);
  CHECK(fake(raw_create(fake, R"({"user_id":"user_1","expires_in_seconds":1})"))->status == 200);
}

TEST_CASE("a body Clerk would not accept is refused with the reason") {
  auto fake = populated();
  SUBCASE("an unknown parameter") {
    auto e = api_error_of(fake(raw_create(fake, R"({"user_id":"user_1","userid":"x"})")));
    CHECK(e.status == 422);
    CHECK(e.errors.at(0).code == "form_param_unknown");
    CHECK(param_name(e.errors.at(0)) == "userid");
  }
  SUBCASE("a mistyped user_id") {
    auto e = api_error_of(fake(raw_create(fake, R"({"user_id":42})")));
    CHECK(e.errors.at(0).code == "form_param_value_invalid");
    CHECK(param_name(e.errors.at(0)) == "user_id");
  }
  SUBCASE("not JSON") {
    auto e = api_error_of(fake(raw_create(fake, "user_id=user_1")));
    CHECK(e.status == 400);
    CHECK(e.errors.at(0).code == "request_body_invalid");
  }
}

TEST_CASE("an unknown user or organization is a 404 resource_not_found") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto no_user = client.send(clerk::create_sign_in_token{.user_id = "user_nobody"});
  REQUIRE(no_user.has_error());
  CHECK(no_user.error().http_status() == 404);
  CHECK(no_user.error().as_api()->errors.at(0).code == "resource_not_found");

  auto no_org = client.send(clerk::create_sign_in_token{.user_id = "user_1", .org_id = "org_none"});
  REQUIRE(no_org.has_error());
  CHECK(no_org.error().http_status() == 404);
  CHECK(no_org.error().as_api()->errors.at(0).code == "resource_not_found");
}

TEST_CASE("an organization is activated only for its members") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  CHECK(client.send(clerk::create_sign_in_token{.user_id = "user_1", .org_id = "org_1"}));
  auto outsider = client.send(clerk::create_sign_in_token{.user_id = "user_2", .org_id = "org_1"});
  REQUIRE(outsider.has_error());
  CHECK(outsider.error().http_status() == 403);
  CHECK(outsider.error().as_api()->errors.at(0).code == "not_a_member_in_organization");

  CHECK(fake.add_membership("org_1", "user_2"));
  CHECK(client.send(clerk::create_sign_in_token{.user_id = "user_2", .org_id = "org_1"}));
  CHECK_FALSE(fake.add_membership("org_none", "user_2"));
  CHECK_FALSE(fake.add_membership("org_1", "user_nobody"));
}

TEST_CASE("revoke turns a pending token into a revoked one without token and url") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  auto r = client.send(clerk::revoke_sign_in_token{t->id});
  REQUIRE(r.has_value());
  CHECK(r->id == t->id);
  CHECK(r->status == clerk::sign_in_token_status::revoked);
  CHECK_FALSE(r->token.has_value());
  CHECK_FALSE(r->url.has_value());
  CHECK(fake.find_token(t->id)->status == clerk::sign_in_token_status::revoked);
}

TEST_CASE("revoke of an unknown id is a 404, of a token that is not pending a 400") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto unknown = client.send(clerk::revoke_sign_in_token{"sit_unknown"});
  REQUIRE(unknown.has_error());
  CHECK(unknown.error().http_status() == 404);
  CHECK(unknown.error().as_api()->errors.at(0).code == "resource_not_found");

  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  REQUIRE(client.send(clerk::revoke_sign_in_token{t->id}).has_value());
  auto twice = client.send(clerk::revoke_sign_in_token{t->id});
  REQUIRE(twice.has_error());
  CHECK(twice.error().http_status() == 400);
  CHECK(twice.error().as_api()->errors.at(0).code == "sign_in_token_cannot_be_revoked_code");

  auto used = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(used.has_value());
  REQUIRE(fake.consume_ticket(used->token->reveal()));
  auto after_use = client.send(clerk::revoke_sign_in_token{used->id});
  REQUIRE(after_use.has_error());
  CHECK(after_use.error().http_status() == 400);
  CHECK(after_use.error().as_api()->errors.at(0).code == "sign_in_token_cannot_be_revoked_code");
}

TEST_CASE("the revoke path's id is percent-decoded") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  // Every byte encoded, even those that need not be.
  std::string encoded;
  for (unsigned char c : t->id) {
    encoded += '%';
    encoded += clerk::detail::hex_digits[c >> 4];
    encoded += clerk::detail::hex_digits[c & 15];
  }
  auto r = clerk::build_request(clerk::revoke_sign_in_token{t->id}, client.config());
  REQUIRE(r.has_value());
  r->url = "https://fake.test/v1/sign_in_tokens/" + encoded + "/revoke";
  auto answer = fake(*r);
  REQUIRE(answer.has_value());
  CHECK(answer->status == 200);
  CHECK(fake.find_token(t->id)->status == clerk::sign_in_token_status::revoked);

  // An id holding "/" stays one segment: the library encodes it, the fake
  // decodes it, and no other route is reached.
  auto slash = client.send(clerk::revoke_sign_in_token{t->id + "/revoke"});
  REQUIRE(slash.has_error());
  CHECK(slash.error().http_status() == 404);
}

TEST_CASE("a ticket is accepted once while its token is pending and unexpired") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  fake.advance(1s);
  auto first = fake.consume_ticket(t->token->reveal());
  REQUIRE(first);
  CHECK(first.token->id == t->id);
  CHECK(first.token->status == clerk::sign_in_token_status::accepted);
  CHECK(first.token->updated_at == t->created_at + 1s);
  CHECK(fake.find_token(t->id)->status == clerk::sign_in_token_status::accepted);

  auto second = fake.consume_ticket(t->token->reveal());
  CHECK_FALSE(second);
  CHECK(second.problem == ticket_problem::already_used);
  CHECK(second.reason.find("already used") != std::string::npos);
}

TEST_CASE("a revoked, expired or unknown ticket is refused with the reason") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);

  auto revoked = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(revoked.has_value());
  REQUIRE(client.send(clerk::revoke_sign_in_token{revoked->id}).has_value());
  auto r = fake.consume_ticket(revoked->token->reveal());
  CHECK_FALSE(r);
  CHECK(r.problem == ticket_problem::revoked);
  CHECK(r.reason.find("revoked") != std::string::npos);

  auto short_lived =
      client.send(clerk::create_sign_in_token{.user_id = "user_1", .expires_in_seconds = 60s});
  REQUIRE(short_lived.has_value());
  fake.advance(60s);  // expiry is exclusive: at created_at + 60 s it is over
  auto e = fake.consume_ticket(short_lived->token->reveal());
  CHECK_FALSE(e);
  CHECK(e.problem == ticket_problem::expired);
  CHECK(e.reason.find("expired") != std::string::npos);
  CHECK(fake.find_token(short_lived->id)->status == clerk::sign_in_token_status::pending);

  auto u = fake.consume_ticket("eyJhbGciOiJub25lIn0.e30.");
  CHECK_FALSE(u);
  CHECK(u.problem == ticket_problem::unknown);
}

TEST_CASE("a token lives 30 days unless told otherwise") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto a = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  auto b = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  fake.advance(std::chrono::days(30) - 1ms);
  CHECK(fake.consume_ticket(a->token->reveal()));
  fake.advance(1ms);
  CHECK(fake.consume_ticket(b->token->reveal()).problem == ticket_problem::expired);
}

TEST_CASE("every answer carries a trace id, and an error body the same one") {
  auto fake = populated();
  auto ok = fake(raw_create(fake, R"({"user_id":"user_1"})"));
  REQUIRE(ok.has_value());
  CHECK(ok->status == 200);
  CHECK(ok->headers.find("clerk-trace-id").value_or("").size() == 32);

  auto bad = fake(raw_create(fake, R"({"user_id":"user_nobody"})"));
  REQUIRE(bad.has_value());
  auto header = std::string(bad->headers.find("clerk-trace-id").value_or(""));
  CHECK_FALSE(header.empty());
  CHECK(api_error_of(bad).clerk_trace_id == header);
  CHECK(header != ok->headers.find("clerk-trace-id").value_or(""));
}

TEST_CASE("ids, tokens and trace ids are the same for the same seed and differ across seeds") {
  auto run = [](std::uint64_t seed) {
    auto fake = populated(seed);
    const clerk::client client(config_for(fake), fake);
    auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
    REQUIRE(t.has_value());
    auto answer = fake(raw_create(fake, R"({"user_id":"user_1"})"));
    return std::string(t->id) + ' ' + std::string(t->token->reveal()) + ' ' +
           std::string(answer->headers.find("clerk-trace-id").value_or(""));
  };
  CHECK(run(7) == run(7));
  CHECK(run(7) != run(8));
}

TEST_CASE("only the two endpoints exist, and only for POST") {
  auto fake = populated();
  auto r = raw_create(fake, R"({"user_id":"user_1"})");
  for (std::string url : {"https://fake.test/v1/users", "https://fake.test/sign_in_tokens",
                          "https://fake.test/v1/sign_in_tokens/sit_1",
                          "https://fake.test/v1/sign_in_tokens//revoke"}) {
    CAPTURE(url);
    r.url = url;
    CHECK(fake(r)->status == 404);
  }
  r.url = "https://fake.test/v1/sign_in_tokens";
  r.method = clerk::http_method::get;
  CHECK(fake(r)->status == 404);
  r.method = clerk::http_method::post;
  r.url = "/v1/sign_in_tokens?ignored=1";  // a bare target, as a server passes it on
  CHECK(fake(r)->status == 200);
}

TEST_CASE("copies share one instance, and one fake serves many threads") {
  auto fake = populated();
  const fake_clerk copy = fake;
  copy.add_user("user_3");
  const clerk::client client(config_for(fake), fake);
  CHECK(client.send(clerk::create_sign_in_token{.user_id = "user_3"}));

  constexpr int threads = 4, each = 25;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&, i] {
      for (int k = 0; k < each; ++k)
        if (auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"}))
          ids[i].push_back(t->id);
    });
  for (auto& t : pool)
    t.join();
  std::set<std::string> distinct;
  for (const auto& v : ids)
    distinct.insert(v.begin(), v.end());
  CHECK(distinct.size() == threads * each);
  CHECK(fake.request_count() == threads * each + 1);
}

TEST_CASE("near the end of the timestamp range, lifetimes are cut so that nothing overflows") {
  auto fake = populated();
  fake.set_time(clerk::max_timestamp - 10s);
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  auto e = api_error_of(fake(raw_create(fake, R"({"user_id":"user_1","expires_in_seconds":11})")));
  CHECK(e.errors.at(0).code == "form_param_value_invalid");
  fake.advance(10s);
  CHECK(fake.consume_ticket(t->token->reveal()).problem == ticket_problem::expired);
}

TEST_CASE("actor tokens: the fake creates one with every actor claim and revokes it once") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_actor_token{
      .user_id = "user_1",
      .actor = {.sub = "user_2", .other_claims = clerk::raw_json(R"({"reason":"support"})")},
      .expires_in_seconds = 600s});
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->id.starts_with("act_"));
  CHECK(t->status == clerk::actor_token_status::pending);
  CHECK(t->user_id == "user_1");
  CHECK(t->actor.sub == "user_2");
  CHECK(boost::json::parse(t->actor.other_claims.text()) ==
        boost::json::parse(R"({"reason":"support"})"));
  REQUIRE(t->token.has_value());
  REQUIRE(t->url.has_value());
  CHECK(t->url->reveal().ends_with(t->token->reveal()));

  auto revoked = client.send(clerk::revoke_actor_token{t->id});
  REQUIRE_MESSAGE(revoked.has_value(), (revoked ? "" : revoked.error().message()));
  CHECK(revoked->status == clerk::actor_token_status::revoked);
  CHECK_FALSE(revoked->token.has_value());
  CHECK_FALSE(revoked->url.has_value());

  auto again = client.send(clerk::revoke_actor_token{t->id});
  REQUIRE(again.has_error());
  CHECK(again.error().http_status() == 400);
  CHECK(again.error().as_api()->errors.at(0).code == "actor_token_cannot_be_revoked");

  auto unknown = client.send(clerk::revoke_actor_token{"act_nobody"});
  REQUIRE(unknown.has_error());
  CHECK(unknown.error().http_status() == 404);
  CHECK(unknown.error().as_api()->errors.at(0).code == "resource_not_found");
}

TEST_CASE("actor tokens: the fake answers 422 for missing fields, naming them") {
  auto fake = populated();
  auto r = clerk::build_request(
      clerk::create_actor_token{.user_id = "user_1", .actor = {.sub = "user_2"}}, config_for(fake));
  REQUIRE(r.has_value());
  // Not a structured binding: CAPTURE is a lambda, and clang 14 cannot
  // capture one.
  for (const auto& row : {std::pair{R"({"actor":{"sub":"user_2"}})", "user_id"},
                          std::pair{R"({"user_id":"user_1"})", "actor"},
                          std::pair{R"({"user_id":"user_1","actor":{"reason":"x"}})", "actor.sub"},
                          std::pair{R"({"user_id":"user_1","actor":{"sub":""}})", "actor.sub"}}) {
    const char* body = row.first;
    const char* param = row.second;
    CAPTURE(body);
    r->body = body;
    auto a = api_error_of(fake(*r));
    CHECK(a.status == 422);
    CHECK(a.errors.at(0).code == "form_param_missing");
    CHECK(param_name(a.errors.at(0)) == param);
  }
  r->body = R"({"user_id":"user_1","actor":{"sub":"user_2"},"extra":1})";
  CHECK(api_error_of(fake(*r)).errors.at(0).code == "form_param_unknown");
}

TEST_CASE("the library refuses an empty actor.sub before the fake sees anything") {
  auto fake = populated();
  const clerk::client client(config_for(fake), fake);
  auto t = client.send(clerk::create_actor_token{.user_id = "user_1"});
  REQUIRE(t.has_error());
  CHECK(t.error().as_invalid_request()->field == "actor.sub");
  CHECK(fake.request_count() == 0);
}

namespace {

// A transport that passes each request to the fake and keeps the trace id of
// its last answer, to check what the library keeps of it.
struct recording {
  fake_clerk fake;
  std::string* last_trace;
  clerk::transport_result operator()(const clerk::http_request& r) const {
    auto answer = fake(r);
    REQUIRE(answer.has_value());
    *last_trace = std::string(answer->headers.find("clerk-trace-id").value_or(""));
    return answer;
  }
};

}  // namespace

TEST_CASE("actor tokens: a second revoke is a typed 400 keeping status, code and trace id") {
  auto fake = populated();
  std::string trace;
  const clerk::client client(config_for(fake), recording{fake, &trace});
  auto t = client.send(clerk::create_actor_token{.user_id = "user_1", .actor = {.sub = "user_2"}});
  REQUIRE(t.has_value());
  REQUIRE(client.send(clerk::revoke_actor_token{t->id}).has_value());
  const std::string first_trace = trace;

  auto again = client.send(clerk::revoke_actor_token{t->id});
  REQUIRE(again.has_error());
  CHECK(again.error().kind() == clerk::error_kind::api);
  const clerk::api_error* a = again.error().as_api();
  REQUIRE(a != nullptr);
  CHECK(a->status == 400);
  CHECK(again.error().http_status() == 400);
  REQUIRE(a->errors.size() == 1);
  CHECK(a->errors[0].code == "actor_token_cannot_be_revoked");
  CHECK(a->errors[0].long_message.find("this one is revoked") != std::string::npos);
  CHECK(trace.size() == 32);
  CHECK(trace != first_trace);
  CHECK(a->clerk_trace_id == trace);
  CHECK(again.error().clerk_trace_id() == trace);
  CHECK(again.error().message().find("actor_token_cannot_be_revoked") != std::string::npos);
  // The token stays revoked: a third revoke is refused the same way.
  auto third = client.send(clerk::revoke_actor_token{t->id});
  REQUIRE(third.has_error());
  CHECK(third.error().http_status() == 400);
}

TEST_CASE("actor tokens: revoking an unknown id is a 404 resource_not_found with its trace id") {
  auto fake = populated();
  std::string trace;
  const clerk::client client(config_for(fake), recording{fake, &trace});
  auto unknown = client.send(clerk::revoke_actor_token{"act_unknown"});
  REQUIRE(unknown.has_error());
  const clerk::api_error* a = unknown.error().as_api();
  REQUIRE(a != nullptr);
  CHECK(a->status == 404);
  CHECK(a->errors.at(0).code == "resource_not_found");
  CHECK_FALSE(trace.empty());
  CHECK(a->clerk_trace_id == trace);
  // A sign-in token's id is not an actor token's, nor the other way round.
  auto sit = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(sit.has_value());
  CHECK(client.send(clerk::revoke_actor_token{sit->id}).error().http_status() == 404);
  auto act = client.send(clerk::create_actor_token{.user_id = "user_1", .actor = {.sub = "s"}});
  REQUIRE(act.has_value());
  CHECK(client.send(clerk::revoke_sign_in_token{act->id}).error().http_status() == 404);
  CHECK(client.send(clerk::revoke_actor_token{act->id}).has_value());
}

TEST_CASE("actor tokens: an unknown user_id is a 422 naming user_id; a known one gets a token") {
  auto fake = populated();
  std::string trace;
  const clerk::client client(config_for(fake), recording{fake, &trace});
  auto t =
      client.send(clerk::create_actor_token{.user_id = "user_nobody", .actor = {.sub = "user_2"}});
  REQUIRE(t.has_error());
  const clerk::api_error* a = t.error().as_api();
  REQUIRE(a != nullptr);
  CHECK(a->status == 422);
  REQUIRE(a->errors.size() == 1);
  CHECK(a->errors[0].code == "form_param_value_invalid");
  CHECK(param_name(a->errors[0]) == "user_id");
  CHECK(a->clerk_trace_id == trace);
  // The same user, once known, gets a token.
  fake.add_user("user_nobody");
  auto later =
      client.send(clerk::create_actor_token{.user_id = "user_nobody", .actor = {.sub = "user_2"}});
  REQUIRE(later.has_value());
  CHECK(later->user_id == "user_nobody");
}
