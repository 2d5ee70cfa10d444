// consume_ticket and the Frontend API operations against the fake Clerk:
// the whole life of a ticket, and the recovery of a lost sign-in answer.
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/frontend_sign_in.hpp>

#include <clerk/backend.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

using namespace std::chrono_literals;
using clerk::fakes::fake_clerk;

namespace {

clerk::frontend_config fapi() {
  // The fake answers whatever host a request names.
  auto c = clerk::frontend_config::make({.frontend_api_url = "https://clerk.fake-clerk.test"});
  REQUIRE(c.has_value());
  return *c;
}

fake_clerk populated() {
  fake_clerk fake;
  fake.add_user("user_1");
  fake.add_user("user_2");
  return fake;
}

struct minted {
  std::string id;
  clerk::secret ticket;
};

minted mint(const fake_clerk& fake, std::string user = "user_1",
            std::optional<std::chrono::seconds> expires_in = std::nullopt) {
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  auto t =
      clerk::client(*cfg, fake)
          .send(clerk::create_sign_in_token{.user_id = std::move(user), .expires_in = expires_in});
  REQUIRE(t.has_value());
  return {t->id, clerk::secret(std::string(t->token->reveal()))};
}

clerk::result<clerk::sign_in_token> revoke(const fake_clerk& fake, const std::string& id) {
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  return clerk::client(*cfg, fake).send(clerk::revoke_sign_in_token{id});
}

// A transport in front of the fake that counts sign-in POSTs and can act on
// them first (drop the answer, fail, answer by itself).
struct watched {
  fake_clerk fake;
  std::shared_ptr<std::size_t> sign_ins = std::make_shared<std::size_t>(0);
  std::function<std::optional<clerk::transport_result>(const clerk::http_request&)> on_sign_in{};

  clerk::transport_result operator()(const clerk::http_request& r) const {
    if (r.url.find("/v1/client/sign_ins") != std::string::npos) {
      ++*sign_ins;
      if (on_sign_in)
        if (auto answer = on_sign_in(r))
          return *answer;
    }
    return fake(r);
  }
};

std::string claim(std::string_view jwt, std::string_view name) {
  auto first = jwt.find('.');
  auto payload = jwt.substr(first + 1, jwt.find('.', first + 1) - first - 1);
  std::string text;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : payload) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
                                   : 63;
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      text += char((acc >> bits) & 0xff);
    }
  }
  auto v = boost::json::parse(text).as_object().at(name);
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

}  // namespace

TEST_CASE("consume_ticket: a ticket becomes an active session with a session JWT") {
  auto fake = populated();
  auto t = mint(fake);
  clerk::client_token token;
  auto before = fake.request_count();
  auto s = clerk::consume_ticket(fake, fapi(), token, t.ticket);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(fake.request_count() - before == 4);  // create client, sign in, touch, token
  CHECK(s->session_id.starts_with("sess_"));
  CHECK(s->user_id == "user_1");
  CHECK(s->status == clerk::session_status::active);
  CHECK_FALSE(s->recovered);
  CHECK(claim(s->jwt.reveal(), "sub") == "user_1");
  CHECK(claim(s->jwt.reveal(), "sid") == s->session_id);
  CHECK_FALSE(token.empty());
  auto held = fake.find_session(s->session_id);
  REQUIRE(held.has_value());
  CHECK(held->status == "active");
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);

  // The token the caller now holds is the rotated one: it reads the client.
  auto client = clerk::frontend_send(fake, fapi(), token, clerk::read_client{});
  REQUIRE(client.has_value());
  REQUIRE(client->current() != nullptr);
  CHECK(client->current()->last_active_session_id == s->session_id);

  std::ostringstream os;
  os << *s << ' ' << token;
  CHECK(os.str().find(std::string(s->jwt.reveal())) == std::string::npos);
  CHECK(os.str().find("eyJ") == std::string::npos);
}

