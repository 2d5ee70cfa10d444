// consume_ticket and the Frontend API operations against the fake Clerk:
// the whole life of a ticket, and the recovery of a lost sign-in answer.
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/frontend/sign_in.hpp>

#include <clerk/backend.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

clerk::frontend::frontend_config fapi_config() {
  // The fake answers whatever host a request names.
  auto c =
      clerk::frontend::frontend_config::make({.frontend_api_url = "https://clerk.fake-clerk.test"});
  REQUIRE(c.has_value());
  return *c;
}

// A client of the Frontend API over `transport`, without retries.
template <class T>
auto frontend(const T& transport) {
  return clerk::client(fapi_config(), transport);
}

fake_clerk populated_sign_in() {
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
  auto t = clerk::client(*cfg, fake)
               .send(clerk::create_sign_in_token{.user_id = std::move(user),
                                                 .expires_in_seconds = expires_in});
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

std::string jwt_claim(std::string_view jwt, std::string_view name) {
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

template <class C>
concept sends_without_token = requires(const C& c) {
  c.send(clerk::frontend::read_client{});
};
template <class C>
concept sends_with_token = requires(const C& c, clerk::frontend::client_token& t) {
  c.send(clerk::frontend::read_client{}, t);
};
using frontend_client = clerk::client<fake_clerk, clerk::no_wait, clerk::frontend::frontend_config>;
static_assert(sends_with_token<frontend_client>);
static_assert(!sends_without_token<frontend_client>, "a Frontend API call needs the client token");
static_assert(!sends_with_token<clerk::client<fake_clerk>>);

}  // namespace

TEST_CASE("consume_ticket: a ticket becomes an active session with a session JWT") {
  auto fake = populated_sign_in();
  auto t = mint(fake);
  clerk::frontend::client_token token;
  auto before = fake.request_count();
  auto s = clerk::frontend::consume_ticket(frontend(fake), token, t.ticket);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(fake.request_count() - before == 4);  // create client, sign in, touch, token
  CHECK(s->session_id.starts_with("sess_"));
  CHECK(s->user_id == "user_1");
  CHECK(s->status == clerk::frontend::session_status::active);
  CHECK_FALSE(s->recovered);
  CHECK(jwt_claim(s->jwt.reveal(), "sub") == "user_1");
  CHECK(jwt_claim(s->jwt.reveal(), "sid") == s->session_id);
  CHECK_FALSE(token.empty());
  auto held = fake.find_session(s->session_id);
  REQUIRE(held.has_value());
  CHECK(held->status == "active");
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);

  // The token the caller now holds is the rotated one: it reads the client.
  auto client = frontend(fake).send(clerk::frontend::read_client{}, token);
  REQUIRE(client.has_value());
  REQUIRE(client->current() != nullptr);
  CHECK(client->current()->last_active_session_id == s->session_id);

  std::ostringstream os;
  os << *s << ' ' << token;
  CHECK(os.str().find(std::string(s->jwt.reveal())) == std::string::npos);
  CHECK(os.str().find("eyJ") == std::string::npos);
}

