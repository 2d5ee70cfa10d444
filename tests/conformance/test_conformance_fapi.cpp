// Conformance against Clerk's Frontend API document: Prism serves
// ../shared/clerk-api/fapi-2026-05-12.yml on 127.0.0.1 and validates every
// Frontend API request the library builds, through every transport and the
// command-line tool's consume. Each case checks in Prism's log that Prism
// received exactly the requests it sent and found none that breaks the
// document. Skips (exit 77) when the document, node or Prism is missing;
// fails instead when CI is set (cannot_run.hpp).
//
// The document is served as published but for one gap, patched and counted:
// GET /v1/client and POST /v1/client/sign_ins list no native security scheme
// (their `security` is only {} and DevBrowser), so Prism refuses the client
// token that Clerk's native SDKs send on every request. The patch adds the
// document's own ProductionNativeApp + ProductionNativeFlag pair (its global
// default) to exactly those two operations.
#include <clerk/frontend/sign_in.hpp>

#include "prism.hpp"
#include "process.hpp"
#include "servers.hpp"
#include "transports.hpp"

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using clerk::curl_transport;
using clerk_examples::httplib_transport;
using clerk_test::read_file;
namespace fs = std::filesystem;

namespace {

clerk_test::prism_process prism;
int security_patches = 0;

// The published document with the native security scheme added to the
// `security` of GET /v1/client and POST /v1/client/sign_ins.
std::string patched_document(const std::string& doc) {
  std::string out;
  std::istringstream lines(doc);
  std::string path, method;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  /"))
      path = line;
    else if (line.starts_with("    ") && line.size() > 4 && line[4] != ' ')
      method = line;
    out += line;
    out += '\n';
    const bool wanted = (path == "  /v1/client:" && method == "    get:") ||
                        (path == "  /v1/client/sign_ins:" && method == "    post:");
    if (wanted && line == "      security:") {
      out += "        - ProductionNativeApp: []\n          ProductionNativeFlag: []\n";
      ++security_patches;
    }
  }
  return out;
}

clerk::frontend::frontend_config fapi() {
  auto c = clerk::frontend::frontend_config::make({.frontend_api_url = prism.origin()});
  REQUIRE(c.has_value());
  return *c;
}

const clerk::frontend::client_token token(
    "Bearer eyJhbGciOiJSUzI1NiJ9.eyJpZCI6ImNsaWVudF8xIn0.c2ln");
const clerk::frontend::client_token no_token;

// Sends a built request and checks what Prism says of it: no violation.
// Prism's own answers break the document (its examples do not match its
// schemas), so sl-violations is often there: only request entries count.
void check_no_request_violation(const clerk::http_request& request,
                                const clerk::http_response& answer) {
  const std::string violations(answer.headers.find("sl-violations").value_or(""));
  INFO("request: " << request);
  INFO("Prism answered: " << answer.status << ' ' << violations.substr(0, 2000));
  CHECK(violations.find(R"("location":["request")") == std::string::npos);
}

template <class T, class Op>
void send_checked(const Op& op, const clerk::frontend::client_token& t) {
  auto request = clerk::frontend::build_request(op, fapi(), t);
  REQUIRE_MESSAGE(request.has_value(), request.error().message());
  prism.count_sent();
  auto answer = T{}(*request);
  REQUIRE_MESSAGE(answer.has_value(), answer.error().message);
  check_no_request_violation(*request, *answer);
  CHECK(answer->status == 200);
}

// The curl transport, recording what a flow sends ("POST /v1/client?...")
// and checking each of Prism's answers for a request violation.
struct recording_transport {
  std::vector<std::string>* sent;
  clerk::transport_result operator()(const clerk::http_request& r) const {
    prism.count_sent();
    sent->push_back(std::string(clerk::to_string(r.method)) + ' ' +
                    r.url.substr(prism.origin().size()));
    auto answer = curl_transport{}(r);
    if (answer)
      check_no_request_violation(r, *answer);
    return answer;
  }
};

const std::vector<std::string> awkward_ids = {"sess_2abcDEF", "sess with spaces", "a/b",
                                              "100%",         "?q=1#frag",        "ünïcödé"};

}  // namespace

TEST_CASE("the document needed its two security patches, no more") {
  CHECK(security_patches == 2);
}

