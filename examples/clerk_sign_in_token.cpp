// clerk-sign-in-token: create or revoke a Clerk sign-in token from the shell,
// or consume one as a native client would (no secret key then), over the
// shipped libcurl adapter, with the library's retry policy. The secret key comes only from
// the CLERK_SECRET_KEY environment variable: an argument would show in process lists.
//
// Exit codes: 0 success; 1 Clerk answered with an error or an unusable
// response; 2 usage error or invalid input (nothing was sent); 3 transport
// failure (refused, DNS, TLS, timeout).
//
// verify checks a session JWT (verify_main, below): exit 1 a refused token,
// 2 usage or an unreadable key, 3 the JWKS could not be fetched.
//
// verify-webhook checks a webhook delivery (verify_webhook_main): exit 1 a
// refused delivery, 2 usage or an unusable signing secret.
#include <clerk/backend.hpp>
#include <clerk/crypto/openssl.hpp>
#include <clerk/frontend/sign_in.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/transport/curl.hpp>
#include <clerk/webhooks.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

constexpr std::string_view program = "clerk-sign-in-token";

enum exit_code : int { ok = 0, clerk_failed = 1, usage_error = 2, transport_failed = 3 };

constexpr std::string_view help_text =
    R"(usage: clerk-sign-in-token create --user-id ID [--org-id ID] [--expires-in SECONDS] [options]
       clerk-sign-in-token revoke [--] SIGN_IN_TOKEN_ID [options]
       clerk-sign-in-token consume [--frontend-api URL] [options] (TICKET | -)
       clerk-sign-in-token verify [verify options] (SESSION_JWT | -)

Creates or revokes a Clerk sign-in token through Clerk's Backend API and
prints it on stdout as one JSON object with Clerk's field names.

consume redeems a sign-in token's ticket through Clerk's Frontend API as a
native client does, and prints the new session as one JSON object:
session_id, user_id, status, jwt (the session JWT) and recovered. "-" reads
the ticket from standard input (an argument shows in process lists). No
secret key is read. The sign-in is sent once (resent only after a 429 or a
failure before it left); a lost or unusable answer is recovered by reading
the client back (recovered: true). Once the ticket is spent, a failure names
the session it made. A used, expired or revoked ticket exits 1 naming
Clerk's code.

