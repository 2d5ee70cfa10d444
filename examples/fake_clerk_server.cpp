// A fake Clerk on 127.0.0.1: clerk::fakes::fake_clerk served over HTTP, for
// demos and for trying the command-line tool without a Clerk instance.
//
//   fake_clerk_server [--port N] [--user ID]... [--org ID[:USER,...]]... [--seed N]
//                     [--rotate-key-after N] [--webhook-url URL]
//
// Port 0 (the default) picks a free port. The first line on stdout is
// "listening on http://127.0.0.1:PORT/v1": the Backend API's base URL. The
// Frontend API is served on the same port (/v1/client/...), so
// http://127.0.0.1:PORT is its URL for --frontend-api. The secret key it accepts is
// CLERK_SECRET_KEY, else the fake's default. SIGINT or SIGTERM stops it.
//
// Its session JWTs are signed RS256 with an RSA-2048 key made at start (a new
// one each run), their iss is http://127.0.0.1:PORT, and its keys are served
// at /v1/jwks (secret key) and /.well-known/jwks.json. --rotate-key-after N
// makes a new key (and kid) after every N session JWTs.
//
// --webhook-url http://HOST[:PORT][/PATH] makes it send Clerk's webhooks
// there, signed as Svix signs them with CLERK_WEBHOOK_SIGNING_SECRET (whsec_...,
// required then): user.created for each --user it adds at start and
// session.created for each session a ticket signs in.
// They are POSTed one at a time, in order, from a thread of their own, each
// once (no retry); each is logged on stderr as "webhook TYPE MSG_ID -> STATUS".
#include "fake_clerk_http.hpp"

#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>
#include <clerk/webhooks.hpp>

#include <boost/json/parse.hpp>

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

int usage(std::string_view problem) {
  std::cerr << "fake_clerk_server: " << problem << '\n'
            << "usage: fake_clerk_server [--port N] [--user ID]... [--org ID[:USER,...]]... "
               "[--seed N] [--rotate-key-after N] [--webhook-url URL]\n";
  return 2;
}

// Digits only, at most `max`: refused rather than wrapped on overflow.
bool parse_number(std::string_view s, unsigned long long max, unsigned long long& out) {
  if (s.empty())
    return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    unsigned digit = unsigned(c - '0');
    if (out > (max - digit) / 10)
      return false;
    out = out * 10 + digit;
  }
  return true;
}

// POSTs the fake's webhook deliveries to one URL, one at a time and in order,
// from a thread of its own: the fake hands them over under its lock.
class webhook_sender {
 public:
  using delivery = clerk::fakes::fake_clerk::webhook_delivery;

  webhook_sender(const std::string& origin, std::string path)
      : client_(origin), path_(std::move(path)), thread_([this] { run(); }) {}
  webhook_sender(const webhook_sender&) = delete;
  webhook_sender& operator=(const webhook_sender&) = delete;
  // Sends what is queued, then stops.
  ~webhook_sender() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
    }
    ready_.notify_one();
    thread_.join();
  }

  void push(delivery d) {
    {
      std::lock_guard<std::mutex> lock(m_);
      queue_.push_back(std::move(d));
    }
    ready_.notify_one();
  }

 private:
  void run() {
    client_.set_connection_timeout(5);
    client_.set_read_timeout(10);
    for (;;) {
      delivery d;
      {
        std::unique_lock<std::mutex> lock(m_);
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty())
          return;
        d = std::move(queue_.front());
        queue_.pop_front();
      }
      httplib::Headers headers;
      for (const auto& h : d.headers)
        if (!clerk::detail::iequals(h.name, "content-type"))
          headers.emplace(h.name, h.value);
      auto answer = client_.Post(path_.c_str(), headers, d.body, "application/json");
      boost::system::error_code ec;
      const auto event = boost::json::parse(d.body, ec);
      const auto* type = event.is_object() ? event.as_object().if_contains("type") : nullptr;
      std::cerr << "webhook " << (type && type->is_string() ? type->as_string().c_str() : "?")
                << ' ' << d.headers.find("svix-id").value_or("?") << " -> ";
      if (answer)
        std::cerr << answer->status << std::endl;
      else
        std::cerr << "failed: " << httplib::to_string(answer.error()) << std::endl;
    }
  }

  httplib::Client client_;
  std::string path_;
  std::mutex m_;
  std::condition_variable ready_;
  std::deque<delivery> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest is made
};