TEST_CASE("consume_ticket: a used, expired or revoked ticket fails with Clerk's code") {
  auto fake = populated();
  auto used = mint(fake);
  clerk::client_token token;
  REQUIRE(clerk::consume_ticket(fake, fapi(), token, used.ticket));
  auto again = clerk::consume_ticket(fake, fapi(), token, used.ticket);
  REQUIRE(again.has_error());
  CHECK(clerk::frontend_error(again.error()) == clerk::frontend_errc::ticket_already_used);
  CHECK(again.error().message().find("sign_in_token_already_used_code") != std::string::npos);
  // ... and revoking it is refused: it is no longer pending.
  auto revoked = revoke(fake, used.id);
  REQUIRE(revoked.has_error());
  CHECK(revoked.error().as_api()->errors.at(0).code == "sign_in_token_cannot_be_revoked_code");

  auto expiring = mint(fake, "user_1", 60s);
  auto pulled = mint(fake);
  REQUIRE(revoke(fake, pulled.id));
  fake.advance(61s);
  clerk::client_token fresh;
  auto expired = clerk::consume_ticket(fake, fapi(), fresh, expiring.ticket);
  REQUIRE(expired.has_error());
  CHECK(clerk::frontend_error(expired.error()) == clerk::frontend_errc::ticket_expired);
  auto gone = clerk::consume_ticket(fake, fapi(), fresh, pulled.ticket);
  REQUIRE(gone.has_error());
  CHECK(clerk::frontend_error(gone.error()) == clerk::frontend_errc::ticket_revoked);
  auto foreign = clerk::consume_ticket(fake, fapi(), fresh, clerk::secret("eyJ.not.ours"));
  REQUIRE(foreign.has_error());
  CHECK(clerk::frontend_error(foreign.error()) == clerk::frontend_errc::ticket_invalid);
}

TEST_CASE("consume_ticket: an empty or malformed ticket is refused before anything is sent") {
  auto fake = populated();
  clerk::client_token token;
  for (const char* bad : {"", "a\nb", "\xff"}) {
    CAPTURE(bad);
    auto r = clerk::consume_ticket(fake, fapi(), token, clerk::secret(bad));
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    CHECK(r.error().as_invalid_request()->field == "ticket");
  }
  CHECK(fake.request_count() == 0);
  CHECK(token.empty());
}

TEST_CASE("consume_ticket: a held token is reused; a stale one is replaced by a new client") {
  auto fake = populated();
  clerk::client_token token;
  REQUIRE(clerk::consume_ticket(fake, fapi(), token, mint(fake).ticket));
  CHECK(fake.client_count() == 1);
  auto second = clerk::consume_ticket(fake, fapi(), token, mint(fake, "user_2").ticket);
  REQUIRE_MESSAGE(second.has_value(), second.error().message());
  CHECK(second->user_id == "user_2");
  CHECK(fake.client_count() == 1);  // the same client, now with two sessions

  clerk::client_token stale("Bearer eyJ0eXAiOiJKV1QifQ.eyJpZCI6Im5vcGUifQ.c2ln");
  auto third = clerk::consume_ticket(fake, fapi(), stale, mint(fake).ticket);
  REQUIRE_MESSAGE(third.has_value(), third.error().message());
  CHECK(fake.client_count() == 2);
  CHECK(stale.reveal() != "Bearer eyJ0eXAiOiJKV1QifQ.eyJpZCI6Im5vcGUifQ.c2ln");
}

TEST_CASE("recovery: a lost sign-in answer is recovered from the client, never by a retry") {
  watched w{populated()};
  const fake_clerk& fake = w.fake;
  w.on_sign_in = [fake](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    fake.drop_next_answers(1);  // Clerk carries the sign-in out; its answer is lost
    return std::nullopt;
  };
  auto t = mint(fake);
  clerk::client_token token;
  auto s =
      clerk::consume_ticket(std::cref(w), fapi(), token, t.ticket, {.expected_user_id = "user_1"});
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(*w.sign_ins == 1);
  CHECK(s->recovered);
  CHECK(s->user_id == "user_1");
  CHECK(s->status == clerk::session_status::active);
  CHECK(fake.find_session(s->session_id)->status == "active");
  CHECK(claim(s->jwt.reveal(), "sid") == s->session_id);
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);
  // The caller caught up with the rotated token: it still works.
  CHECK(clerk::frontend_send(fake, fapi(), token, clerk::read_client{}).has_value());
}

