// Webhook verification with real crypto (clerk::openssl_hmac): RFC 4231's
// HMAC-SHA256 answers, Svix's published vector and test cases, tampering,
// rotation, the tolerance's edges, data_as, and the fake Clerk's signed
// deliveries (its own user.created and session.created included). The
// refusals made before any MAC are in tests/unit/test_webhooks.cpp.
#include <clerk/crypto/openssl.hpp>
#include <clerk/webhooks.hpp>

#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/frontend/sign_in.hpp>

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Svix's published vector (svix-webhooks' test suites, and its docs' manual
// verification page).
constexpr std::string_view svix_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view svix_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::string_view svix_timestamp = "1614265330";
constexpr std::string_view svix_body = R"({"test": 2432232314})";
constexpr std::string_view svix_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const auto signed_at = std::chrono::system_clock::time_point(1614265330s);

clerk::webhook_secret secret_of(std::string_view text) {
  auto s = clerk::webhook_secret::make(text);
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message()));
  return *s;
}

clerk::header_list headers(std::string_view prefix, std::string_view id, std::string_view timestamp,
                           std::string_view signature) {
  return {{std::string(prefix) + "id", std::string(id)},
          {std::string(prefix) + "timestamp", std::string(timestamp)},
          {std::string(prefix) + "signature", std::string(signature)}};
}

std::string hex(std::span<const unsigned char> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::span<const unsigned char> bytes(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

// "ok", or the refusal's message.
std::string verdict(const clerk::result<clerk::webhook_event>& e) {
  return e ? std::string("ok") : e.error().message();
}

// A Clerk-shaped event, signed now with `secret`.
struct delivery {
  clerk::header_list headers;
  std::string body;
};
delivery sign(const clerk::webhook_secret& secret, std::string_view id, std::string body,
              std::chrono::sys_seconds at = std::chrono::sys_seconds(1614265330s)) {
  auto signature = clerk::sign_webhook(id, at, body, secret, clerk::openssl_hmac{});
  REQUIRE(signature.has_value());
  return {headers("svix-", id, std::to_string(at.time_since_epoch().count()), *signature),
          std::move(body)};
}

const std::string user_created =
    R"({"data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC","object":"user","first_name":"Example",)"
    R"("created_at":1654012591514},"event_attributes":{"http_request":{"client_ip":"0.0.0.0",)"
    R"("user_agent":"Mozilla/5.0"}},"instance_id":"ins_123","object":"event",)"
    R"("timestamp":1654012591835,"type":"user.created"})";

// A model of the caller's, as README declares one: the fields it needs.
struct my_user {
  std::string id;
  std::optional<std::string> first_name;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user", constant("object", "user"), field("id", &my_user::id, non_empty),
                 field("first_name", &my_user::first_name),
                 field("created_at", &my_user::created_at));
  }
};

}  // namespace