TEST_CASE("consume_ticket: a used, expired or revoked ticket fails with Clerk's code") {
  auto fake = populated_sign_in();
  auto used = mint(fake);
  clerk::frontend::client_token token;
  REQUIRE(clerk::frontend::consume_ticket(frontend(fake), token, used.ticket));
  auto again = clerk::frontend::consume_ticket(frontend(fake), token, used.ticket);
  REQUIRE(again.has_error());
  CHECK(clerk::frontend::frontend_error(again.error()) ==
        clerk::frontend::frontend_errc::ticket_already_used);
  CHECK(again.error().message().find("sign_in_token_already_used_code") != std::string::npos);
  // ... and revoking it is refused: it is no longer pending.
  auto revoked = revoke(fake, used.id);
  REQUIRE(revoked.has_error());
  CHECK(revoked.error().as_api()->errors.at(0).code == "sign_in_token_cannot_be_revoked_code");

  auto expiring = mint(fake, "user_1", 60s);
  auto pulled = mint(fake);
  REQUIRE(revoke(fake, pulled.id));
  fake.advance(61s);
  clerk::frontend::client_token fresh;
  auto expired = clerk::frontend::consume_ticket(frontend(fake), fresh, expiring.ticket);
  REQUIRE(expired.has_error());
  CHECK(clerk::frontend::frontend_error(expired.error()) ==
        clerk::frontend::frontend_errc::ticket_expired);
  auto gone = clerk::frontend::consume_ticket(frontend(fake), fresh, pulled.ticket);
  REQUIRE(gone.has_error());
  CHECK(clerk::frontend::frontend_error(gone.error()) ==
        clerk::frontend::frontend_errc::ticket_revoked);
  auto foreign =
      clerk::frontend::consume_ticket(frontend(fake), fresh, clerk::secret("eyJ.not.ours"));
  REQUIRE(foreign.has_error());
  CHECK(clerk::frontend::frontend_error(foreign.error()) ==
        clerk::frontend::frontend_errc::ticket_invalid);
}

TEST_CASE("consume_ticket: an empty or malformed ticket is refused before anything is sent") {
  auto fake = populated_sign_in();
  clerk::frontend::client_token token;
  for (const char* bad : {"", "a\nb", "\xff"}) {
    CAPTURE(bad);
    auto r = clerk::frontend::consume_ticket(frontend(fake), token, clerk::secret(bad));
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    CHECK(r.error().as_invalid_request()->field == "ticket");
  }
  CHECK(fake.request_count() == 0);
  CHECK(token.empty());
}

TEST_CASE("consume_ticket: a held token is reused; a stale one is replaced by a new client") {
  auto fake = populated_sign_in();
  clerk::frontend::client_token token;
  REQUIRE(clerk::frontend::consume_ticket(frontend(fake), token, mint(fake).ticket));
  CHECK(fake.client_count() == 1);
  auto second = clerk::frontend::consume_ticket(frontend(fake), token, mint(fake, "user_2").ticket);
  REQUIRE_MESSAGE(second.has_value(), second.error().message());
  CHECK(second->user_id == "user_2");
  CHECK(fake.client_count() == 1);  // the same client, now with two sessions

  clerk::frontend::client_token stale("Bearer eyJ0eXAiOiJKV1QifQ.eyJpZCI6Im5vcGUifQ.c2ln");
  auto third = clerk::frontend::consume_ticket(frontend(fake), stale, mint(fake).ticket);
  REQUIRE_MESSAGE(third.has_value(), third.error().message());
  CHECK(fake.client_count() == 2);
  CHECK(stale.reveal() != "Bearer eyJ0eXAiOiJKV1QifQ.eyJpZCI6Im5vcGUifQ.c2ln");
}

TEST_CASE("recovery: a lost sign-in answer is recovered from the client, never by a retry") {
  watched w{populated_sign_in()};
  const fake_clerk& fake = w.fake;
  w.on_sign_in = [fake](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    fake.drop_next_answers(1);  // Clerk carries the sign-in out; its answer is lost
    return std::nullopt;
  };
  auto t = mint(fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(std::cref(w)), token, t.ticket,
                                           {.expected_user_id = "user_1"});
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(*w.sign_ins == 1);
  CHECK(s->recovered);
  CHECK(s->user_id == "user_1");
  CHECK(s->status == clerk::frontend::session_status::active);
  CHECK(fake.find_session(s->session_id)->status == "active");
  CHECK(jwt_claim(s->jwt.reveal(), "sid") == s->session_id);
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);
  // The caller caught up with the rotated token: it still works.
  CHECK(frontend(fake).send(clerk::frontend::read_client{}, token).has_value());
}