// http://HOST[:PORT][/PATH] as the origin cpp-httplib's client takes and the
// path; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> split_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    return std::nullopt;
  const auto slash = url.find('/', scheme.size());
  std::string origin(url.substr(0, slash));
  std::string path(slash == std::string_view::npos ? "/" : url.substr(slash));
  if (origin.size() == scheme.size() || origin.find_first_of("@?# ") != std::string::npos ||
      path.find_first_of("# \r\n") != std::string::npos)
    return std::nullopt;
  return std::pair{std::move(origin), std::move(path)};
}

}  // namespace

int main(int argc, char** argv) {
  clerk::fakes::fake_clerk_options options;
  if (const char* key = std::getenv("CLERK_SECRET_KEY"); key != nullptr && *key != '\0')
    options.secret_key = key;
  options.clock = [] {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  };
  unsigned long long port = 0;
  std::vector<std::string> users;
  std::vector<std::pair<std::string, std::vector<std::string>>> orgs;
  std::optional<std::pair<std::string, std::string>> webhook_url;  // origin, path
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc)
      return usage("missing value after " + std::string(arg));
    std::string_view value = argv[++i];
    if (arg == "--port") {
      if (!parse_number(value, 65535, port))
        return usage("--port wants a number from 0 to 65535");
    } else if (arg == "--seed") {
      unsigned long long seed = 0;
      if (!parse_number(value, ~0ull, seed))
        return usage("--seed wants a number");
      options.seed = seed;
    } else if (arg == "--rotate-key-after") {
      unsigned long long n = 0;
      if (!parse_number(value, ~0ull, n) || n == 0)
        return usage("--rotate-key-after wants a number of session JWTs, at least 1");
      options.rotate_key_after = static_cast<std::size_t>(n);
    } else if (arg == "--webhook-url") {
      webhook_url = split_http_url(value);
      if (!webhook_url)
        return usage("--webhook-url wants http://HOST[:PORT][/PATH]");
    } else if (arg == "--user") {
      users.emplace_back(value);
    } else if (arg == "--org") {
      auto colon = value.find(':');
      std::vector<std::string> members;
      for (auto rest = colon == std::string_view::npos ? std::string_view()
                                                       : value.substr(colon + 1);
           !rest.empty();) {
        auto comma = rest.find(',');
        members.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      orgs.emplace_back(std::string(value.substr(0, colon)), std::move(members));
    } else {
      return usage("unknown option " + std::string(arg));
    }
  }
  std::optional<clerk::webhook_secret> webhook_secret;
  if (webhook_url) {
    const char* text = std::getenv("CLERK_WEBHOOK_SIGNING_SECRET");
    if (text == nullptr || *text == '\0')
      return usage("--webhook-url needs CLERK_WEBHOOK_SIGNING_SECRET, the secret to sign with");
    auto secret = clerk::webhook_secret::make(text);
    if (!secret)
      return usage("CLERK_WEBHOOK_SIGNING_SECRET: " + secret.error().message());
    webhook_secret.emplace(std::move(*secret));
  }

  // Signals are taken by one thread with sigwait, so stop() is not called
  // from a signal handler. They are blocked before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::cerr << req.method << ' ' << req.target << " -> " << res.status << std::endl;
  });
  int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                        : (server.bind_to_port("127.0.0.1", int(port)) ? int(port) : -1);
  if (bound < 0) {
    std::cerr << "fake_clerk_server: cannot listen on 127.0.0.1:" << port << '\n';
    return 1;
  }
  // The port is known only now: the Frontend API URL, the tokens' iss.
  options.frontend_issuer = "http://127.0.0.1:" + std::to_string(bound);
  options.signer = std::make_shared<clerk::fakes::openssl_signer>();
  clerk::fakes::fake_clerk fake(std::move(options));
  std::unique_ptr<webhook_sender> sender;
  if (webhook_url) {
    sender = std::make_unique<webhook_sender>(webhook_url->first, webhook_url->second);
    fake.send_webhooks(*webhook_secret, clerk::openssl_hmac{},
                       [s = sender.get()](webhook_sender::delivery d) { s->push(std::move(d)); });
  }
  for (auto& u : users)
    fake.add_user(std::move(u));
  for (auto& [org, members] : orgs)
    fake.add_organization(std::move(org), std::move(members));
  clerk_examples::serve_fake_clerk(server, fake);
  std::cout << "listening on http://127.0.0.1:" << bound << "/v1" << std::endl;

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  bool ok = server.listen_after_bind();
  if (!ok)  // listen failed on its own: wake the stopper thread so it can end
    pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  fake.stop_webhooks();  // the sender then sends what is queued and stops
  sender.reset();
  return ok ? 0 : 1;
}
