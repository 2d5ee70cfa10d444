// The example server (examples/example_server.cpp), run as a process against
// the fake Clerk served on 127.0.0.1, as each of its callers meets it: a
// user's session JWT on /me and on the permission-gated /reports, machines'
// tokens on /machine, and signed, redelivered and tampered webhook
// deliveries on /webhooks/clerk. Session JWTs with organization claims are
// signed here with the fake's own key: the fake keeps no permissions.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>
#include <clerk/frontend/sign_in.hpp>
#include <clerk/webhooks.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

namespace json = boost::json;

const std::string example_signing_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// The fake Clerk on the system clock (the server checks times with it),
// signing with a real RSA key, and served over HTTP on 127.0.0.1.
struct loopback_clerk {
  std::shared_ptr<clerk::fakes::openssl_signer> signer =
      std::make_shared<clerk::fakes::openssl_signer>();
  clerk::fakes::fake_clerk fake{[this] {
    clerk::fakes::fake_clerk_options o;
    o.signer = signer;
    o.clock = [] {
      return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    };
    return o;
  }()};
  clerk_test::fake_clerk_server http{fake};

  // A session JWT of user_1, from a ticket redeemed as a native client does.
  std::string signed_in_user() const {
    fake.add_user("user_1");
    auto cfg = clerk::config::make({.secret_key = fake.secret_key()});
    REQUIRE(cfg.has_value());
    auto sit = clerk::client(*cfg, fake).send(clerk::create_sign_in_token{.user_id = "user_1"});
    REQUIRE(sit.has_value());
    auto fapi = clerk::frontend::frontend_config::make({.frontend_api_url = "http://127.0.0.1:1"});
    REQUIRE(fapi.has_value());
    clerk::frontend::client_token client_token;
    auto s = clerk::frontend::consume_ticket(clerk::client(*fapi, fake), client_token,
                                             clerk::secret(std::string(sit->token->reveal())));
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message()));
    return std::string(s->jwt.reveal());
  }
};

// A v2 session JWT of user_2 signed by `signer`, living until `expires_in`
// from now, with `claims` beside the registered ones.
std::string session_jwt(const clerk::fakes::openssl_signer& signer, const json::object& claims,
                        std::chrono::seconds expires_in = 60s) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  json::object c{{"iss", "https://clerk.fake-clerk.test"},
                 {"sub", "user_2"},
                 {"sid", "sess_2"},
                 {"iat", now - 1},
                 {"nbf", now - 10},
                 {"exp", now + expires_in.count()},
                 {"v", 2}};
  for (const auto& member : claims)
    c[member.key()] = member.value();
  json::object header{{"alg", "RS256"}, {"kid", signer.kid()}, {"typ", "JWT"}};
  return signer.jwt(json::serialize(header), json::serialize(c));
}

// Organization org_1 with the feature "reports", whose permissions read and
// manage are granted by the bits of `mask` (1: read, 2: manage), and the
// factor verification ages `fva`.
json::object in_org(int mask, json::array fva = {0, -1}) {
  return {
      {"fea", "o:reports"},
      {"o",
       {{"id", "org_1"}, {"rol", "admin"}, {"per", "read,manage"}, {"fpm", std::to_string(mask)}}},
      {"fva", std::move(fva)}};
}

struct answer {
  int status = 0;
  json::value body;  // null when empty
  std::string text;
};

// The example server as a process, on the port it picked; its environment is
// the fake's secret key, the webhook signing secret and `env`.
class example_server {
 public:
  example_server(const loopback_clerk& clerk, std::vector<std::string> env = {})
      : process_(CLERK_EXAMPLE_SERVER_PATH, {"--port", "0", "--api-url", clerk.http.base_url()},
                 with_defaults(clerk, std::move(env))) {
    const std::string line = process_.first_line(std::chrono::seconds(10));
    const std::string listening = "listening on ";
    REQUIRE(line.starts_with(listening + "http://127.0.0.1:"));
    client_.emplace(line.substr(listening.size()));
    client_->set_read_timeout(10);
  }

  answer send(const std::string& method, const std::string& path, const httplib::Headers& headers,
              const std::string& body = "") {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = headers;
    req.body = body;
    if (!body.empty())
      req.set_header("Content-Type", "application/json");
    auto r = client_->send(req);
    REQUIRE_MESSAGE(r, "no answer: " << httplib::to_string(r.error()));
    answer a{r->status, nullptr, r->body};
    if (!r->body.empty()) {
      boost::system::error_code ec;
      a.body = json::parse(r->body, ec);
      REQUIRE_MESSAGE(!ec, "not JSON: " << r->body);
    }
    return a;
  }
  answer get(const std::string& path, const std::string& token = "",
             const std::string& method = "GET") {
    httplib::Headers h;
    if (!token.empty())
      h.emplace("Authorization", "Bearer " + token);
    return send(method, path, h);
  }
  answer deliver(const clerk::header_list& headers, const std::string& body) {
    httplib::Headers h;
    for (const auto& f : headers)
      if (f.name != "Content-Type")
        h.emplace(f.name, f.value);
    return send("POST", "/webhooks/clerk", h, body);
  }
  clerk_test::process_result stop() {
    client_.reset();
    return process_.stop();
  }

