// Every generated Backend API operation (include/clerk/backend/, 246 of the
// document's 249) sent through clerk::client to Prism serving Clerk's
// document: once for Prism's static answer (the document's examples) and
// `dynamic_rounds` times for a dynamic one (made up from the schema; Prefer:
// dynamic=true with a fixed seed a round, so a run is repeatable). The
// requests are backend_calls.hpp's, generated with every required member
// filled. Prism must find no request that breaks the document, and every 2xx
// answer must parse into the operation's response_type, or be refused with
// an unexpected_response whose reason is one of `expected` below, each with
// why the refusal is right. Prints a table of refusals by reason. Skips (exit
// 77) when the document, node or Prism is missing; fails instead under CI.
#include <clerk/transport/curl.hpp>

#include "backend_sender.hpp"
#include "prism.hpp"

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int dynamic_rounds = 10;

clerk_test::prism_process prism;
std::string prism_base_url;  // http://127.0.0.1:PORT/v1

// A refusal the library is right to make: the reason (the problem with its
// array indices dropped) matching `pattern`, in the answers of one mode, to
// operations whose "METHOD /path" matches `calls`, and why.
struct expected_refusal {
  bool dynamic;
  const char* pattern;
  const char* calls;
  const char* why;
};
const std::vector<expected_refusal> expected = {
    {false, R"x(^missing field "(data\[\]\.)?object"$)x", R"x( /saml_connections)x",
     "Prism's static answer for a SAML connection is {}: its sampler gives up on the "
     "SAMLConnection schema's anyOf of two required-only alternatives ([domain] or [domains]), "
     "and {} lacks the members the schema requires, object first (Prism logs it as a response "
     "violation)"},
    {false, R"x(^missing field "(\[\]\.)?saml_accounts\[\]\.saml_connection\.id"$)x",
     R"x( /users)x",
     "the same for a user's SAML account: Prism's static saml_connection is {} "
     "(SAMLAccountConnection has the same anyOf), which lacks the id the schema requires"},
    {true,
     R"x(^field "((data|m2m_tokens)\[\]\.)?(created_at|updated_at|expiration|last_used_at|)x"
     R"x(total_count)" is a non-integer number, expected an integer$)x",
     R"x( /(api_keys|m2m_tokens|admin_portal_link_tokens))x",
     "the document types the API key, M2M token and admin portal link token objects' millisecond "
     "timestamps and their lists' total_count as `number`, and Prism's dynamic mode makes up "
     "fractions for them; Clerk sends whole milliseconds and counts, so overlay.yml types them as "
     "clerk::timestamp and int64, and a fraction is refused, never rounded"},
};

struct tally {
  std::set<std::string> calls;
  std::size_t requests = 0, parsed = 0;
  struct refusal {
    std::size_t count = 0;
    std::set<std::string> calls;
  };
  std::map<std::string, refusal> refused;  // by reason
  // Prism's own answers that break the document, by the rule they break
  // (its sl-violations header): facts about Prism and the document, not
  // checked.
  std::size_t breaking_answers = 0;
  std::map<std::string, refusal> broken_rules;
  std::vector<std::string> failures;  // what the test fails on, one line each
};
tally static_tally, dynamic_tally;

// A problem's reason: the text with each array index dropped.
std::string reason_of(const std::string& problem) {
  static const std::regex index(R"(\[[0-9]+\])");
  return std::regex_replace(problem, index, "[]");
}

const expected_refusal* expectation(const std::string& reason, bool dynamic,
                                    const std::string& call) {
  for (const auto& e : expected)
    if (e.dynamic == dynamic && std::regex_search(reason, std::regex(e.pattern)) &&
        std::regex_search(call, std::regex(e.calls)))
      return &e;
  return nullptr;
}

}  // namespace

clerk::transport_result clerk_test::prism_transport::operator()(
    const clerk::http_request& r) const {
  clerk::http_request sent = r;
  if (!round->prefer.empty())
    sent.headers.add("Prefer", round->prefer);
  prism.count_sent();
  auto answer = clerk::curl_transport{}(sent);
  *round = prism_round{.prefer = round->prefer};
  if (answer) {
    round->status = answer->status;
    round->body = answer->body.substr(0, 600);
    if (auto v = answer->headers.find("sl-violations"))
      round->violations = std::string(*v);
  }
  return answer;
}