verify checks a session JWT and prints its claims as one JSON object:
user_id, session_id, issuer, expires_at (Unix seconds), and org_id, org_role
and actor when the token has them. Give the token as "-" and write it to
standard input: an argument shows in process lists. Keys: --jwt-key FILE or
$CLERK_JWT_KEY (the PEM public key of Clerk's dashboard; no network), else
--jwks FILE, else the instance's JWKS from the Backend API with
$CLERK_SECRET_KEY. Without --issuer, iss is not checked, and without
--authorized-party, azp is not: only the signature, exp, nbf, iat and sts
are (a native client's session carries no azp). Exit 1 names the reason
(token-expired, token-invalid-signature, ...) on stderr; 2 is a usage error
or an unreadable key; 3, the JWKS could not be fetched.
  --jwt-key FILE              verify: the PEM public key
  --jwks FILE                 verify: a JWKS document
  --authorized-party URL      verify: an origin azp must be (repeatable)
  --issuer URL                verify: the Frontend API URL iss must be
  --clock-skew SECONDS        verify: tolerance on exp, nbf, iat (default 5,
                              at most 86400)

options:
  --api-url URL        the Backend API's origin, as Clerk's SDKs take it
                       (default: $CLERK_API_URL, else https://api.clerk.com);
                       /v1 is added unless the URL has a path already
  --frontend-api URL   consume: the Frontend API (default: the one
                       $CLERK_PUBLISHABLE_KEY names)
  --timeout SECONDS    give up on an attempt after this long (default 30;
                       fractions allowed)
  --retries N          retry up to N times (default 2; 0 disables): after a
                       429 (waiting out Retry-After) or a failure before the
                       request was sent, for every command; after a 5xx or
                       any other transport failure, for revoke and for
                       consume's reads, touch and mint
  --verbose            print each attempt on stderr: the request, the status
                       or the failure, and the wait before the next one, with
                       the secret key and the token redacted
  --help               print this help and exit
  --version            print the version and exit

environment:
  CLERK_SECRET_KEY     the instance's secret key (sk_test_... or sk_live_...);
                       it is never taken from an argument
  CLERK_PUBLISHABLE_KEY  consume: the instance's publishable key (pk_test_...
                       or pk_live_...), when --frontend-api is not given
  CLERK_API_URL        the default for --api-url (the same variable Clerk's
                       SDKs read: https://api.clerk.com, or one ending in /v1)

exit status: 0 success; 1 Clerk answered with an error or an unusable
response (too large included); 2 usage error or invalid input (nothing was
sent); 3 the request could not be sent or answered (connection refused, DNS,
TLS, timeout).

usage: clerk-sign-in-token verify-webhook --header 'svix-id: ...'
           --header 'svix-timestamp: ...' --header 'svix-signature: ...'
           [--tolerance SECONDS] < BODY
verify-webhook checks a webhook delivery from Clerk (Standard Webhooks, as
Svix signs it; webhook-id, webhook-timestamp and webhook-signature also do)
and prints the event as one JSON object: id (the message id), type and data.
The body is read from standard input, byte for byte; the signing secret
(whsec_...) only from $CLERK_WEBHOOK_SIGNING_SECRET. No network. Exit 1
names the reason on stderr (no-matching-signature, timestamp-too-old, ...);
2 is a usage error or an unusable secret.
  --header 'NAME: VALUE'      verify-webhook: a header of the delivery (repeatable)
  --tolerance SECONDS         verify-webhook: how far the timestamp may be from
                              now, either way (default 300)
)";

struct arguments {
  std::string command;                              // "create", "revoke" or "consume"
  std::optional<std::string> frontend_api, ticket;  // consume
  std::optional<std::string> user_id, org_id, token_id, expires_in, api_url, timeout, retries;
  bool verbose = false, help = false, version = false;
};

// An option as given: --name=VALUE, or --name alone (its value then the next
// argument).
struct option_arg {
  std::string_view name, value;
  bool has_value = false;
};
option_arg split_option(std::string_view arg) {
  const auto eq = arg.find('=');
  if (eq == std::string_view::npos)
    return {arg, {}, false};
  return {arg.substr(0, eq), arg.substr(eq + 1), true};
}
// The argument after argv[i] as an option's value (i moves past it); false
// when there is none.
bool next_value(int argc, char** argv, int& i, std::string_view& value) {
  if (i + 1 >= argc)
    return false;
  value = argv[++i];
  return true;
}

int usage(std::string_view problem) {
  // Arguments are echoed redacted: a key pasted as an argument must not
  // reach a terminal log.
  std::cerr << program << ": " << clerk::http::redact(problem) << "\nTry '" << program
            << " --help' for more information.\n";
  return usage_error;
}

// The parsed command line, or the exit code of a usage error (already
// reported on stderr).
std::variant<arguments, int> parse_arguments(int argc, char** argv) {
  arguments a;
  std::vector<std::string_view> positional;
  bool options_done = false;  // after "--", an id may start with "--"
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || !arg.starts_with("-") || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      a.help = true;
      continue;
    }
    if (arg == "--version") {
      a.version = true;
      continue;
    }
    if (arg == "--verbose" || arg == "-v") {
      a.verbose = true;
      continue;
    }
    if (!arg.starts_with("--"))
      return usage("unknown option " + std::string(arg));
    auto [name, value, has_value] = split_option(arg);
    std::optional<std::string>* slot = nullptr;
    if (name == "--user-id")
      slot = &a.user_id;
    else if (name == "--org-id")
      slot = &a.org_id;
    else if (name == "--expires-in")
      slot = &a.expires_in;
    else if (name == "--api-url")
      slot = &a.api_url;
    else if (name == "--timeout")
      slot = &a.timeout;
    else if (name == "--frontend-api")
      slot = &a.frontend_api;
    else if (name == "--retries")
      slot = &a.retries;
    else if (name == "--secret-key" || name == "--key")
      return usage("the secret key is read only from the CLERK_SECRET_KEY environment variable");
    else
      return usage("unknown option " + std::string(name));
    if (!has_value && !next_value(argc, argv, i, value))
      return usage("option " + std::string(name) + " needs a value");
    if (*slot)
      return usage("option " + std::string(name) + " given twice");
    slot->emplace(value);
  }
  if (a.help || a.version)
    return a;
  if (positional.empty())
    return usage("missing command: create, revoke or consume");
  a.command = positional[0];
  if (a.command == "create") {
    if (positional.size() > 1)
      return usage("unexpected argument " + std::string(positional[1]));
    if (!a.user_id)
      return usage("create needs --user-id ID");
  } else if (a.command == "revoke") {
    if (positional.size() != 2)
      return usage("revoke needs exactly one SIGN_IN_TOKEN_ID");
    if (a.user_id || a.org_id || a.expires_in)
      return usage("--user-id, --org-id and --expires-in belong to create");
    a.token_id.emplace(positional[1]);
  } else if (a.command == "consume") {
    if (positional.size() != 2)
      return usage("consume needs exactly one TICKET, or - to read it from standard input");
    if (a.user_id || a.org_id || a.expires_in || a.api_url)
      return usage("--user-id, --org-id, --expires-in and --api-url do not apply to consume");
    a.ticket.emplace(positional[1]);
  } else {
    return usage("unknown command " + a.command + ": expected create, revoke or consume");
  }
  if (a.frontend_api && a.command != "consume")
    return usage("--frontend-api belongs to consume");
  return a;
}