TEST_CASE("recovery: without a new session of the expected user, the lost answer is an error") {
  watched w{populated_sign_in()};
  const fake_clerk& fake = w.fake;
  w.on_sign_in = [fake](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    fake.drop_next_answers(1);
    return std::nullopt;
  };
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(
      frontend(std::cref(w)), token, mint(fake, "user_2").ticket, {.expected_user_id = "user_1"});
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_transport() != nullptr);
  CHECK_FALSE(s.error().as_transport()->request_not_sent);
  CHECK(s.error().message().find("no new session") != std::string::npos);
  CHECK(s.error().message().find("may be spent") != std::string::npos);
  CHECK(*w.sign_ins == 1);
}

TEST_CASE("a sign-in that never left is reported as such and the ticket stays usable") {
  watched w{populated_sign_in()};
  w.on_sign_in = [](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    return clerk::transport_result(clerk::transport_error{
        std::make_error_code(std::errc::connection_refused), "connection refused", true});
  };
  auto t = mint(w.fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(std::cref(w)), token, t.ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_transport() != nullptr);
  CHECK(s.error().as_transport()->request_not_sent);
  CHECK(*w.sign_ins == 1);
  CHECK(w.fake.find_token(t.id)->status == clerk::sign_in_token_status::pending);
  // The caller may try again: it was never sent.
  w.on_sign_in = nullptr;
  CHECK(clerk::frontend::consume_ticket(frontend(std::cref(w)), token, t.ticket).has_value());
}

TEST_CASE("a sign-in that is not complete is an error naming its status") {
  watched w{populated_sign_in()};
  w.on_sign_in = [](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    clerk::http_response r;
    r.status = 200;
    r.headers.add("Content-Type", "application/json");
    r.body = R"({"response":{"object":"sign_in_attempt","id":"sia_1",)"
             R"("status":"needs_second_factor","created_session_id":null},"client":null})";
    return clerk::transport_result(std::move(r));
  };
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(std::cref(w)), token, mint(w.fake).ticket);
  REQUIRE(s.has_error());
  CHECK(clerk::frontend::frontend_error(s.error()) ==
        clerk::frontend::frontend_errc::sign_in_incomplete);
  CHECK(s.error().message().find("needs_second_factor") != std::string::npos);
}

TEST_CASE("session_exists and native_api_disabled are told apart") {
  auto fake = populated_sign_in();
  fake.set_single_session_mode(true);
  clerk::frontend::client_token token;
  REQUIRE(clerk::frontend::consume_ticket(frontend(fake), token, mint(fake).ticket));
  auto second = mint(fake);
  auto s = clerk::frontend::consume_ticket(frontend(fake), token, second.ticket);
  REQUIRE(s.has_error());
  CHECK(clerk::frontend::frontend_error(s.error()) ==
        clerk::frontend::frontend_errc::session_exists);
  CHECK(fake.find_token(second.id)->status == clerk::sign_in_token_status::pending);

  fake.set_native_api_enabled(false);
  clerk::frontend::client_token none;
  auto off = clerk::frontend::consume_ticket(frontend(fake), none, second.ticket);
  REQUIRE(off.has_error());
  CHECK(clerk::frontend::frontend_error(off.error()) ==
        clerk::frontend::frontend_errc::native_api_disabled);
}

TEST_CASE("the session's other operations: template tokens and sign-out") {
  auto fake = populated_sign_in();
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(fake), token, mint(fake).ticket);
  REQUIRE(s.has_value());
  auto tpl = frontend(fake).send(
      clerk::frontend::mint_session_token_from_template{.session_id = s->session_id,
                                                        .template_name = "hasura"},
      token);
  REQUIRE_MESSAGE(tpl.has_value(), tpl.error().message());
  CHECK(jwt_claim(tpl->jwt.reveal(), "tpl") == "hasura");
  auto again =
      frontend(fake).send(clerk::frontend::mint_session_token{.session_id = s->session_id}, token);
  REQUIRE(again.has_value());
  CHECK(jwt_claim(again->jwt.reveal(), "sub") == "user_1");

  auto out =
      frontend(fake).send(clerk::frontend::remove_session{.session_id = s->session_id}, token);
  REQUIRE_MESSAGE(out.has_value(), out.error().message());
  CHECK(out->response.status == clerk::frontend::session_status::removed);
  auto after =
      frontend(fake).send(clerk::frontend::mint_session_token{.session_id = s->session_id}, token);
  REQUIRE(after.has_error());
  CHECK(clerk::frontend::frontend_error(after.error()) ==
        clerk::frontend::frontend_errc::unauthorized);
}

