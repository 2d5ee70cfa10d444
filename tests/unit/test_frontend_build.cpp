// The exact request each Frontend API operation builds.
#include <clerk/frontend/operations.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>

namespace {

clerk::frontend::frontend_config fapi(std::string url = "https://clerk.example.com") {
  auto c = clerk::frontend::frontend_config::make({.frontend_api_url = std::move(url)});
  REQUIRE(c.has_value());
  return *c;
}

const clerk::frontend::client_token token(
    "Bearer eyJhbGciOiJSUzI1NiJ9.eyJpZCI6ImNsaWVudF8xIn0.c2ln");

// The headers every Frontend API request carries, in order, after
// Authorization (when there is a token).
void check_common_headers(const clerk::http_request& r, bool with_token) {
  std::size_t i = 0;
  if (with_token) {
    REQUIRE(r.headers.size() >= 1);
    CHECK(r.headers[0] == clerk::header{"Authorization", std::string(token.reveal())});
    i = 1;
  }
  REQUIRE(r.headers.size() >= i + 3);
  CHECK(r.headers[i] == clerk::header{"Clerk-API-Version", "2026-05-12"});
  CHECK(r.headers[i + 1].name == "User-Agent");
  CHECK(r.headers[i + 2] == clerk::header{"Accept", "application/json"});
  CHECK_FALSE(r.headers.find("Origin"));
  CHECK_FALSE(r.headers.find("Cookie"));
  CHECK(r.follow_redirects == false);
}

}  // namespace

TEST_CASE("create_client: POST /v1/client?_is_native=1, no body, no token") {
  auto r = clerk::frontend::build_request(clerk::frontend::create_client{}, fapi(),
                                          clerk::frontend::client_token{});
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url == "https://clerk.example.com/v1/client?_is_native=1");
  CHECK(r->headers.size() == 3);
  check_common_headers(*r, false);
  CHECK(r->body.empty());
}

TEST_CASE("read_client: GET /v1/client?_is_native=1 with the client token verbatim") {
  auto r = clerk::frontend::build_request(clerk::frontend::read_client{}, fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::get);
  CHECK(r->url == "https://clerk.example.com/v1/client?_is_native=1");
  CHECK(r->headers.size() == 4);
  check_common_headers(*r, true);
  CHECK(r->body.empty());
}

TEST_CASE("sign_in_with_ticket: a form body strategy=ticket&ticket=..., encoded as a form") {
  auto r = clerk::frontend::build_request(
      clerk::frontend::sign_in_with_ticket{clerk::secret("eyJ0eXAi.eyJzdWIi.a+b/c= d~")}, fapi(),
      token);
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url == "https://clerk.example.com/v1/client/sign_ins?_is_native=1");
  CHECK(r->headers.size() == 5);
  check_common_headers(*r, true);
  CHECK(r->headers[4] == clerk::header{"Content-Type", "application/x-www-form-urlencoded"});
  CHECK(r->body == "strategy=ticket&ticket=eyJ0eXAi.eyJzdWIi.a%2Bb%2Fc%3D+d%7E");
}

TEST_CASE("sign_in_with_ticket without a client token sends no Authorization") {
  auto r = clerk::frontend::build_request(clerk::frontend::sign_in_with_ticket{clerk::secret("t")},
                                          fapi(), clerk::frontend::client_token{});
  REQUIRE(r.has_value());
  CHECK_FALSE(r->headers.find("Authorization"));
  CHECK(r->body == "strategy=ticket&ticket=t");
}