// A whole number of seconds, or nullopt. The library checks the range
// (at least 1); this only checks that it is a number.
std::optional<std::int64_t> parse_integer(std::string_view s) {
  bool negative = s.starts_with('-');
  if (negative)
    s.remove_prefix(1);
  if (s.empty() || s.size() > 18)
    return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return negative ? -n : n;
}

// A positive number of seconds with at most three decimals, in milliseconds.
std::optional<std::chrono::milliseconds> parse_timeout(std::string_view s) {
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || whole.size() > 9 || fraction.size() > 3 ||
      (dot != std::string_view::npos && fraction.empty()))
    return std::nullopt;
  std::int64_t ms = 0;
  for (char c : whole) {
    if (c < '0' || c > '9')
      return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  ms *= 1000;
  std::int64_t scale = 100;
  for (char c : fraction) {
    if (c < '0' || c > '9')
      return std::nullopt;
    ms += (c - '0') * scale;
    scale /= 10;
  }
  if (ms <= 0)
    return std::nullopt;
  return std::chrono::milliseconds(ms);
}

// --timeout and the User-Agent, set alike in the Backend API's options
// (clerk::options) and the Frontend API's (clerk::frontend::frontend_options). Returns
// the exit code of a usage error (already reported), or nullopt.
template <class Options>
std::optional<int> set_common_options(const arguments& a, Options& o) {
  if (a.timeout) {
    auto t = parse_timeout(*a.timeout);
    if (!t)
      return usage("--timeout wants a positive number of seconds, got " + *a.timeout);
    o.timeout = *t;
  }
  o.user_agent = std::string(program) + '/' + std::string(clerk::version) + ' ' +
                 std::string(clerk::default_user_agent);
  return std::nullopt;
}

// Clerk's SDKs read CLERK_API_URL as the origin (https://api.clerk.com) and
// add the version; a URL with a path (".../v1", a proxy's prefix) is kept.
std::string api_base_url(std::string_view url) {
  auto scheme_end = url.find("://");
  auto path =
      scheme_end == std::string_view::npos ? std::string_view::npos : url.find('/', scheme_end + 3);
  std::string out(url);
  if (path == std::string_view::npos ||
      url.find_first_not_of('/', path) == std::string_view::npos) {
    while (!out.empty() && out.back() == '/')
      out.pop_back();
    out += "/v1";
  }
  return out;
}

int exit_code_for(const clerk::error& e) {
  switch (e.kind()) {
    case clerk::error_kind::invalid_request:
      return usage_error;
    case clerk::error_kind::transport:
      return transport_failed;
    case clerk::error_kind::api:
    case clerk::error_kind::unexpected_response:
    case clerk::error_kind::invalid_token:
    case clerk::error_kind::invalid_webhook:
      break;
  }
  return clerk_failed;
}

// Reports `e` on stderr (a usage error with the hint) and returns its exit code.
int failed(const clerk::error& e) {
  const int code = exit_code_for(e);
  if (code == usage_error)
    return usage(e.message());
  std::cerr << program << ": " << e.message() << '\n';
  return code;
}

// Logs each attempt: what goes out (redacted) and what came back.
struct verbose_transport {
  clerk::curl_transport inner;
  bool verbose;
  std::shared_ptr<unsigned> attempt = std::make_shared<unsigned>(0);