namespace {

// A waiter that never sleeps: its clock moves by what it is asked to wait.
struct instant_waiter {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>();
  bool wait(std::chrono::milliseconds d) const {
    *now += d;
    return true;
  }
  std::chrono::steady_clock::time_point steady_now() const { return *now; }
  std::chrono::system_clock::time_point system_now() const { return {}; }
  double jitter() const { return 0.0; }
};

// A client of the Frontend API over `transport` that retries by the default policy.
template <class T>
auto retrying(const T& transport) {
  return clerk::client(fapi_config(), transport, clerk::retry_policy{}, instant_waiter{});
}

// A proxy's answer of its own: the sign-in reached Clerk, its answer did not.
clerk::http_response gateway_page(int status, std::string_view content_type) {
  clerk::http_response r;
  r.status = status;
  r.headers.add("Content-Type", std::string(content_type));
  r.body = "<html><body>" + std::to_string(status) + " from the gateway</body></html>";
  return r;
}

}  // namespace

TEST_CASE("recovery: a gateway's 5xx or an unusable 2xx after Clerk signed in is recovered") {
  // A table without structured bindings: clang++ 14's CAPTURE cannot capture one.
  for (const auto& answer : {std::pair{504, "text/html"}, std::pair{502, "text/html"},
                             std::pair{200, "text/html"}, std::pair{500, "application/json"}}) {
    CAPTURE(answer.first);
    watched w{populated_sign_in()};
    const fake_clerk& fake = w.fake;
    const int answer_status = answer.first;
    const std::string answer_type = answer.second;
    w.on_sign_in = [fake, answer_status, answer_type](
                       const clerk::http_request& r) -> std::optional<clerk::transport_result> {
      REQUIRE(fake(r).has_value());  // Clerk does the work ...
      return clerk::transport_result(gateway_page(answer_status, answer_type));  // ... unseen
    };
    auto t = mint(fake);
    clerk::frontend::client_token token;
    auto s = clerk::frontend::consume_ticket(frontend(std::cref(w)), token, t.ticket);
    REQUIRE_MESSAGE(s.has_value(), s.error().message());
    CHECK(*w.sign_ins == 1);
    CHECK(s->recovered);
    CHECK(s->user_id == "user_1");
    CHECK(s->status == clerk::frontend::session_status::active);
    CHECK(jwt_claim(s->jwt.reveal(), "sid") == s->session_id);
    CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);
  }
}

TEST_CASE("recovery: a gateway's 5xx when Clerk did nothing says the ticket may be spent") {
  watched w{populated_sign_in()};
  w.on_sign_in = [](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    return clerk::transport_result(gateway_page(504, "text/html"));
  };
  auto t = mint(w.fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(std::cref(w)), token, t.ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_unexpected_response() != nullptr);
  CHECK(s.error().http_status() == 504);
  CHECK(s.error().message().find("no new session") != std::string::npos);
  CHECK(s.error().message().find("may be spent") != std::string::npos);
  CHECK(s.error().session_id().empty());
  CHECK(*w.sign_ins == 1);
}