TEST_CASE("openssl_hmac gives RFC 4231's HMAC-SHA256 answers, whatever the parts") {
  const clerk::openssl_hmac hmac;
  std::array<unsigned char, 32> out{};
  // Test case 2: key "Jefe".
  const std::string_view whole[] = {"what do ya want for nothing?"};
  REQUIRE(hmac.mac(bytes("Jefe"), whole, out));
  CHECK(hex(out) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string_view split[] = {"what do ", "", "ya want for nothing", "?"};
  out = {};
  REQUIRE(hmac.mac(bytes("Jefe"), split, out));
  CHECK(hex(out) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a 131-byte key (longer than SHA-256's block, so hashed first).
  const std::string key(131, '\xaa');
  const std::string_view message[] = {"Test Using Larger Than Block-Size Key - Hash Key First"};
  REQUIRE(hmac.mac(bytes(key), message, out));
  CHECK(hex(out) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("Svix's published vector: signed as Svix signs it, and verified") {
  const auto with_prefix = secret_of(svix_secret);
  const auto without = secret_of(svix_secret.substr(6));
  for (const auto* s : {&with_prefix, &without}) {
    auto signature = clerk::sign_webhook(svix_id, std::chrono::sys_seconds(1614265330s), svix_body,
                                         *s, clerk::openssl_hmac{});
    REQUIRE(signature.has_value());
    CHECK(*signature == svix_signature);
    // The body is not a Clerk event: the signature passes, the payload is refused.
    for (std::string_view prefix : {"svix-", "webhook-"}) {
      CAPTURE(prefix);
      auto e = clerk::verify_webhook(headers(prefix, svix_id, svix_timestamp, svix_signature),
                                     svix_body, *s, signed_at, clerk::openssl_hmac{});
      CHECK(verdict(e) ==
            R"(invalid webhook: payload-invalid: not a Clerk event: missing field "type")");
    }
  }
}

TEST_CASE("Svix's test cases: wrong, partial, other versions, old and new timestamps") {
  const auto s = secret_of(svix_secret);
  const std::string body = user_created;
  const auto now = signed_at;
  const auto good = sign(s, svix_id, body);
  const std::string valid = std::string(good.headers.find("svix-signature").value());
  auto with_signature = [&](std::string signature, std::string_view timestamp = svix_timestamp) {
    return verdict(clerk::verify_webhook(headers("svix-", svix_id, timestamp, signature), body, s,
                                         now, clerk::openssl_hmac{}));
  };
  CHECK(with_signature(valid) == "ok");
  CHECK(verdict(clerk::verify_webhook(headers("webhook-", svix_id, svix_timestamp, valid), body, s,
                                      now, clerk::openssl_hmac{})) == "ok");  // unbranded
  CHECK(with_signature("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=")
            .starts_with("invalid webhook: no-matching-signature: "));
  CHECK(with_signature("v1,").starts_with("invalid webhook: no-matching-signature: "));
  CHECK(with_signature("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
                       "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " +
                       valid + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=") == "ok");
  // 5 minutes either way is within; a second more is not (Svix's default tolerance).
  struct edge {
    int offset;
    const char* expected;
  };
  for (const edge e : {edge{-300, "ok"}, edge{300, "ok"}, edge{-301, "timestamp-too-old"},
                       edge{301, "timestamp-too-new"}}) {
    CAPTURE(e.offset);
    const auto at = std::chrono::sys_seconds(1614265330s + std::chrono::seconds(e.offset));
    const auto d = sign(s, svix_id, body, at);
    const std::string r =
        verdict(clerk::verify_webhook(d.headers, d.body, s, now, clerk::openssl_hmac{}));
    CHECK(r.find(e.expected) != std::string::npos);
  }
  // An empty secret, or a bare prefix, is no secret.
  CHECK(clerk::webhook_secret::make("").has_error());
  CHECK(clerk::webhook_secret::make("whsec_").has_error());
}

TEST_CASE("any change to the id, the timestamp or the body breaks the signature") {
  const auto s = secret_of(svix_secret);
  const auto d = sign(s, "msg_1", user_created);
  const std::string signature(d.headers.find("svix-signature").value());
  auto check = [&](std::string_view id, std::string_view timestamp, std::string_view body) {
    return verdict(clerk::verify_webhook(headers("svix-", id, timestamp, signature), body, s,
                                         signed_at, clerk::openssl_hmac{}));
  };
  CHECK(check("msg_1", "1614265330", user_created) == "ok");
  CHECK(check("msg_2", "1614265330", user_created).find("no-matching-signature") !=
        std::string::npos);
  CHECK(check("msg_1", "1614265331", user_created).find("no-matching-signature") !=
        std::string::npos);
  for (std::size_t i = 0; i < user_created.size(); i += 7) {
    std::string tampered = user_created;
    tampered[i] = static_cast<char>(tampered[i] ^ 1);
    CAPTURE(i);
    CHECK(check("msg_1", "1614265330", tampered).find("no-matching-signature") !=
          std::string::npos);
  }
  CHECK(check("msg_1", "1614265330", user_created + " ").find("no-matching-signature") !=
        std::string::npos);
  // Moving a dot between the parts changes the message too.
  CHECK(check("msg_1.1614265330", "1614265330", user_created).find("no-matching-signature") !=
        std::string::npos);
}

TEST_CASE("during a rotation either secret's signature passes, and only those") {
  const auto old_secret = secret_of(svix_secret);
  const auto new_secret = secret_of("whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA==");
  const auto third = secret_of("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  const auto a = sign(old_secret, "msg_1", user_created);
  const auto b = sign(new_secret, "msg_1", user_created);
  const std::string both = std::string(a.headers.find("svix-signature").value()) + " " +
                           std::string(b.headers.find("svix-signature").value());
  for (const auto* s : {&old_secret, &new_secret}) {
    CHECK(verdict(clerk::verify_webhook(headers("svix-", "msg_1", "1614265330", both), user_created,
                                        *s, signed_at, clerk::openssl_hmac{})) == "ok");
  }
  CHECK(verdict(clerk::verify_webhook(headers("svix-", "msg_1", "1614265330", both), user_created,
                                      third, signed_at, clerk::openssl_hmac{})) ==
        "invalid webhook: no-matching-signature: none of the 2 v1 signatures in svix-signature is "
        "this message's");
}

TEST_CASE("no refusal shows the secret, its key or a signature") {
  const auto s = secret_of(svix_secret);
  const auto d = sign(s, "msg_1", user_created);
  const std::string signature(d.headers.find("svix-signature").value());
  const std::string forged = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
  std::vector<clerk::result<clerk::webhook_event>> refusals;
  auto verify = [&](clerk::header_list h, std::string_view body,
                    std::chrono::system_clock::time_point now = signed_at) {
    refusals.push_back(clerk::verify_webhook(h, body, s, now, clerk::openssl_hmac{}));
  };
  verify(headers("svix-", "msg_1", "1614265330", forged), user_created);
  verify(headers("svix-", "msg_1", "1614265330", signature), user_created + "x");
  verify(headers("svix-", "msg_1", "1614265330", signature), user_created, signed_at + 1h);
  verify(headers("svix-", "msg_1", "soon", signature), user_created);
  verify({{"svix-signature", signature}}, user_created);
  verify(headers("svix-", "msg_1", "1614265330", signature + "x " + forged), user_created);
  for (const auto& r : refusals) {
    REQUIRE(r.has_error());
    const std::string m = r.error().message();
    CAPTURE(m);
    CHECK(r.error().as_invalid_webhook() != nullptr);
    for (std::string_view hidden : {svix_secret.substr(6), std::string_view(signature).substr(3),
                                    std::string_view(forged).substr(3)})
      CHECK(m.find(hidden.substr(0, 12)) == std::string::npos);
  }
}

TEST_CASE("a verified event reads into the caller's model and a Backend API model") {
  const auto s = secret_of(svix_secret);
  const auto d = sign(s, "msg_1", user_created);
  auto e = clerk::verify_webhook(d.headers, d.body, s, signed_at, clerk::openssl_hmac{});
  REQUIRE_MESSAGE(e.has_value(), verdict(e));
  CHECK(e->id == "msg_1");
  CHECK(e->type == "user.created");
  CHECK(e->object == "event");
  CHECK(e->instance_id == "ins_123");
  CHECK(e->timestamp == clerk::timestamp(1654012591835ms));
  CHECK(e->event_attributes.http_request.client_ip == "0.0.0.0");
  CHECK(e->event_attributes.http_request.user_agent == "Mozilla/5.0");
  auto user = e->data_as<my_user>();
  REQUIRE_MESSAGE(user.has_value(), (user ? "" : user.error().message()));
  CHECK(user->id == "user_29w83sxmDNGwOuEthce5gg56FcC");
  CHECK(user->first_name == "Example");
  CHECK(user->created_at == clerk::timestamp(1654012591514ms));
  // Not the model asked for: payload_invalid naming the member, under data.
  auto token = e->data_as<clerk::sign_in_token>();
  REQUIRE(token.has_error());
  CHECK(
      token.error().message() ==
      R"(invalid webhook: payload-invalid: data: field "object" is "user", expected "sign_in_token")");
  // A Backend API model, from an event whose data is one.
  const auto t =
      sign(s, "msg_2",
           R"({"type":"signInToken.created","object":"event","data":{"object":"sign_in_token",)"
           R"("id":"sit_1","status":"pending","user_id":"user_1","token":"eyJhbGciOi.x.y",)"
           R"("url":null,"created_at":1,"updated_at":2}})");
  auto sit = clerk::verify_webhook(t.headers, t.body, s, signed_at, clerk::openssl_hmac{});
  REQUIRE_MESSAGE(sit.has_value(), verdict(sit));
  auto parsed = sit->data_as<clerk::sign_in_token>();
  REQUIRE_MESSAGE(parsed.has_value(), (parsed ? "" : parsed.error().message()));
  CHECK(parsed->id == "sit_1");
  CHECK(parsed->status == clerk::sign_in_token_status::pending);
  // The caller's limits bound the data's reading.
  clerk::response_limits tiny;
  tiny.max_string_bytes = 4;
  auto cut = e->data_as<my_user>(tiny);
  REQUIRE(cut.has_error());
  CHECK(cut.error().message().find("longer than the limit") != std::string::npos);
}

TEST_CASE("the fake Clerk signs a delivery of any event, which verifies") {
  clerk::fakes::fake_clerk fake({.seed = 7});
  const auto s = secret_of(svix_secret);
  auto d = fake.webhook("organization.created", R"({"object":"organization","id":"org_1"})", s,
                        clerk::openssl_hmac{});
  REQUIRE(d.has_value());
  CHECK(d->headers.find("Content-Type") == "application/json");
  auto e = clerk::verify_webhook(d->headers, d->body, s, fake.now(), clerk::openssl_hmac{});
  REQUIRE_MESSAGE(e.has_value(), verdict(e));
  CHECK(e->id.starts_with("msg_"));
  CHECK(e->id.size() == 31);
  CHECK(e->type == "organization.created");
  CHECK(e->object == "event");
  CHECK(e->instance_id == "ins_fake");
  CHECK(e->timestamp == fake.now());
  CHECK(e->data.text() == R"({"object":"organization","id":"org_1"})");
  // Another secret, or a later clock, refuses it.
  auto other =
      fake.webhook("user.updated", "{}", secret_of("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                   clerk::openssl_hmac{});
  REQUIRE(other.has_value());
  CHECK(verdict(clerk::verify_webhook(other->headers, other->body, s, fake.now(),
                                      clerk::openssl_hmac{}))
            .find("no-matching-signature") != std::string::npos);
  fake.advance(301s);
  CHECK(verdict(clerk::verify_webhook(d->headers, d->body, s, fake.now(), clerk::openssl_hmac{}))
            .find("timestamp-too-old") != std::string::npos);
  // Data that is not JSON is refused before anything is signed.
  auto bad = fake.webhook("user.created", "{", s, clerk::openssl_hmac{});
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_request() != nullptr);
}

TEST_CASE("the fake Clerk sends user.created and session.created of its own, once asked") {
  clerk::fakes::fake_clerk fake({.seed = 3});
  fake.add_user("user_before");  // before send_webhooks: no event
  const auto s = secret_of(svix_secret);
  std::vector<clerk::fakes::fake_clerk::webhook_delivery> sent;
  fake.send_webhooks(s, clerk::openssl_hmac{}, [&](clerk::fakes::fake_clerk::webhook_delivery d) {
    sent.push_back(std::move(d));
  });
  fake.add_user("user_1");
  fake.add_user("user_1");  // already there: no second event
  REQUIRE(sent.size() == 1);
  auto created =
      clerk::verify_webhook(sent[0].headers, sent[0].body, s, fake.now(), clerk::openssl_hmac{});
  REQUIRE_MESSAGE(created.has_value(), verdict(created));
  CHECK(created->type == "user.created");
  auto user = created->data_as<my_user>();
  REQUIRE_MESSAGE(user.has_value(), (user ? "" : user.error().message()));
  CHECK(user->id == "user_1");

  // A ticket's sign-in through the Frontend API makes a session: session.created.
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  auto t = clerk::client(*cfg, fake).send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_value());
  REQUIRE(sent.size() == 1);  // a token is no event here
  auto fapi =
      clerk::frontend::frontend_config::make({.frontend_api_url = "https://clerk.fake-clerk.test"});
  REQUIRE(fapi.has_value());
  clerk::frontend::client_token client_token;
  auto signed_in =
      clerk::frontend::consume_ticket(clerk::client(*fapi, fake), client_token, *t->token);
  REQUIRE_MESSAGE(signed_in.has_value(), (signed_in ? "" : signed_in.error().message()));
  REQUIRE(sent.size() == 2);
  auto session =
      clerk::verify_webhook(sent[1].headers, sent[1].body, s, fake.now(), clerk::openssl_hmac{});
  REQUIRE_MESSAGE(session.has_value(), verdict(session));
  CHECK(session->type == "session.created");
  CHECK(session->id != created->id);
  struct session_data {
    std::string id, user_id, status;
    static constexpr auto describe() {
      using namespace clerk::decl;
      return model("session", constant("object", "session"), field("id", &session_data::id),
                   field("user_id", &session_data::user_id),
                   field("status", &session_data::status));
    }
  };
  auto data = session->data_as<session_data>();
  REQUIRE_MESSAGE(data.has_value(), (data ? "" : data.error().message()));
  CHECK(data->id == signed_in->session_id);
  CHECK(data->user_id == "user_1");
  CHECK(data->status == "active");

  fake.stop_webhooks();
  fake.add_user("user_after");
  CHECK(sent.size() == 2);
}

TEST_CASE("one openssl_hmac verifies from many threads at once") {
  const auto s = secret_of(svix_secret);
  const auto d = sign(s, "msg_1", user_created);
  const clerk::openssl_hmac hmac;
  std::vector<std::thread> threads;
  std::array<int, 4> ok{};
  for (std::size_t i = 0; i < ok.size(); ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k)
        ok[i] += clerk::verify_webhook(d.headers, d.body, s, signed_at, hmac).has_value();
    });
  for (auto& t : threads)
    t.join();
  for (int n : ok)
    CHECK(n == 200);
}