  clerk::transport_result operator()(const clerk::http_request& r) const {
    ++*attempt;
    if (verbose)
      std::cerr << "* attempt " << *attempt << "\n> " << r << "\n";
    auto answer = inner(r);
    if (verbose) {
      if (answer)
        std::cerr << "< HTTP " << answer->status << '\n';
      else
        std::cerr << "< " << clerk::error(answer.error()).message() << '\n';
    }
    return answer;
  }
};

// Sleeps between attempts, saying so when verbose.
struct verbose_waiter : clerk::blocking_waiter {
  bool verbose;
  bool wait(std::chrono::milliseconds d) const {
    if (verbose)
      std::cerr << "* retrying in " << d.count() << " ms\n";
    return blocking_waiter::wait(d);
  }
};

// The retry policy of --retries, for calls under `timeout`: every attempt
// may take its whole timeout, and the waits their budget. Or the exit code
// of a usage error (already reported).
std::variant<clerk::retry_policy, int> retry_policy_of(const arguments& a,
                                                       std::chrono::milliseconds timeout) {
  unsigned retries = 2;
  if (a.retries) {
    auto n = parse_integer(*a.retries);
    if (!n || *n < 0 || *n > 99)
      return usage("--retries wants a whole number from 0 to 99, got " + *a.retries);
    retries = static_cast<unsigned>(*n);
  }
  clerk::retry_options ro;
  ro.max_attempts = retries + 1;
  ro.deadline = timeout * ro.max_attempts + ro.max_total_delay;
  auto policy = clerk::retry_policy::make(ro);
  if (!policy)
    return usage(policy.error().message());
  return *policy;
}

// consume: the ticket redeemed through the Frontend API, the session printed.
int consume(const arguments& a) {
  std::string ticket = *a.ticket;
  if (ticket == "-") {
    ticket.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!ticket.empty() && (ticket.back() == '\n' || ticket.back() == '\r' ||
                               ticket.back() == ' ' || ticket.back() == '\t'))
      ticket.pop_back();
  }
  if (ticket.empty())
    return usage("the ticket is empty");

  clerk::frontend::frontend_options o;
  if (auto code = set_common_options(a, o))
    return *code;
  clerk::result<clerk::frontend::frontend_config> config = clerk::error(clerk::invalid_request{});
  if (a.frontend_api) {
    o.frontend_api_url = *a.frontend_api;
    config = clerk::frontend::frontend_config::make(std::move(o));
  } else if (const char* pk = std::getenv("CLERK_PUBLISHABLE_KEY"); pk != nullptr && *pk != '\0') {
    config = clerk::frontend::frontend_config::from_publishable_key(pk, std::move(o));
  } else {
    return usage("consume needs --frontend-api URL or CLERK_PUBLISHABLE_KEY");
  }
  if (!config)
    return usage(config.error().message());
  auto policy = retry_policy_of(a, config->timeout());
  if (auto* code = std::get_if<int>(&policy))
    return *code;

  // Reading the client, touch and mint are retried by the policy; the
  // sign-in only after a 429 or a failure before it was sent.
  const clerk::client fapi(*config, verbose_transport{{}, a.verbose},
                           std::get<clerk::retry_policy>(policy), verbose_waiter{{}, a.verbose});
  clerk::frontend::client_token client_token;  // a new client each run: nothing is kept
  auto s = clerk::frontend::consume_ticket(fapi, client_token, clerk::secret(std::move(ticket)));
  if (!s)
    return failed(s.error());
  boost::json::object out;
  out["session_id"] = s->session_id;
  out["user_id"] = s->user_id;
  out["status"] = s->status.raw();
  out["jwt"] = s->jwt.reveal();
  out["recovered"] = s->recovered;
  std::cout << boost::json::serialize(out) << '\n';
  return ok;
}

// ---- verify: a session JWT checked (issue 19) -----------------------------

struct verify_arguments {
  std::string token;
  std::optional<std::string> jwt_key, jwks, issuer, clock_skew, api_url, timeout;
  std::vector<std::string> authorized_parties;
  bool verbose = false;
};

// A file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return out.str();
}