 private:
  static std::vector<std::string> with_defaults(const loopback_clerk& clerk,
                                                std::vector<std::string> env) {
    env.push_back("PATH=/usr/bin:/bin");
    env.push_back("CLERK_SECRET_KEY=" + clerk.fake.secret_key());
    env.push_back("CLERK_WEBHOOK_SIGNING_SECRET=" + example_signing_secret);
    return env;
  }
  clerk_test::background_process process_;
  std::optional<httplib::Client> client_;
};

std::string error_of(const answer& a) {
  const auto* o = a.body.if_object();
  const auto* e = o ? o->if_contains("error") : nullptr;
  return e && e->is_string() ? std::string(e->get_string()) : "(no error member: " + a.text + ")";
}

}  // namespace

TEST_CASE(
    "example_server: /me answers a signed-in user, and 401 for no, expired or forged tokens") {
  loopback_clerk clerk;
  const std::string user_jwt = clerk.signed_in_user();
  example_server server(clerk);

  auto me = server.get("/me", user_jwt);
  REQUIRE(me.status == 200);
  CHECK(me.body.at("user_id") == "user_1");
  CHECK(me.body.at("session_id").as_string().starts_with("sess_"));
  CHECK_FALSE(me.body.as_object().contains("org_id"));
  // A browser sends it as the __session cookie.
  auto cookie = server.send("GET", "/me", {{"Cookie", "theme=dark; __session=" + user_jwt}});
  CHECK(cookie.status == 200);
  CHECK(cookie.body == me.body);

  auto none = server.get("/me");
  CHECK(none.status == 401);
  CHECK(error_of(none) == "session-token-missing");
  auto expired = server.get("/me", session_jwt(*clerk.signer, {}, -120s));
  CHECK(expired.status == 401);
  CHECK(error_of(expired) == "token-expired");
  clerk::fakes::openssl_signer other_key;  // the same kid, another key
  auto forged = server.get("/me", session_jwt(other_key, {}));
  CHECK(forged.status == 401);
  CHECK(error_of(forged) == "token-invalid-signature");
  auto machine = server.get("/me", clerk.fake.m2m_jwt("mch_1"));
  CHECK(machine.status == 401);
  CHECK(error_of(machine) == "token-type-mismatch");
  CHECK(server.stop().exit_code == 0);
}

TEST_CASE("example_server: /reports needs the organization's permission, DELETE a recent factor") {
  loopback_clerk clerk;
  example_server server(clerk);
  const auto& signer = *clerk.signer;

  auto reader = server.get("/reports", session_jwt(signer, in_org(1)));
  REQUIRE(reader.status == 200);
  CHECK(reader.body.at("org_id") == "org_1");
  auto me = server.get("/me", session_jwt(signer, in_org(1)));
  CHECK(me.body.at("org_id") == "org_1");
  for (const auto& claims : {in_org(0), in_org(2), json::object{}}) {
    CAPTURE(json::serialize(claims));
    auto refused = server.get("/reports", session_jwt(signer, claims));
    CHECK(refused.status == 403);
    CHECK(error_of(refused) == "forbidden");
    CHECK(refused.body.at("missing") == "org:reports:read");
  }

  // Deleting needs manage, then a factor verified within 10 minutes: the
  // second, or the first for a user who has no second (fva's -1).
  auto reader_deletes = server.get("/reports", session_jwt(signer, in_org(1, {0, 0})), "DELETE");
  CHECK(reader_deletes.status == 403);
  CHECK(reader_deletes.body.at("missing") == "org:reports:manage");
  auto stale = server.get("/reports", session_jwt(signer, in_org(3, {0, 11})), "DELETE");
  CHECK(stale.status == 403);
  CHECK(stale.body.at("clerk_error").at("reason") == "reverification-error");
  CHECK(stale.body.at("clerk_error").at("metadata").at("reverification") == "strict");
  auto stale_first = server.get("/reports", session_jwt(signer, in_org(3, {11, -1})), "DELETE");
  CHECK(stale_first.status == 403);
  CHECK(stale_first.text == stale.text);
  for (const auto& fva : {json::array{0, 9}, json::array{9, -1}}) {
    CAPTURE(json::serialize(fva));
    auto manager = server.get("/reports", session_jwt(signer, in_org(3, fva)), "DELETE");
    CHECK(manager.status == 204);
    CHECK(manager.text.empty());
  }
  CHECK(server.get("/reports", "", "DELETE").status == 401);
  CHECK(server.stop().exit_code == 0);
}