TEST_CASE("a ClerkErrors 429 to the sign-in is retried by the policy; the ticket is sent once") {
  watched w{populated_sign_in()};
  auto limited = std::make_shared<int>(1);
  w.on_sign_in = [limited](const clerk::http_request&) -> std::optional<clerk::transport_result> {
    if ((*limited)-- <= 0)
      return std::nullopt;
    clerk::http_response r;
    r.status = 429;
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Retry-After", "1");
    r.body = R"({"errors":[{"code":"too_many_requests","message":"slow down"}]})";
    return clerk::transport_result(std::move(r));
  };
  auto t = mint(w.fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(retrying(std::cref(w)), token, t.ticket);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(*w.sign_ins == 2);  // the 429, then the one that signed in
  CHECK_FALSE(s->recovered);
}

namespace {

// Refuses the first `n` touches before sending them (a DNS blip).
struct refusing_touch {
  fake_clerk fake;
  std::shared_ptr<int> refuse;
  clerk::transport_result operator()(const clerk::http_request& r) const {
    if (r.url.find("/touch") != std::string::npos && (*refuse)-- > 0)
      return clerk::transport_error{std::make_error_code(std::errc::connection_refused),
                                    "connection refused", true};
    return fake(r);
  }
};

}  // namespace

TEST_CASE("after the ticket is spent, a touch that failed is retried and the session returned") {
  refusing_touch flaky{populated_sign_in(), std::make_shared<int>(1)};
  auto t = mint(flaky.fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(retrying(flaky), token, t.ticket);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(s->status == clerk::frontend::session_status::active);
  CHECK(jwt_claim(s->jwt.reveal(), "sid") == s->session_id);
}

TEST_CASE("after the ticket is spent, an error of touch or mint names the session") {
  refusing_touch flaky{populated_sign_in(), std::make_shared<int>(1000)};
  auto t = mint(flaky.fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(retrying(flaky), token, t.ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_transport() != nullptr);
  CHECK(s.error().attempts() == 3);
  REQUIRE(s.error().session_id().starts_with("sess_"));
  CHECK(s.error().message().find(std::string(s.error().session_id())) != std::string::npos);
  // The session is on the caller's client, ready to be touched later.
  auto client = frontend(flaky.fake).send(clerk::frontend::read_client{}, token);
  REQUIRE(client.has_value());
  REQUIRE(client->current() != nullptr);
  CHECK(client->current()->find(s.error().session_id()) != nullptr);
  CHECK(flaky.fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);

  watched w{populated_sign_in()};
  auto mint_fails = [](const clerk::http_request& r) -> std::optional<clerk::transport_result> {
    if (r.url.find("/tokens") != std::string::npos)
      return clerk::transport_result(gateway_page(503, "text/html"));
    return std::nullopt;
  };
  struct failing_mint {
    const watched& w;
    decltype(mint_fails) fails;
    clerk::transport_result operator()(const clerk::http_request& r) const {
      if (auto a = fails(r))
        return *a;
      return w(r);
    }
  };
  clerk::frontend::client_token other;
  auto m = clerk::frontend::consume_ticket(frontend(failing_mint{w, mint_fails}), other,
                                           mint(w.fake).ticket);
  REQUIRE(m.has_error());
  CHECK(m.error().http_status() == 503);
  CHECK(m.error().session_id().starts_with("sess_"));
}

TEST_CASE("no ticket is sent when the new client's answer carried no client token") {
  watched w{populated_sign_in()};
  struct stripping_proxy {
    const watched& w;
    clerk::transport_result operator()(const clerk::http_request& r) const {
      auto a = w(r);
      if (!a || r.method != clerk::http_method::post ||
          r.url.find("/v1/client?") == std::string::npos)
        return a;
      clerk::http_response stripped;  // forwards everything but Authorization
      stripped.status = a->status;
      for (const auto& h : a->headers)
        if (!clerk::detail::iequals(h.name, "authorization"))
          stripped.headers.add(h.name, h.value);
      stripped.body = a->body;
      return stripped;
    }
  };
  auto t = mint(w.fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(stripping_proxy{w}), token, t.ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_unexpected_response() != nullptr);
  CHECK(s.error().message().find("no client token") != std::string::npos);
  CHECK(*w.sign_ins == 0);
  CHECK(w.fake.find_token(t.id)->status == clerk::sign_in_token_status::pending);
}

namespace {

// After the sign-in (whose answer it loses), every client it reads back
// shows first another user's new active session: another sign-in of the app
// (unless `crowded` is false). With `real_ticket`, the sign-in carries
// opaque_ticket instead, which names no user (Clerk's tickets are opaque to
// the library), and the proxy swaps it for the fake's own.
struct crowded_client {
  fake_clerk fake;
  bool crowded = true;
  std::string real_ticket{};
  std::shared_ptr<bool> signed_in = std::make_shared<bool>(false);

  static constexpr std::string_view opaque_ticket = "tkt_opaque0ticket";

  clerk::transport_result operator()(const clerk::http_request& r) const {
    if (r.url.find("/v1/client/sign_ins") != std::string::npos) {
      clerk::http_request sent = r;
      if (!real_ticket.empty()) {
        auto at = sent.body.find(opaque_ticket);
        REQUIRE(at != std::string::npos);
        sent.body.replace(at, opaque_ticket.size(), real_ticket);  // no form escapes in a JWT
      }
      *signed_in = true;
      fake.drop_next_answers(1);
      return fake(sent);
    }
    auto a = fake(r);
    if (!a || !crowded || !*signed_in || r.method != clerk::http_method::get)
      return a;
    auto body = boost::json::parse(a->body);
    auto& sessions = body.at("response").at("sessions").as_array();
    sessions.insert(sessions.begin(),
                    boost::json::parse(R"({"object":"session","id":"sess_other",)"
                                       R"("status":"active","user":{"id":"user_2"}})"));
    a->body = boost::json::serialize(body);
    return a;
  }
};

}  // namespace

TEST_CASE("recovery adopts the session of the ticket's own user, read from the ticket") {
  crowded_client crowded{populated_sign_in()};
  auto t = mint(crowded.fake, "user_1");
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(crowded), token, t.ticket);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(s->recovered);
  CHECK(s->session_id != "sess_other");
  CHECK(s->user_id == "user_1");
  CHECK(jwt_claim(s->jwt.reveal(), "sub") == "user_1");
}

TEST_CASE("consume_ticket refuses a policy that would resend a maybe-delivered sign-in") {
  auto fake = populated_sign_in();
  clerk::retry_options o;
  o.retry_create_after_possible_delivery = true;
  const clerk::client c(fapi_config(), std::cref(fake), *clerk::retry_policy::make(o),
                        instant_waiter{});
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(c, token, mint(fake).ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_invalid_request() != nullptr);
  CHECK(s.error().as_invalid_request()->field == "retry_create_after_possible_delivery");
  CHECK(fake.client_count() == 0);
}

TEST_CASE("a client token with CR LF is refused before anything is sent") {
  auto fake = populated_sign_in();
  auto t = mint(fake);
  auto before = fake.request_count();
  clerk::frontend::client_token stored("Bearer eyJ.e30.\r\nX-Injected: yes");
  auto s = clerk::frontend::consume_ticket(frontend(fake), stored, t.ticket);
  REQUIRE(s.has_error());
  REQUIRE(s.error().as_invalid_request() != nullptr);
  CHECK(s.error().as_invalid_request()->field == "client_token");
  auto read = frontend(fake).send(clerk::frontend::read_client{}, stored);
  REQUIRE(read.has_error());
  CHECK(read.error().as_invalid_request()->field == "client_token");
  CHECK(fake.request_count() == before);
}

TEST_CASE("a frontend client retries an idempotent call after a 429") {
  auto fake = populated_sign_in();
  clerk::frontend::client_token token;
  REQUIRE(clerk::frontend::consume_ticket(frontend(fake), token, mint(fake).ticket));
  auto limited = std::make_shared<int>(1);
  auto sent = std::make_shared<int>(0);
  auto proxy = [&fake, limited, sent](const clerk::http_request& r) -> clerk::transport_result {
    ++*sent;
    if ((*limited)-- > 0) {
      clerk::http_response busy;
      busy.status = 429;
      busy.headers.add("Retry-After", "2");
      return busy;
    }
    return fake(r);
  };
  auto c = retrying(proxy).send(clerk::frontend::read_client{}, token);
  REQUIRE_MESSAGE(c.has_value(), c.error().message());
  CHECK(*sent == 2);
  REQUIRE(c->current() != nullptr);
  CHECK(c->current()->sessions.size() == 1);
}

TEST_CASE("a pending session (an instance with session tasks) is adopted, lost answer or not") {
  fake_clerk fake({.session_tasks = {"choose-organization"}});
  fake.add_user("user_1");
  watched w{fake};
  bool lost = false;
  SUBCASE("the sign-in's answer arrives") {}
  SUBCASE("the sign-in's answer is lost") {
    lost = true;
    w.on_sign_in = [fake](const clerk::http_request&) -> std::optional<clerk::transport_result> {
      fake.drop_next_answers(1);  // Clerk carries the sign-in out; its answer is lost
      return std::nullopt;
    };
  }
  CAPTURE(lost);
  auto t = mint(fake);
  clerk::frontend::client_token token;
  auto s = clerk::frontend::consume_ticket(frontend(std::cref(w)), token, t.ticket);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  CHECK(*w.sign_ins == 1);
  CHECK(s->recovered == lost);
  CHECK(s->user_id == "user_1");
  CHECK(s->status == clerk::frontend::session_status::pending);
  CHECK(fake.find_session(s->session_id)->status == "pending");
  CHECK(jwt_claim(s->jwt.reveal(), "sid") == s->session_id);
  CHECK(jwt_claim(s->jwt.reveal(), "sts") == "pending");
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);
}

TEST_CASE("without a user to expect, recovery adopts a lone new session, never one of several") {
  auto fake = populated_sign_in();
  auto t = mint(fake, "user_1");
  const clerk::secret ticket{std::string(crowded_client::opaque_ticket)};
  const std::string real(t.ticket.reveal());
  clerk::frontend::client_token token;

  SUBCASE("one new session: adopted") {
    auto s =
        clerk::frontend::consume_ticket(frontend(crowded_client{fake, false, real}), token, ticket);
    REQUIRE_MESSAGE(s.has_value(), s.error().message());
    CHECK(s->recovered);
    CHECK(s->user_id == "user_1");
  }
  SUBCASE("two new sessions: an error that names the remedy, no session adopted") {
    auto s =
        clerk::frontend::consume_ticket(frontend(crowded_client{fake, true, real}), token, ticket);
    REQUIRE(s.has_error());
    INFO(s.error().message());
    REQUIRE(s.error().as_transport() != nullptr);
    CHECK_FALSE(s.error().as_transport()->request_not_sent);
    CHECK(s.error().message().find("2 new sessions") != std::string::npos);
    CHECK(s.error().message().find("expected_user_id") != std::string::npos);
    CHECK(s.error().message().find("may be spent") != std::string::npos);
    CHECK(s.error().session_id().empty());
  }
  SUBCASE("two new sessions and the user expected: that user's is adopted") {
    auto s = clerk::frontend::consume_ticket(frontend(crowded_client{fake, true, real}), token,
                                             ticket, {.expected_user_id = "user_1"});
    REQUIRE_MESSAGE(s.has_value(), s.error().message());
    CHECK(s->recovered);
    CHECK(s->session_id != "sess_other");
    CHECK(s->user_id == "user_1");
  }
  CHECK(fake.find_token(t.id)->status == clerk::sign_in_token_status::accepted);
}
