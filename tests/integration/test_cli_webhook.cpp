// Webhooks through the two programs of examples/ (issue 27):
// `clerk-sign-in-token verify-webhook`, run as a process on deliveries the
// fake Clerk signs (the event on stdout; a refusal's reason on stderr, never
// the secret or a signature; exit codes 1 and 2), and `fake_clerk_server
// --webhook-url`, whose user.created and session.created a receiver on
// 127.0.0.1 gets and the library verifies.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/frontend/sign_in.hpp>
#include <clerk/transport/curl.hpp>
#include <clerk/webhooks.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using delivery = clerk::fakes::fake_clerk::webhook_delivery;

const std::string signing_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

clerk::webhook_secret secret() {
  auto s = clerk::webhook_secret::make(signing_secret);
  REQUIRE(s.has_value());
  return *s;
}

// A fake Clerk on the system clock: its deliveries are current for the CLI.
clerk::fakes::fake_clerk live_fake() {
  return clerk::fakes::fake_clerk({.clock = [] {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }});
}

// "--header" "Name: value" for each header of `d` but Content-Type.
std::vector<std::string> header_args(const clerk::header_list& headers) {
  std::vector<std::string> args;
  for (const auto& h : headers)
    if (h.name != "Content-Type") {
      args.push_back("--header");
      args.push_back(h.name + ": " + h.value);
    }
  return args;
}

// Runs `clerk-sign-in-token verify-webhook ARGS...` with `body` on stdin and
// the secret (when given) in CLERK_WEBHOOK_SIGNING_SECRET; checks that
// neither the secret nor a signature shows in its output, and that a
// refusal says one line.
clerk_test::process_result verify_webhook(std::vector<std::string> args, const std::string& body,
                                          const std::string& secret_text = signing_secret) {
  args.insert(args.begin(), "verify-webhook");
  std::vector<std::string> env{"PATH=/usr/bin:/bin"};
  if (!secret_text.empty())
    env.push_back("CLERK_WEBHOOK_SIGNING_SECRET=" + secret_text);
  clerk_test::temp_file input(body);
  auto r = clerk_test::run_process(CLERK_CLI_PATH, args, env, std::chrono::seconds(30), input.path);
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.err.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == std::string::npos);
  for (const auto& a : args)
    if (auto comma = a.find("v1,"); comma != std::string::npos)
      CHECK(r.err.find(a.substr(comma + 3, 16)) == std::string::npos);
  if (r.exit_code == 1)
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  return r;
}

// The --header arguments of `body` signed as sent `offset` from now.
std::vector<std::string> signed_at(const std::string& body, std::chrono::seconds offset) {
  const auto at =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + offset;
  auto signature = clerk::sign_webhook("msg_cli", at, body, secret(), clerk::openssl_hmac{});
  REQUIRE(signature.has_value());
  return {"--header", "svix-id: msg_cli",
          "--header", "svix-timestamp: " + std::to_string(at.time_since_epoch().count()),
          "--header", "svix-signature: " + *signature};
}

// Deliveries a receiver on 127.0.0.1 got, as it got them.
class receiver {
 public:
  receiver()
      : server_([this](httplib::Server& s) {
          s.Post("/clerk/webhooks", [this](const httplib::Request& req, httplib::Response& res) {
            delivery d;
            for (const auto& [name, value] : req.headers)
              d.headers.add(name, value);
            d.body = req.body;
            {
              std::lock_guard<std::mutex> lock(m_);
              got_.push_back(std::move(d));
            }
            changed_.notify_all();
            res.status = 204;
          });
        }) {}
  std::string url() const { return server_.origin() + "/clerk/webhooks"; }