// Not asio_blocking: Prism's sl-violations header about its own answers
// outgrows Beast's 8 kB header limit. What a transport adds (Host,
// Content-Length) is checked by the Backend API test.
TEST_CASE_TEMPLATE("every Frontend API operation passes Prism's validation", T, curl_transport,
                   httplib_transport) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::prism_span span(prism);
  send_checked<T>(clerk::frontend::create_client{}, no_token);
  send_checked<T>(clerk::frontend::read_client{}, token);
  send_checked<T>(clerk::frontend::read_client{}, no_token);
  for (const char* ticket :
       {"eyJhbGciOiJSUzI1NiJ9.eyJzdCI6InNpZ25faW5fdG9rZW4ifQ.c2ln", "a b+c/d=e~f&g", "ünïcödé"}) {
    CAPTURE(ticket);
    send_checked<T>(clerk::frontend::sign_in_with_ticket{clerk::secret(ticket)}, token);
    send_checked<T>(clerk::frontend::sign_in_with_ticket{clerk::secret(ticket)}, no_token);
  }
  for (const auto& id : awkward_ids) {
    CAPTURE(id);
    send_checked<T>(clerk::frontend::touch_session{.session_id = id}, token);
    send_checked<T>(
        clerk::frontend::touch_session{
            .session_id = id,
            .active_organization_id = "org_1",
            .intent = clerk::frontend::touch_intent::kind::select_session},
        token);
    send_checked<T>(clerk::frontend::touch_session{.session_id = id, .active_organization_id = ""},
                    token);
    send_checked<T>(clerk::frontend::mint_session_token{.session_id = id}, token);
    send_checked<T>(clerk::frontend::mint_session_token{.session_id = id, .organization_id = ""},
                    token);
    send_checked<T>(
        clerk::frontend::mint_session_token{.session_id = id, .organization_id = "org_1"}, token);
    send_checked<T>(clerk::frontend::mint_session_token_from_template{.session_id = id,
                                                                      .template_name = "my tpl/x"},
                    token);
    send_checked<T>(clerk::frontend::remove_session{.session_id = id}, token);
  }
  CHECK(span.sent() == 3 + 3 * 2 + awkward_ids.size() * 8);
  span.check();
}

std::string problem_of(const clerk::result<clerk::frontend::ticket_sign_in>& r) {
  REQUIRE(r.has_error());
  REQUIRE_MESSAGE(r.error().as_unexpected_response() != nullptr, r.error().message());
  return r.error().as_unexpected_response()->problem;
}

TEST_CASE("consume_ticket's whole sequence passes Prism's validation") {
  // Prism answers with the document's first examples, so the flow's path is
  // fixed: a new client's answer carries no client token (the document
  // declares no Authorization header), and the example sign-in is
  // "abandoned". Touch and mint are checked by the case above.
  const clerk_test::prism_span span(prism);
  std::vector<std::string> sent;
  const clerk::client fapi_client(fapi(), recording_transport{&sent});
  const clerk::secret ticket("eyJhbGciOi.eyJzdCI6.c2ln");

  clerk::frontend::client_token none;
  CHECK(problem_of(clerk::frontend::consume_ticket(fapi_client, none, ticket)) ==
        "the new client's answer carried no client token (Authorization header); the ticket was "
        "not sent");
  CHECK(sent == std::vector<std::string>{"POST /v1/client?_is_native=1"});

  sent.clear();
  clerk::frontend::client_token held = token;
  CHECK(problem_of(clerk::frontend::consume_ticket(fapi_client, held, ticket)) ==
        R"(sign-in status is "abandoned", not "complete")");
  CHECK(sent == std::vector<std::string>{"GET /v1/client?_is_native=1",
                                         "POST /v1/client/sign_ins?_is_native=1"});
  CHECK(span.sent() == 3);
  span.check();
}

TEST_CASE("the command-line tool's consume passes Prism's validation") {
  // The same first step as above: one request, and exit 1 (an unusable
  // answer), naming why.
  const clerk_test::prism_span span(prism);
  prism.count_sent();
  auto r = clerk_test::run_process(
      CLERK_CLI_PATH, {"consume", "--frontend-api", prism.origin(), "eyJhbGciOi.eyJzdCI6.c2ln"},
      {"PATH=/usr/bin:/bin"});
  INFO("stdout: " << r.out << "stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("carried no client token") != std::string::npos);
  span.check();
}

int main(int argc, char** argv) {
  const fs::path document =
      std::getenv("CLERK_FAPI_DOCUMENT") ? std::getenv("CLERK_FAPI_DOCUMENT") : CLERK_FAPI_DOCUMENT;
  const fs::path prism_bin = fs::path(CLERK_CONFORMANCE_DIR) / "node_modules/.bin/prism";
  if (auto why = clerk_test::prism_process::missing(document, prism_bin))
    return clerk_test::cannot_run(*why + " (set CLERK_FAPI_DOCUMENT to the document's path)");
  const fs::path work = fs::path(CLERK_CONFORMANCE_WORK_DIR);
  fs::create_directories(work);
  const fs::path served = work / "fapi-native.yml";
  std::ofstream(served, std::ios::binary) << patched_document(read_file(document));
  if (!prism.start(prism_bin, served, work / "prism-fapi.log"))
    return 1;
  std::cout << "Prism serves " << served.string() << " at " << prism.origin() << '\n';

  doctest::Context context(argc, argv);
  int result = context.run();
  prism.stop();
  // Each case judged its own requests; this is the whole log's tally.
  const auto all = clerk_test::verdicts_of(prism.log());
  std::cout << "Prism (Frontend API): " << prism.sent() << " requests sent, " << all.received
            << " received, " << all.request_violations << " request violations, " << all.refused
            << " refused\n";
  if (all.received != prism.sent() || all.request_violations != 0 || all.refused != 0) {
    std::cout << all.problems;
    return 1;
  }
  return result;
}