TEST_CASE("recovery: without a new session of the expected user, the lost answer is an error") {
  watched w{populated()};
  const fake_clerk& fake = w.fake;
  w.on_sign_in = [fake](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    fake.drop_next_answers(1);
    return std::nullopt;
  };
  clerk::client_token token;
  auto s = clerk::consume_ticket(std::cref(w), fapi(), token, mint(fake, "user_2").ticket,
                                 {.expected_user_id = "user_1"});
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_transport() != nullptr);
  CHECK_FALSE(s.error().as_transport()->request_not_sent);
  CHECK(s.error().message().find("no new session") != std::string::npos);
  CHECK(s.error().message().find("may be spent") != std::string::npos);
  CHECK(*w.sign_ins == 1);
}

TEST_CASE("a sign-in that never left is reported as such and the ticket stays usable") {
  watched w{populated()};
  w.on_sign_in = [](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    return clerk::transport_result(clerk::transport_error{
        std::make_error_code(std::errc::connection_refused), "connection refused", true});
  };
  auto t = mint(w.fake);
  clerk::client_token token;
  auto s = clerk::consume_ticket(std::cref(w), fapi(), token, t.ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_transport() != nullptr);
  CHECK(s.error().as_transport()->request_not_sent);
  CHECK(*w.sign_ins == 1);
  CHECK(w.fake.find_token(t.id)->status == clerk::sign_in_token_status::pending);
  // The caller may try again: it was never sent.
  w.on_sign_in = nullptr;
  CHECK(clerk::consume_ticket(std::cref(w), fapi(), token, t.ticket).has_value());
}

TEST_CASE("a sign-in that is not complete is an error naming its status") {
  watched w{populated()};
  w.on_sign_in = [](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    clerk::http_response r;
    r.status = 200;
    r.headers.add("Content-Type", "application/json");
    r.body = R"({"response":{"object":"sign_in_attempt","id":"sia_1",)"
             R"("status":"needs_second_factor","created_session_id":null},"client":null})";
    return clerk::transport_result(std::move(r));
  };
  clerk::client_token token;
  auto s = clerk::consume_ticket(std::cref(w), fapi(), token, mint(w.fake).ticket);
  REQUIRE(s.has_error());
  CHECK(clerk::frontend_error(s.error()) == clerk::frontend_errc::sign_in_incomplete);
  CHECK(s.error().message().find("needs_second_factor") != std::string::npos);
}

TEST_CASE("session_exists and native_api_disabled are told apart") {
  auto fake = populated();
  fake.set_single_session_mode(true);
  clerk::client_token token;
  REQUIRE(clerk::consume_ticket(fake, fapi(), token, mint(fake).ticket));
  auto second = mint(fake);
  auto s = clerk::consume_ticket(fake, fapi(), token, second.ticket);
  REQUIRE(s.has_error());
  CHECK(clerk::frontend_error(s.error()) == clerk::frontend_errc::session_exists);
  CHECK(fake.find_token(second.id)->status == clerk::sign_in_token_status::pending);

  fake.set_native_api_enabled(false);
  clerk::client_token none;
  auto off = clerk::consume_ticket(fake, fapi(), none, second.ticket);
  REQUIRE(off.has_error());
  CHECK(clerk::frontend_error(off.error()) == clerk::frontend_errc::native_api_disabled);
}

TEST_CASE("the session's other operations: template tokens and sign-out") {
  auto fake = populated();
  clerk::client_token token;
  auto s = clerk::consume_ticket(fake, fapi(), token, mint(fake).ticket);
  REQUIRE(s.has_value());
  auto tpl = clerk::frontend_send(fake, fapi(), token,
                                  clerk::mint_session_token_from_template{
                                      .session_id = s->session_id, .template_name = "hasura"});
  REQUIRE_MESSAGE(tpl.has_value(), tpl.error().message());
  CHECK(claim(tpl->jwt.reveal(), "tpl") == "hasura");
  auto again = clerk::frontend_send(fake, fapi(), token,
                                    clerk::mint_session_token{.session_id = s->session_id});
  REQUIRE(again.has_value());
  CHECK(claim(again->jwt.reveal(), "sub") == "user_1");

  auto out =
      clerk::frontend_send(fake, fapi(), token, clerk::remove_session{.session_id = s->session_id});
  REQUIRE_MESSAGE(out.has_value(), out.error().message());
  CHECK(out->response.status == clerk::session_status::removed);
  auto after = clerk::frontend_send(fake, fapi(), token,
                                    clerk::mint_session_token{.session_id = s->session_id});
  REQUIRE(after.has_error());
  CHECK(clerk::frontend_error(after.error()) == clerk::frontend_errc::unauthorized);
}