void clerk_test::backend_sender::record(std::string_view call, int seed, const prism_round& answer,
                                        const clerk::error* refused) {
  auto& t = seed == 0 ? static_tally : dynamic_tally;
  const std::string where =
      std::string(call) + (seed == 0 ? "" : " (seed " + std::to_string(seed) + ")");
  t.calls.emplace(call);
  ++t.requests;
  if (answer.violations.find("\"request\"") != std::string::npos)
    t.failures.push_back(where +
                         ": Prism found the request breaks the document: " + answer.violations);
  static const std::regex rule(
      R"x("location":\["response"[^\]]*\],"severity":"[^"]*","code":"([^"]*)")x");
  std::set<std::string> rules;
  for (std::sregex_iterator i(answer.violations.begin(), answer.violations.end(), rule), end;
       i != end; ++i)
    rules.insert((*i)[1].str());
  t.breaking_answers += rules.empty() ? 0 : 1;
  for (const auto& r : rules) {
    ++t.broken_rules[r].count;
    t.broken_rules[r].calls.emplace(call);
  }
  if (refused == nullptr) {
    ++t.parsed;
    return;
  }
  const auto* u = refused->as_unexpected_response();
  if (u == nullptr || answer.status < 200 || answer.status > 299) {
    t.failures.push_back(where + ": " + refused->message() +
                         " (Prism: " + std::to_string(answer.status) + ' ' + answer.body + ')');
    return;
  }
  auto& r = t.refused[reason_of(u->problem)];
  ++r.count;
  r.calls.emplace(call);
}

TEST_CASE(
    "every generated operation against Prism: no request breaks the document, every "
    "2xx answer parses or is refused for an expected reason") {
  const clerk_test::prism_span span(prism);
  clerk_test::prism_round round;
  auto cfg = clerk::config::make(
      {.secret_key = "sk_test_conformance0key0prism", .base_url = prism_base_url});
  REQUIRE(cfg.has_value());
  const clerk_test::prism_client client(*cfg, clerk_test::prism_transport{&round});
  const clerk_test::backend_sender sender{client, round, dynamic_rounds};
  const std::size_t operations =
      clerk_test::send_backend_calls_1(sender) + clerk_test::send_backend_calls_2(sender);

  std::set<const expected_refusal*> seen;
  for (auto* t : {&static_tally, &dynamic_tally}) {
    const bool dynamic = t == &dynamic_tally;
    CAPTURE(dynamic);
    CHECK(t->calls.size() == operations);
    CHECK(t->requests == operations * (dynamic ? dynamic_rounds : 1));
    std::size_t refused = 0;
    for (const auto& [reason, r] : t->refused)
      refused += r.count;
    std::cout << "\n"
              << (dynamic ? "dynamic" : "static") << ": " << t->calls.size() << " operations, "
              << t->requests << " requests, " << t->parsed << " parsed, " << refused << " refused, "
              << t->failures.size() << " failures\n";
    for (const auto& [reason, r] : t->refused) {
      std::cout << "  " << r.count << " x " << reason << " [" << r.calls.size() << " operations:";
      for (const auto& c : r.calls)
        std::cout << ' ' << c << ';';
      std::cout << "]\n";
      const expected_refusal* why = nullptr;
      for (const auto& c : r.calls) {
        const auto* e = expectation(reason, dynamic, c);
        if (e == nullptr)
          FAIL_CHECK(c << " refused for a reason not expected: " << reason);
        else
          seen.insert(why = e);
      }
      if (why != nullptr)
        std::cout << "    expected: " << why->why << '\n';
    }
    std::cout << "  Prism's own answers breaking the document: " << t->breaking_answers << '\n';
    for (const auto& [rule, r] : t->broken_rules)
      std::cout << "    rule " << rule << ": " << r.count << " answers, " << r.calls.size()
                << " operations\n";
    for (const auto& f : t->failures)
      FAIL_CHECK(f);
  }
  for (const auto& e : expected)
    if (!seen.count(&e))
      std::cout << "expected refusal not seen this run: " << e.pattern << '\n';
  span.check();
}

int main(int argc, char** argv) {
  const fs::path document =
      std::getenv("CLERK_API_DOCUMENT") ? std::getenv("CLERK_API_DOCUMENT") : CLERK_API_DOCUMENT;
  const fs::path prism_bin = fs::path(CLERK_CONFORMANCE_DIR) / "node_modules/.bin/prism";
  if (auto why = clerk_test::prism_process::missing(document, prism_bin))
    return clerk_test::cannot_run(*why + " (set CLERK_API_DOCUMENT to the document's path)");
  const fs::path work = fs::path(CLERK_CONFORMANCE_WORK_DIR);
  fs::create_directories(work);
  const fs::path served = work / "bapi-v1.yml";
  std::ofstream(served, std::ios::binary)
      << clerk_test::prefixed_document(clerk_test::read_file(document));
  if (!prism.start(prism_bin, served, work / "prism.log"))
    return 1;
  prism_base_url = prism.origin() + "/v1";
  std::cout << "Prism serves " << served.string() << " at " << prism_base_url << '\n';
  doctest::Context context(argc, argv);
  int result = context.run();
  prism.stop();
  const auto all = clerk_test::verdicts_of(prism.log());
  std::cout << "Prism: " << prism.sent() << " requests sent, " << all.received << " received, "
            << all.request_violations << " request violations, " << all.refused << " refused, "
            << all.response_violations << " violations in its own answers\n";
  if (all.received != prism.sent() || all.request_violations != 0 || all.refused != 0) {
    std::cout << all.problems;
    return 1;
  }
  return result;
}