// Standard input, without the trailing newline and spaces.
std::string read_stdin_trimmed() {
  std::string s(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  return s;
}

// Every argument but the word "verify": options, then the token or "-".
std::variant<verify_arguments, int> parse_verify_arguments(int argc, char** argv) {
  verify_arguments a;
  std::vector<std::string_view> positional;
  bool seen_verify = false, options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || !arg.starts_with("--") || arg == "-") {
      if (!seen_verify && arg == "verify")
        seen_verify = true;
      else if (arg.starts_with("-") && arg != "-" && !options_done)
        return usage("unknown option " + std::string(arg));
      else
        positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--verbose") {
      a.verbose = true;
      continue;
    }
    auto [name, value, has_value] = split_option(arg);
    std::optional<std::string>* slot = nullptr;
    if (name == "--jwt-key")
      slot = &a.jwt_key;
    else if (name == "--jwks")
      slot = &a.jwks;
    else if (name == "--issuer")
      slot = &a.issuer;
    else if (name == "--clock-skew")
      slot = &a.clock_skew;
    else if (name == "--api-url")
      slot = &a.api_url;
    else if (name == "--timeout")
      slot = &a.timeout;
    else if (name != "--authorized-party")
      return usage("unknown option " + std::string(name) + " for verify");
    if (!has_value && !next_value(argc, argv, i, value))
      return usage("option " + std::string(name) + " needs a value");
    if (slot == nullptr) {
      if (value.empty())
        return usage("--authorized-party wants an origin, got nothing");
      a.authorized_parties.emplace_back(value);
      continue;
    }
    if (*slot)
      return usage("option " + std::string(name) + " given twice");
    slot->emplace(value);
  }
  if (positional.size() != 1)
    return usage("verify needs exactly one SESSION_JWT, or - to read it from standard input");
  a.token = positional[0] == "-" ? read_stdin_trimmed() : std::string(positional[0]);
  if (a.token.empty())
    return usage("the session JWT is empty");
  return a;
}

// The instance's JWKS from the Backend API, with CLERK_SECRET_KEY.
std::variant<clerk::openssl_keys, int> fetch_keys(const verify_arguments& a) {
  const char* key = std::getenv("CLERK_SECRET_KEY");
  if (key == nullptr || *key == '\0')
    return usage(
        "verify needs keys: --jwt-key FILE, CLERK_JWT_KEY, --jwks FILE or CLERK_SECRET_KEY");
  clerk::options o;
  o.secret_key = key;
  if (a.api_url)
    o.base_url = api_base_url(*a.api_url);
  else if (const char* url = std::getenv("CLERK_API_URL"); url != nullptr && *url != '\0')
    o.base_url = api_base_url(url);
  if (a.timeout) {
    auto t = parse_timeout(*a.timeout);
    if (!t)
      return usage("--timeout wants a positive number of seconds, got " + *a.timeout);
    o.timeout = *t;
  }
  o.user_agent = std::string(program) + '/' + std::string(clerk::version) + ' ' +
                 std::string(clerk::default_user_agent);
  auto config = clerk::config::make(std::move(o));
  if (!config)
    return usage(config.error().message());
  const clerk::client client(*config, verbose_transport{{}, a.verbose});
  auto set = client.send(clerk::get_jwks{});
  if (!set) {
    std::cerr << program << ": the JWKS could not be fetched: " << set.error().message() << '\n';
    return transport_failed;
  }
  auto keys = clerk::openssl_keys::from_jwks(*set);
  if (!keys) {
    std::cerr << program << ": the JWKS fetched is unusable: " << keys.error().message() << '\n';
    return transport_failed;
  }
  return std::move(*keys);
}

// The keys: --jwt-key, CLERK_JWT_KEY, --jwks, else fetched.
std::variant<clerk::openssl_keys, int> load_keys(const verify_arguments& a) {
  auto loaded = [](clerk::result<clerk::openssl_keys> k,
                   std::string_view from) -> std::variant<clerk::openssl_keys, int> {
    if (!k)
      return usage(std::string(from) + ": " + k.error().message());
    return std::move(*k);
  };
  const char* env_key = std::getenv("CLERK_JWT_KEY");
  if (a.jwt_key || a.jwks) {
    const std::string& path = a.jwt_key ? *a.jwt_key : *a.jwks;
    auto text = read_file(path);
    if (!text)
      return usage("cannot read " + path);
    return a.jwt_key ? loaded(clerk::openssl_keys::from_pem(*text), "--jwt-key " + path)
                     : loaded(clerk::openssl_keys::from_jwks(*text), "--jwks " + path);
  }
  if (env_key != nullptr && *env_key != '\0')
    return loaded(clerk::openssl_keys::from_pem(env_key), "CLERK_JWT_KEY");
  return fetch_keys(a);
}