TEST_CASE("example_server: /machine answers M2M tokens, JWT or opaque, and refuses users") {
  loopback_clerk clerk;
  const std::string user_jwt = clerk.signed_in_user();
  example_server server(clerk);

  auto jwt = server.get("/machine", clerk.fake.m2m_jwt("mch_1", {"mch_2", "mch_3"}));
  REQUIRE(jwt.status == 200);
  CHECK(jwt.body.at("kind") == "m2m_token");
  CHECK(jwt.body.at("subject") == "mch_1");
  CHECK(jwt.body.at("id").as_string().starts_with("mt_"));
  CHECK(jwt.body.at("scopes") == json::array{"mch_2", "mch_3"});

  // An opaque token: the server asks the fake's Backend API.
  const std::string opaque = clerk.fake.create_m2m_token("mch_4", {"reports"});
  const auto requests = clerk.fake.request_count();
  auto mt = server.get("/machine", opaque);
  REQUIRE(mt.status == 200);
  CHECK(mt.body.at("subject") == "mch_4");
  CHECK(mt.body.at("scopes") == json::array{"reports"});
  CHECK(clerk.fake.request_count() == requests + 1);
  REQUIRE(clerk.fake.revoke_machine_token(opaque));
  auto revoked = server.get("/machine", opaque);
  CHECK(revoked.status == 401);
  CHECK(error_of(revoked) == "token-invalid");

  auto user = server.get("/machine", user_jwt);
  CHECK(user.status == 401);
  CHECK(error_of(user) == "token-type-mismatch");
  auto none = server.get("/machine");
  CHECK(none.status == 401);
  CHECK(error_of(none) == "No token in header");
  CHECK(server.stop().exit_code == 0);
}

TEST_CASE("example_server: a signed delivery is taken once, a tampered or unsigned one is a 400") {
  loopback_clerk clerk;
  auto secret = clerk::webhook_secret::make(example_signing_secret);
  REQUIRE(secret.has_value());
  auto d = clerk.fake.webhook("user.created", R"({"object":"user","id":"user_9"})", *secret,
                              clerk::openssl_hmac{});
  REQUIRE(d.has_value());
  const std::string id(d->headers.find("svix-id").value());
  example_server server(clerk);

  auto taken = server.deliver(d->headers, d->body);
  CHECK(taken.status == 204);
  CHECK(taken.text.empty());
  auto again = server.deliver(d->headers, d->body);  // Svix's redelivery: the same svix-id
  CHECK(again.status == 204);

  std::string tampered = d->body;
  tampered.replace(tampered.find("user_9"), 6, "user_8");
  auto forged = server.deliver(d->headers, tampered);
  CHECK(forged.status == 400);
  CHECK(error_of(forged) == "no-matching-signature");
  const std::string signature(d->headers.find("svix-signature").value());
  CHECK(forged.text.find(signature.substr(3, 16)) == std::string::npos);
  CHECK(forged.text.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == std::string::npos);

  clerk::header_list unsigned_headers;
  for (const auto& h : d->headers)
    if (h.name != "svix-signature")
      unsigned_headers.add(h.name, h.value);
  auto missing = server.deliver(unsigned_headers, d->body);
  CHECK(missing.status == 400);
  CHECK(error_of(missing) == "missing-headers");

  auto stopped = server.stop();
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.out.find("webhook user.created " + id + "\n") != std::string::npos);
  CHECK(stopped.out.find("webhook user.created " + id + " duplicate\n") != std::string::npos);
  CHECK(std::count(stopped.out.begin(), stopped.out.end(), '\n') == 3);  // listening, two events
}

TEST_CASE("example_server: with CLERK_JWT_KEY it verifies users and M2M JWTs without the network") {
  loopback_clerk clerk;
  example_server server(clerk, {"CLERK_JWT_KEY=" + clerk.signer->public_pem()});
  const auto requests = clerk.fake.request_count();
  CHECK(server.get("/me", session_jwt(*clerk.signer, {})).body.at("user_id") == "user_2");
  CHECK(server.get("/reports", session_jwt(*clerk.signer, in_org(1))).status == 200);
  CHECK(server.get("/machine", clerk.fake.m2m_jwt("mch_1")).body.at("subject") == "mch_1");
  clerk::fakes::openssl_signer other_key;
  CHECK(error_of(server.get("/me", session_jwt(other_key, {}))) == "token-invalid-signature");
  CHECK(clerk.fake.request_count() == requests);
  CHECK(server.stop().exit_code == 0);
}

TEST_CASE("example_server refuses to start without a secret key or with a bad signing secret") {
  auto run = [](std::vector<std::string> env) {
    env.push_back("PATH=/usr/bin:/bin");
    auto r = clerk_test::run_process(CLERK_EXAMPLE_SERVER_PATH, {"--port", "0"}, env, 10s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    return r.err;
  };
  CHECK(run({}).find("CLERK_SECRET_KEY") != std::string::npos);
  auto bad = run({"CLERK_SECRET_KEY=sk_test_x", "CLERK_WEBHOOK_SIGNING_SECRET=whsec_short"});
  CHECK(bad.find("secret-invalid") != std::string::npos);
  CHECK(bad.find("whsec_short") == std::string::npos);
  auto pem = run({"CLERK_SECRET_KEY=sk_test_x", "CLERK_JWT_KEY=not a key"});
  CHECK(pem.find("CLERK_JWT_KEY: ") != std::string::npos);
}
