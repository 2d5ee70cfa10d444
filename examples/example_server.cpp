// example_server: a small HTTP server behind Clerk, on cpp-httplib, that
// meets every caller a server meets: users with a session JWT, machines with
// an M2M token, an API key or an OAuth access token, and Clerk itself with
// signed webhooks. A program to copy from.
//
//   export CLERK_SECRET_KEY=sk_... CLERK_WEBHOOK_SIGNING_SECRET=whsec_...
//   example_server [--port N] [--api-url URL] [--authorized-party ORIGIN]...
//
//   GET    /me              a signed-in user (Authorization: Bearer, or the
//                           __session cookie): {"user_id","session_id"[,"org_id"]}
//   GET    /reports         a user whose active organization grants
//                           org:reports:read; 403 otherwise
//   DELETE /reports         org:reports:manage, and the second factor (the
//                           first, for a user without one) verified within 10
//                           minutes: else 403 with the body Clerk's frontend
//                           SDKs read to ask the user to reverify
//   GET    /machine         a machine: {"kind","subject","id","scopes"}
//   POST   /webhooks/clerk  Clerk's events: 204 once verified, 400 with the reason
// A refused token is a 401 {"error": reason, "message"}; when Clerk could not
// be asked (the JWKS, the Backend API), a 503.
//
// Keys: CLERK_JWT_KEY, the PEM public key of Clerk's dashboard, verifies
// session and machine JWTs with no network; without it the instance's JWKS is
// fetched from the Backend API and cached. CLERK_SECRET_KEY is needed either
// way: opaque machine tokens (mt_, ak_, oat_) are checked by the Backend API
// (--api-url or CLERK_API_URL; default https://api.clerk.com/v1). Secrets
// come from the environment only: arguments show in process lists. Without
// CLERK_WEBHOOK_SIGNING_SECRET, /webhooks/clerk is not served.
//
// Listens on 127.0.0.1; port 0 (the default) picks a free one. The first line
// on stdout is "listening on http://127.0.0.1:PORT", then one line per
// webhook event: "webhook TYPE ID", or "webhook TYPE ID duplicate" for a
// redelivery. Requests are logged on stderr. SIGINT or SIGTERM stops it.
// The browser handshake (redirects to refresh a stale cookie) is out of scope.
// cpp-httplib uses exceptions (it catches a handler's); the library's calls
// here return their failures as values and need none.
#include <clerk/authorization.hpp>
#include <clerk/client.hpp>
#include <clerk/crypto/openssl.hpp>
#include <clerk/machine_tokens.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/transport/curl.hpp>
#include <clerk/webhooks.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace {

namespace json = boost::json;

int usage(std::string_view problem) {
  std::cerr << "example_server: " << problem << '\n'
            << "usage: example_server [--port N] [--api-url URL] [--authorized-party ORIGIN]...\n";
  return 2;
}

void reply(httplib::Response& res, int status, const json::object& body) {
  res.status = status;
  res.set_content(json::serialize(body), "application/json");
}

clerk::header_list headers_of(const httplib::Request& req) {
  clerk::header_list h;
  for (const auto& [name, value] : req.headers)
    h.add(name, value);
  return h;
}

// A refused token is the caller's problem (401); anything else (the JWKS or
// the Backend API out of reach) is not a verdict on the caller (503).
void refuse(httplib::Response& res, const clerk::error& e) {
  if (const clerk::invalid_token* t = e.as_invalid_token())
    return reply(res, 401, {{"error", clerk::to_string(t->reason)}, {"message", e.message()}});
  std::cerr << "example_server: cannot authenticate: " << e.message() << std::endl;
  reply(res, 503, {{"error", "authentication-unavailable"}});
}