int verify_main(int argc, char** argv) {
  auto parsed = parse_verify_arguments(argc, argv);
  if (auto* code = std::get_if<int>(&parsed))
    return *code;
  const verify_arguments& a = std::get<verify_arguments>(parsed);
  if (a.jwt_key && a.jwks)
    return usage("--jwt-key and --jwks: give one source of keys");
  clerk::verify_options options;
  options.authorized_parties = a.authorized_parties;
  if (a.issuer)
    options.issuer = *a.issuer;
  if (a.clock_skew) {
    auto skew = *a.clock_skew == "0" ? std::optional<std::chrono::milliseconds>(0)
                                     : parse_timeout(*a.clock_skew);
    if (!skew)
      return usage("--clock-skew wants a number of seconds, got " + *a.clock_skew);
    options.clock_skew = *skew;
  }
  auto keys = load_keys(a);
  if (auto* code = std::get_if<int>(&keys))
    return *code;
  auto claims = clerk::verify_session_token(a.token, std::get<clerk::openssl_keys>(keys),
                                            std::chrono::system_clock::now(), options);
  if (!claims) {
    if (const clerk::invalid_token* t = claims.error().as_invalid_token()) {
      // The reason as @clerk/backend spells it, then the claim at fault.
      std::cerr << program << ": " << clerk::to_string(t->reason) << ": "
                << (t->claim.empty() ? "" : t->claim + ": ") << t->detail << '\n';
      return clerk_failed;
    }
    return usage(claims.error().message());
  }
  boost::json::object out;
  out["user_id"] = claims->user_id;
  out["session_id"] = claims->session_id;
  out["issuer"] = claims->issuer;
  out["expires_at"] = claims->expires_at.time_since_epoch().count();
  if (claims->organization) {
    out["org_id"] = claims->organization->id;
    out["org_role"] = claims->organization->role;
  }
  if (claims->actor) {
    boost::json::object act{{"sub", claims->actor->sub}};
    if (claims->actor->iss)
      act["iss"] = *claims->actor->iss;
    if (claims->actor->sid)
      act["sid"] = *claims->actor->sid;
    out["actor"] = std::move(act);
  }
  std::cout << boost::json::serialize(out) << '\n';
  return ok;
}

// ---- verify-webhook: a webhook delivery checked (issue 27) ----------------

struct webhook_arguments {
  clerk::header_list headers;
  std::optional<std::string> tolerance;
};

// Every argument but the word "verify-webhook": --header and --tolerance.
std::variant<webhook_arguments, int> parse_webhook_arguments(int argc, char** argv) {
  webhook_arguments a;
  bool seen_command = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!seen_command && arg == "verify-webhook") {
      seen_command = true;
      continue;
    }
    if (!arg.starts_with("--"))
      return usage(
          "verify-webhook takes no argument (the body is read from standard input), "
          "got " +
          std::string(arg));
    auto [name, value, has_value] = split_option(arg);
    if (name != "--header" && name != "--tolerance")
      return usage("unknown option " + std::string(name) + " for verify-webhook");
    if (!has_value && !next_value(argc, argv, i, value))
      return usage("option " + std::string(name) + " needs a value");
    if (name == "--tolerance") {
      if (a.tolerance)
        return usage("option --tolerance given twice");
      a.tolerance.emplace(value);
      continue;
    }
    // "Name: value". The value is not echoed: it may be a signature.
    const auto colon = value.find(':');
    const std::string_view header_name =
        colon == std::string_view::npos ? std::string_view() : value.substr(0, colon);
    if (header_name.empty() || header_name.find_first_of(" \t\r\n") != std::string_view::npos)
      return usage("--header wants 'NAME: VALUE'");
    std::string_view header_value = value.substr(colon + 1);
    while (!header_value.empty() && (header_value.front() == ' ' || header_value.front() == '\t'))
      header_value.remove_prefix(1);
    a.headers.add(std::string(header_name), std::string(header_value));
  }
  return a;
}