TEST_CASE("touch_session: the session id as one path segment and the optional fields") {
  auto r = clerk::frontend::build_request(clerk::frontend::touch_session{.session_id = "sess_1"},
                                          fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url == "https://clerk.example.com/v1/client/sessions/sess_1/touch?_is_native=1");
  check_common_headers(*r, true);
  CHECK(r->headers.find("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r->body.empty());

  r = clerk::frontend::build_request(
      clerk::frontend::touch_session{.session_id = "sess/1 ?#",
                                     .active_organization_id = "",
                                     .intent = clerk::frontend::touch_intent::select_session},
      fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->url ==
        "https://clerk.example.com/v1/client/sessions/sess%2F1%20%3F%23/touch?_is_native=1");
  CHECK(r->body == "active_organization_id=&intent=select_session");
}

TEST_CASE("mint_session_token: POST .../tokens, organization_id only when set") {
  auto r = clerk::frontend::build_request(
      clerk::frontend::mint_session_token{.session_id = "sess_1"}, fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url == "https://clerk.example.com/v1/client/sessions/sess_1/tokens?_is_native=1");
  check_common_headers(*r, true);
  CHECK(r->body.empty());
  r = clerk::frontend::build_request(
      clerk::frontend::mint_session_token{.session_id = "sess_1", .organization_id = "org_1"},
      fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->body == "organization_id=org_1");
}

TEST_CASE("mint_session_token_from_template: both ids as path segments, no body") {
  auto r = clerk::frontend::build_request(
      clerk::frontend::mint_session_token_from_template{.session_id = "sess_1",
                                                        .template_name = "my tpl/x"},
      fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url ==
        "https://clerk.example.com/v1/client/sessions/sess_1/tokens/my%20tpl%2Fx?_is_native=1");
  CHECK(r->headers.size() == 4);
  check_common_headers(*r, true);
  CHECK(r->body.empty());
}

TEST_CASE("remove_session: POST .../remove, no body") {
  auto r = clerk::frontend::build_request(clerk::frontend::remove_session{.session_id = "sess_1"},
                                          fapi(), token);
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url == "https://clerk.example.com/v1/client/sessions/sess_1/remove?_is_native=1");
  CHECK(r->headers.size() == 4);
  check_common_headers(*r, true);
  CHECK(r->body.empty());
}

TEST_CASE("bad fields are refused before anything is built, naming the field") {
  auto field_of = [](const auto& r) {
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    return r.error().as_invalid_request()->field;
  };
  CHECK(field_of(clerk::frontend::build_request(clerk::frontend::sign_in_with_ticket{}, fapi(),
                                                token)) == "ticket");
  CHECK(field_of(clerk::frontend::build_request(
            clerk::frontend::sign_in_with_ticket{clerk::secret("a\r\nb")}, fapi(), token)) ==
        "ticket");
  CHECK(field_of(clerk::frontend::build_request(clerk::frontend::touch_session{}, fapi(), token)) ==
        "session_id");
  CHECK(field_of(clerk::frontend::build_request(clerk::frontend::remove_session{".."}, fapi(),
                                                token)) == "session_id");
  CHECK(field_of(clerk::frontend::build_request(clerk::frontend::mint_session_token{"sess\xff"},
                                                fapi(), token)) == "session_id");
  CHECK(field_of(clerk::frontend::build_request(
            clerk::frontend::mint_session_token_from_template{"sess_1", ""}, fapi(), token)) ==
        "template_name");
}

TEST_CASE("the printed request redacts the client token and the ticket") {
  auto r = clerk::frontend::build_request(clerk::frontend::sign_in_with_ticket{clerk::secret(
                                              "eyJhbGciOiJSUzI1NiJ9.eyJzdCI6InNpZ24ifQ.c2ln")},
                                          fapi(), token);
  REQUIRE(r.has_value());
  std::ostringstream os;
  os << *r;
  CHECK(os.str().find("eyJ") == std::string::npos);
  CHECK(os.str().find("c2ln") == std::string::npos);
  CHECK(os.str().find("[redacted]") != std::string::npos);
}

TEST_CASE("a frontend configuration takes an explicit URL or a publishable key") {
  auto from_key =
      clerk::frontend::frontend_config::from_publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k");
  REQUIRE(from_key.has_value());
  CHECK(from_key->base_url() == "https://clerk.example.com");
  auto bad_key = clerk::frontend::frontend_config::from_publishable_key("sk_live_nope");
  REQUIRE(bad_key.has_error());
  CHECK(bad_key.error().as_invalid_request()->field == "publishable_key");
  auto both = clerk::frontend::frontend_config::from_publishable_key(
      "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k", {.frontend_api_url = "https://x.y"});
  REQUIRE(both.has_error());
  CHECK(both.error().as_invalid_request()->field == "frontend_api_url");

  CHECK(fapi("http://127.0.0.1:8080/").base_url() == "http://127.0.0.1:8080");
  for (const char* url : {"", "clerk.example.com", "https://user:pw@clerk.example.com",
                          "https://clerk.example.com/?x=1", "https:// x"}) {
    CAPTURE(url);
    auto c = clerk::frontend::frontend_config::make({.frontend_api_url = url});
    REQUIRE(c.has_error());
    CHECK(c.error().as_invalid_request()->field == "frontend_api_url");
  }
  auto c = clerk::frontend::frontend_config::make(
      {.frontend_api_url = "https://a.b", .api_version = "x\n"});
  REQUIRE(c.has_error());
  CHECK(c.error().as_invalid_request()->field == "api_version");
}

TEST_CASE("a client token is never printed and follows the answers' Authorization") {
  clerk::frontend::client_token t;
  std::ostringstream os;
  os << t;
  CHECK(os.str() == "(none)");
  t.update(std::nullopt);
  CHECK(t.empty());
  t.update(clerk::secret("Bearer eyJnew.eyJx.sig"));
  CHECK(t.reveal() == "Bearer eyJnew.eyJx.sig");
  os.str("");
  os << t;
  CHECK(os.str() == "[redacted]");
  t.update(std::nullopt);  // no header: keep it
  CHECK(t.reveal() == "Bearer eyJnew.eyJx.sig");
  t.update(clerk::secret("Bearer"));  // a bare scheme clears it
  CHECK(t.empty());
  t.update(clerk::secret("raw-token-value"));  // a raw value is kept verbatim
  CHECK(t.reveal() == "raw-token-value");
  t.update(clerk::secret(""));
  CHECK(t.empty());
}

TEST_CASE("only the idempotent operations build replayable requests; the sign-in is not") {
  CHECK_FALSE(clerk::frontend::build_request(clerk::frontend::create_client{}, fapi(),
                                             clerk::frontend::client_token{})
                  ->replayable);
  CHECK_FALSE(clerk::frontend::build_request(
                  clerk::frontend::sign_in_with_ticket{clerk::secret("ticket_x")}, fapi(), token)
                  ->replayable);
  CHECK(clerk::frontend::build_request(clerk::frontend::read_client{}, fapi(), token)->replayable);
  CHECK(clerk::frontend::build_request(clerk::frontend::remove_session{"sess_1"}, fapi(), token)
            ->replayable);
}

TEST_CASE("a client token holding CR, LF or a control byte is refused when a request is built") {
  for (const char* bad : {"Bearer eyJ.e30.\r\nX-Injected: yes", "Bearer a\rb", "Bearer a\nb",
                          "Bearer a\tb", "Bearer a\x7f", "Bearer \xc3\xa9", " Bearer a"}) {
    CAPTURE(bad);
    const clerk::frontend::client_token stored(bad);  // as read back from storage
    auto r = clerk::frontend::build_request(clerk::frontend::read_client{}, fapi(), stored);
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    CHECK(r.error().as_invalid_request()->field == "client_token");
    clerk::frontend::client_token answered;  // as taken from an answer's Authorization
    answered.update(clerk::secret(bad));
    auto a = clerk::frontend::build_request(clerk::frontend::read_client{}, fapi(), answered);
    REQUIRE(a.has_error());
    CHECK(a.error().as_invalid_request()->field == "client_token");
  }
  CHECK(clerk::frontend::build_request(clerk::frontend::read_client{}, fapi(), token).has_value());
}

TEST_CASE("client tokens compare by value") {
  CHECK(clerk::frontend::client_token("Bearer a.b.c") ==
        clerk::frontend::client_token("Bearer a.b.c"));
  CHECK(clerk::frontend::client_token("Bearer a.b.c") !=
        clerk::frontend::client_token("Bearer a.b.d"));
  CHECK(clerk::frontend::client_token() == clerk::frontend::client_token(""));
}

TEST_CASE("a Frontend API request asks the transport for the configured body limit") {
  for (std::size_t limit : {std::size_t{16} << 10, std::size_t{4} << 20}) {
    clerk::frontend::frontend_options o;
    o.frontend_api_url = "https://clerk.example.com";
    o.limits.max_body_bytes = limit;
    auto cfg = clerk::frontend::frontend_config::make(o);
    REQUIRE(cfg.has_value());
    auto r = clerk::frontend::build_request(clerk::frontend::read_client{}, *cfg, token);
    REQUIRE(r.has_value());
    CHECK(r->max_body_bytes == limit);
  }
}