// The ids of the last events handled. Svix redelivers an event it thinks
// failed, with the same svix-id: an app keeps these with its data instead.
class recent_events {
 public:
  explicit recent_events(std::size_t capacity) : capacity_(capacity) {}
  // True the first time `id` is seen.
  bool first_time(const std::string& id) {
    std::lock_guard<std::mutex> lock(m_);
    if (!seen_.insert(id).second)
      return false;
    order_.push_back(id);
    if (order_.size() > capacity_) {
      seen_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

 private:
  std::size_t capacity_;
  std::mutex m_;
  std::unordered_set<std::string> seen_;
  std::deque<std::string> order_;
};

// The routes for users and machines. `keys` is a session_verifier (JWKS
// fetched) or clerk::openssl_keys (PEM); `sessions` the options for users.
template <class Keys, class Client>
void serve_callers(httplib::Server& server, const Keys& keys, const Client& backend,
                   const clerk::authenticate_options& sessions) {
  // The request's signed-in user, or nullopt once the refusal is answered.
  auto user = [&keys, &backend, sessions](const httplib::Request& req, httplib::Response& res) {
    auto who = clerk::authenticate_request(headers_of(req), keys, backend,
                                           std::chrono::system_clock::now(), sessions);
    if (!who) {
      refuse(res, who.error());
      return std::optional<clerk::session_claims>();
    }
    return std::optional(std::get<clerk::session_claims>(std::move(*who)));
  };

  server.Get("/me", [user](const httplib::Request& req, httplib::Response& res) {
    auto u = user(req, res);
    if (!u)
      return;
    json::object body{{"user_id", u->user_id}, {"session_id", u->session_id}};
    if (u->organization)
      body["org_id"] = u->organization->id;
    reply(res, 200, body);
  });

  server.Get("/reports", [user](const httplib::Request& req, httplib::Response& res) {
    auto u = user(req, res);
    if (!u)
      return;
    if (!clerk::has(*u, {.permission = "org:reports:read"}))
      return reply(res, 403, {{"error", "forbidden"}, {"missing", "org:reports:read"}});
    reply(res, 200, {{"org_id", u->organization->id}, {"reports", json::array()}});
  });

  server.Delete("/reports", [user](const httplib::Request& req, httplib::Response& res) {
    auto u = user(req, res);
    if (!u)
      return;
    if (!clerk::has(*u, {.permission = "org:reports:manage"}))
      return reply(res, 403, {{"error", "forbidden"}, {"missing", "org:reports:manage"}});
    constexpr auto recently = clerk::reverification_policy::strict;
    if (!clerk::has(*u, {.reverification = recently})) {
      res.status = clerk::reverification_error_status;
      return res.set_content(clerk::reverification_error_body(recently), "application/json");
    }
    res.status = 204;  // the reports would be deleted here
  });

  auto machines = sessions;
  machines.accepts = clerk::token_type::m2m | clerk::token_type::api_key | clerk::token_type::oauth;
  server.Get("/machine",
             [&keys, &backend, machines](const httplib::Request& req, httplib::Response& res) {
               auto who = clerk::authenticate_request(headers_of(req), keys, backend,
                                                      std::chrono::system_clock::now(), machines);
               if (!who)
                 return refuse(res, who.error());
               const auto& m = std::get<clerk::machine_claims>(*who);
               json::array scopes;
               for (const auto& s : m.scopes)
                 scopes.emplace_back(s);
               reply(res, 200,
                     {{"kind", clerk::to_string(m.kind)},
                      {"subject", m.subject},
                      {"id", m.id},
                      {"scopes", std::move(scopes)}});
             });
}

void serve_webhooks(httplib::Server& server, const clerk::webhook_secret& secret,
                    recent_events& seen) {
  server.Post(
      "/webhooks/clerk", [&secret, &seen](const httplib::Request& req, httplib::Response& res) {
        auto event = clerk::verify_webhook(headers_of(req), req.body, secret,
                                           std::chrono::system_clock::now(), clerk::openssl_hmac{});
        if (!event) {  // the reason never shows the secret or a signature
          const clerk::invalid_webhook* w = event.error().as_invalid_webhook();
          return reply(res, 400,
                       {{"error", w ? clerk::to_string(w->reason) : "invalid-request"},
                        {"message", event.error().message()}});
        }
        const bool first = seen.first_time(event->id);
        // Here an app would act on the event once: event->type == "user.created",
        // event->data_as<Model>() ...; a redelivery is acknowledged all the same.
        std::cout << ("webhook " + event->type + ' ' + event->id + (first ? "\n" : " duplicate\n"))
                  << std::flush;
        res.status = 204;
      });
}

std::string getenv_or(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned port = 0;
  std::string api_url = getenv_or("CLERK_API_URL", std::string(clerk::default_base_url));
  clerk::verify_options session_rules;
  for (int i = 1; i < argc; i += 2) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc)
      return usage("missing value after " + std::string(arg));
    std::string_view value = argv[i + 1];
    if (arg == "--port") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec != std::errc() || end != value.data() + value.size() || port > 65535)
        return usage("--port wants a number from 0 to 65535");
    } else if (arg == "--api-url") {
      api_url = value;
    } else if (arg == "--authorized-party") {
      session_rules.authorized_parties.emplace_back(value);
    } else {
      return usage("unknown option " + std::string(arg));
    }
  }

  const std::string secret_key = getenv_or("CLERK_SECRET_KEY");
  if (secret_key.empty())
    return usage("CLERK_SECRET_KEY is needed (the Backend API checks opaque machine tokens)");
  auto config = clerk::config::make({.secret_key = secret_key, .base_url = api_url});
  if (!config)
    return usage(config.error().message());
  const clerk::client backend(*config, clerk::curl_transport{});

  httplib::Server server;
  server.set_payload_max_length(1024 * 1024);
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::cerr << req.method << ' ' << req.path << " -> " << res.status << std::endl;
  });

  // Users and machines: networkless with the PEM key, else the JWKS fetched.
  using verifier =
      clerk::session_verifier<clerk::openssl_keys, clerk::client<clerk::curl_transport>>;
  std::optional<clerk::openssl_keys> pem_keys;
  std::optional<verifier> jwks_keys;
  if (const std::string pem = getenv_or("CLERK_JWT_KEY"); !pem.empty()) {
    auto keys = clerk::openssl_keys::from_pem(pem);
    if (!keys)
      return usage("CLERK_JWT_KEY: " + keys.error().message());
    pem_keys.emplace(std::move(*keys));
    serve_callers(server, *pem_keys, backend, {.session = session_rules});
  } else {
    jwks_keys.emplace(backend, session_rules);
    serve_callers(server, *jwks_keys, backend, {});
  }

  std::optional<clerk::webhook_secret> webhook_secret;
  recent_events seen(1000);
  if (const std::string text = getenv_or("CLERK_WEBHOOK_SIGNING_SECRET"); !text.empty()) {
    auto secret = clerk::webhook_secret::make(text);
    if (!secret)
      return usage("CLERK_WEBHOOK_SIGNING_SECRET: " + secret.error().message());
    webhook_secret.emplace(std::move(*secret));
    serve_webhooks(server, *webhook_secret, seen);
  } else {
    std::cerr << "example_server: no CLERK_WEBHOOK_SIGNING_SECRET: /webhooks/clerk not served\n";
  }

  // Signals are taken by one thread with sigwait, blocked before any thread
  // starts, so that stop() is never called from a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", int(port)) ? int(port) : -1);
  if (bound < 0) {
    std::cerr << "example_server: cannot listen on 127.0.0.1:" << port << '\n';
    return 1;
  }
  std::cout << "listening on http://127.0.0.1:" << bound << std::endl;
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  const bool ok = server.listen_after_bind();
  if (!ok)  // listen failed on its own: wake the stopper so it can end
    pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}
