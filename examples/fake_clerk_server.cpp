// A fake Clerk on 127.0.0.1: clerk::fakes::fake_clerk served over HTTP, for
// demos and for trying the command-line tool without a Clerk instance.
//
//   fake_clerk_server [--port N] [--user ID]... [--org ID[:USER,...]]... [--seed N]
//                     [--rotate-key-after N]
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
#include "fake_clerk_http.hpp"

#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>

#include <httplib.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

int usage(std::string_view problem) {
  std::cerr << "fake_clerk_server: " << problem << '\n'
            << "usage: fake_clerk_server [--port N] [--user ID]... [--org ID[:USER,...]]... "
               "[--seed N] [--rotate-key-after N]\n";
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
  return ok ? 0 : 1;
}