int verify_webhook_main(int argc, char** argv) {
  auto parsed = parse_webhook_arguments(argc, argv);
  if (auto* code = std::get_if<int>(&parsed))
    return *code;
  const webhook_arguments& a = std::get<webhook_arguments>(parsed);
  clerk::webhook_options options;
  if (a.tolerance) {
    auto seconds = parse_integer(*a.tolerance);
    if (!seconds || *seconds < 0)
      return usage("--tolerance wants a whole number of seconds, got " + *a.tolerance);
    options.tolerance = std::chrono::seconds(*seconds);
  }
  const char* text = std::getenv("CLERK_WEBHOOK_SIGNING_SECRET");
  if (text == nullptr || *text == '\0')
    return usage(
        "verify-webhook needs CLERK_WEBHOOK_SIGNING_SECRET: the endpoint's signing "
        "secret (whsec_...)");
  auto secret = clerk::webhook_secret::make(text);
  if (!secret)
    return usage("CLERK_WEBHOOK_SIGNING_SECRET: " + secret.error().message());
  // The signature covers the body's bytes as sent: nothing is trimmed.
  const std::string body(std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>{});
  auto event = clerk::verify_webhook(a.headers, body, *secret, std::chrono::system_clock::now(),
                                     clerk::openssl_hmac{}, options);
  if (!event)
    return failed(event.error());  // invalid_webhook: 1
  boost::json::object out;
  out["id"] = event->id;
  out["type"] = event->type;
  boost::system::error_code ec;  // the verifier read it as JSON: no error expected
  out["data"] = boost::json::parse(event->data.text(), ec);
  std::cout << boost::json::serialize(out) << '\n';
  return ok;
}

// True when the command (the first argument not an option) is `command`.
bool command_is(int argc, char** argv, std::string_view command) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view a = argv[i]; a == "--")
      break;
    else if (a == "--help" || a == "-h" || a == "--version")
      return false;  // main answers them
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--")
      return i + 1 < argc && std::string_view(argv[i + 1]) == command;
    if (!arg.starts_with("-"))
      return arg == command;
    if (arg.starts_with("--") && arg.find('=') == std::string_view::npos && arg != "--verbose" &&
        arg != "--help" && arg != "--version")
      ++i;  // its value
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (command_is(argc, argv, "verify"))
    return verify_main(argc, argv);
  if (command_is(argc, argv, "verify-webhook"))
    return verify_webhook_main(argc, argv);
  auto parsed = parse_arguments(argc, argv);
  if (auto* code = std::get_if<int>(&parsed))
    return *code;
  arguments& a = std::get<arguments>(parsed);
  if (a.help) {
    std::cout << help_text;
    return ok;
  }
  if (a.version) {
    std::cout << program << ' ' << clerk::version << '\n';
    return ok;
  }

  if (a.command == "consume")
    return consume(a);

  clerk::options o;
  const char* key = std::getenv("CLERK_SECRET_KEY");
  if (key == nullptr || *key == '\0')
    return usage("CLERK_SECRET_KEY is not set: export your instance's secret key");
  o.secret_key = key;
  if (a.api_url) {
    o.base_url = api_base_url(*a.api_url);
  } else if (const char* url = std::getenv("CLERK_API_URL"); url != nullptr && *url != '\0') {
    o.base_url = api_base_url(url);
  }
  if (auto code = set_common_options(a, o))
    return *code;
  auto policy = retry_policy_of(a, o.timeout);
  if (auto* code = std::get_if<int>(&policy))
    return *code;
  auto config = clerk::config::make(std::move(o));
  if (!config)
    return usage(config.error().message());

  const clerk::client client(*config, verbose_transport{{}, a.verbose},
                             std::get<clerk::retry_policy>(policy), verbose_waiter{{}, a.verbose});
  clerk::result<clerk::sign_in_token> token = clerk::error(clerk::invalid_request{});
  if (a.command == "create") {
    clerk::create_sign_in_token op{.user_id = *a.user_id, .org_id = a.org_id};
    if (a.expires_in) {
      auto s = parse_integer(*a.expires_in);
      if (!s)
        return usage("--expires-in wants a whole number of seconds, got " + *a.expires_in);
      op.expires_in_seconds = std::chrono::seconds(*s);
    }
    token = client.send(op);
  } else {
    token = client.send(clerk::revoke_sign_in_token{*a.token_id});
  }
  if (!token)
    return failed(token.error());
  std::cout << clerk::to_json_revealing_secrets(*token) << '\n';
  return ok;
}