  // The first `n` deliveries, or fewer when 20 s pass first.
  std::vector<delivery> wait_for(std::size_t n) {
    std::unique_lock<std::mutex> lock(m_);
    changed_.wait_for(lock, std::chrono::seconds(20), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex m_;
  std::condition_variable changed_;
  std::vector<delivery> got_;
  clerk_test::loopback_server server_;  // last: it stops first
};

}  // namespace

TEST_CASE("verify-webhook prints a genuine delivery's id, type and data") {
  auto fake = live_fake();
  auto d = fake.webhook("user.created", R"({"object":"user","id":"user_1","first_name":"Ada"})",
                        secret(), clerk::openssl_hmac{});
  REQUIRE(d.has_value());
  auto r = verify_webhook(header_args(d->headers), d->body);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  boost::system::error_code ec;
  auto out = json::parse(r.out, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(out.is_object());
  CHECK(out.at("id").as_string() == d->headers.find("svix-id").value());
  CHECK(out.at("type").as_string() == "user.created");
  CHECK(json::serialize(out.at("data")) == R"({"object":"user","id":"user_1","first_name":"Ada"})");
  CHECK(r.out.ends_with("}\n"));

  // The standard's header names, and --header=VALUE, do as well.
  std::vector<std::string> standard;
  for (const auto& h : d->headers)
    if (h.name.starts_with("svix-"))
      standard.push_back("--header=webhook-" + h.name.substr(5) + ":" + h.value);
  CHECK(verify_webhook(standard, d->body).exit_code == 0);
}

TEST_CASE("verify-webhook reads the body byte for byte: a final newline is part of it") {
  auto fake = live_fake();
  auto with_newline = fake.webhook("user.updated", "{}", secret(), clerk::openssl_hmac{});
  REQUIRE(with_newline.has_value());
  CHECK(verify_webhook(header_args(with_newline->headers), with_newline->body).exit_code == 0);
  auto r = verify_webhook(header_args(with_newline->headers), with_newline->body + "\n");
  CHECK(r.exit_code == 1);
  CHECK(r.err.starts_with("clerk-sign-in-token: invalid webhook: no-matching-signature: "));
}

TEST_CASE("verify-webhook exits 1 naming why a delivery is refused") {
  auto fake = live_fake();
  auto d = fake.webhook("session.created", R"({"object":"session","id":"sess_1"})", secret(),
                        clerk::openssl_hmac{});
  REQUIRE(d.has_value());
  const auto args = header_args(d->headers);

  std::string tampered = d->body;
  tampered.replace(tampered.find("sess_1"), 6, "sess_2");
  auto forged = verify_webhook(args, tampered);
  CHECK(forged.exit_code == 1);
  CHECK(forged.err ==
        "clerk-sign-in-token: invalid webhook: no-matching-signature: none of the 1 v1 "
        "signatures in svix-signature is this message's\n");
  CHECK(forged.out.empty());

  auto other = verify_webhook(args, d->body, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  CHECK(other.exit_code == 1);
  CHECK(other.err.find("no-matching-signature") != std::string::npos);

  std::vector<std::string> no_id(args.begin() + 2, args.end());
  auto missing = verify_webhook(no_id, d->body);
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "clerk-sign-in-token: invalid webhook: missing-headers: svix-id\n");

  // Signed ten minutes ago: too old, unless the tolerance says otherwise.
  const std::string event = R"({"type":"session.ended","data":{}})";
  auto old = signed_at(event, std::chrono::minutes(-10));
  auto late = verify_webhook(old, event);
  CHECK(late.exit_code == 1);
  CHECK(late.err.find("invalid webhook: timestamp-too-old: ") != std::string::npos);
  old.insert(old.end(), {"--tolerance", "900"});
  CHECK(verify_webhook(old, event).exit_code == 0);

  // Genuine, but not a Clerk event.
  auto not_event = verify_webhook(signed_at("[1]", std::chrono::seconds(0)), "[1]");
  CHECK(not_event.exit_code == 1);
  CHECK(not_event.err ==
        "clerk-sign-in-token: invalid webhook: payload-invalid: not a Clerk event: body is an "
        "array, expected a JSON object\n");
}

TEST_CASE("verify-webhook exits 2 without a usable secret or with bad arguments") {
  auto fake = live_fake();
  auto d = fake.webhook("user.created", "{}", secret(), clerk::openssl_hmac{});
  REQUIRE(d.has_value());
  const auto args = header_args(d->headers);

  auto none = verify_webhook(args, d->body, "");
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("CLERK_WEBHOOK_SIGNING_SECRET") != std::string::npos);

  auto bad = verify_webhook(args, d->body, "whsec_not-base64!MfKQ9r8GKYqr");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("secret-invalid") != std::string::npos);
  CHECK(bad.err.find("not-base64!") == std::string::npos);

  for (std::vector<std::string> wrong : {std::vector<std::string>{"--header", "no colon"},
                                         {"--header", ": no name"},
                                         {"--header"},
                                         {"--tolerance", "-1"},
                                         {"--tolerance", "soon"},
                                         {"--jwt-key", "x"},
                                         {"body.json"},
                                         {"--tolerance", "1", "--tolerance", "2"}}) {
    CAPTURE(wrong.front());
    auto r = verify_webhook(wrong, d->body);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
}

TEST_CASE("fake_clerk_server --webhook-url sends signed user.created and session.created") {
  receiver hooks;
  const std::string key = "sk_test_fake0server0webhook0key0";
  clerk_test::background_process server(CLERK_FAKE_SERVER_PATH,
                                        {"--user", "user_1", "--webhook-url", hooks.url()},
                                        {"PATH=/usr/bin:/bin", "CLERK_SECRET_KEY=" + key,
                                         "CLERK_WEBHOOK_SIGNING_SECRET=" + signing_secret});
  const std::string line = server.first_line(std::chrono::seconds(10));
  const std::string listening = "listening on ";
  REQUIRE(line.starts_with(listening));
  const std::string base_url = line.substr(listening.size());

  auto first = hooks.wait_for(1);
  REQUIRE(first.size() == 1);
  auto created = clerk::verify_webhook(first[0].headers, first[0].body, secret(),
                                       std::chrono::system_clock::now(), clerk::openssl_hmac{});
  REQUIRE_MESSAGE(created.has_value(), (created ? "" : created.error().message()));
  CHECK(created->type == "user.created");
  CHECK(created->data.text().find(R"("id":"user_1")") != std::string::npos);

  // A ticket signed in through the Frontend API: session.created.
  std::string session_id;
  {
    auto cfg = clerk::config::make({.secret_key = key, .base_url = base_url});
    REQUIRE(cfg.has_value());
    auto t = clerk::client(*cfg, clerk::curl_transport{})
                 .send(clerk::create_sign_in_token{.user_id = "user_1"});
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
    auto fapi = clerk::frontend::frontend_config::make(
        {.frontend_api_url = base_url.substr(0, base_url.size() - 3)});
    REQUIRE(fapi.has_value());
    clerk::frontend::client_token client_token;
    auto s = clerk::frontend::consume_ticket(clerk::client(*fapi, clerk::curl_transport{}),
                                             client_token, *t->token);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message()));
    session_id = s->session_id;
  }
  auto both = hooks.wait_for(2);
  REQUIRE(both.size() == 2);
  auto session = clerk::verify_webhook(both[1].headers, both[1].body, secret(),
                                       std::chrono::system_clock::now(), clerk::openssl_hmac{});
  REQUIRE_MESSAGE(session.has_value(), (session ? "" : session.error().message()));
  CHECK(session->type == "session.created");
  CHECK(session->data.text().find(R"("id":")" + session_id + '"') != std::string::npos);
  CHECK(session->id != created->id);
  // Another secret does not verify them.
  auto wrong = clerk::webhook_secret::make("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  REQUIRE(wrong.has_value());
  CHECK(clerk::verify_webhook(both[1].headers, both[1].body, *wrong,
                              std::chrono::system_clock::now(), clerk::openssl_hmac{})
            .has_error());

  auto stopped = server.stop();
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.err.find("webhook user.created " + created->id + " -> 204\n") != std::string::npos);
  CHECK(stopped.err.find("webhook session.created " + session->id + " -> 204\n") !=
        std::string::npos);
  CHECK(stopped.err.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == std::string::npos);
}

TEST_CASE("fake_clerk_server --webhook-url wants an http URL and a signing secret") {
  auto run = [](std::vector<std::string> args, std::vector<std::string> env) {
    env.push_back("PATH=/usr/bin:/bin");
    auto r = clerk_test::run_process(CLERK_FAKE_SERVER_PATH, args, env, std::chrono::seconds(10));
    CHECK_FALSE(r.timed_out);
    return r;
  };
  auto no_secret = run({"--webhook-url", "http://127.0.0.1:9/hooks"}, {});
  CHECK(no_secret.exit_code == 2);
  CHECK(no_secret.err.find("CLERK_WEBHOOK_SIGNING_SECRET") != std::string::npos);
  auto bad_secret = run({"--webhook-url", "http://127.0.0.1:9/hooks"},
                        {"CLERK_WEBHOOK_SIGNING_SECRET=whsec_short"});
  CHECK(bad_secret.exit_code == 2);
  CHECK(bad_secret.err.find("secret-invalid") != std::string::npos);
  for (const char* url :
       {"https://127.0.0.1/hooks", "127.0.0.1:9", "http://", "http://u@h/x", "ftp://127.0.0.1/"}) {
    CAPTURE(url);
    auto r = run({"--webhook-url", url}, {"CLERK_WEBHOOK_SIGNING_SECRET=" + signing_secret});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--webhook-url wants http://HOST[:PORT][/PATH]") != std::string::npos);
  }
}
