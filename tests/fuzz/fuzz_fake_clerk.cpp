// clerk::fakes::fake_clerk, the in-memory Clerk for users' tests, on any
// request: it parses the URL, the headers and a JSON body like a server.
//
// Input (see corpus/fake_clerk):
//   POST https://api.clerk.com/v1/sign_in_tokens    <- method and URL
//   Authorization: Bearer sk_test_fake0clerk0secret0key000
//   Content-Type: application/json                   <- headers, one a line
//                                                    <- an empty line
//   {"user_id":"user_1"}                             <- the body, raw bytes
//
// Checks: a Frontend API request (/v1/client...) gets a JSON object with a
// trace id, a 2xx or an api_error. Otherwise:
// the fake always answers (never a transport error) with a trace id,
// and its answer is one the library reads as a sign-in token (an actor token
// for /v1/actor_tokens...) or an api_error, never as an unexpected response.
// A token it creates can be revoked once through the library's own client,
// not a second time (400, with the family's code), and a sign-in token's
// ticket is then refused.
#include <clerk/fakes/fake_clerk.hpp>

#include "fuzz_support.hpp"

#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

clerk::http_request read_request(std::string_view data) {
  clerk::http_request r;
  std::string_view first = clerk_fuzz::take_line(data);
  auto space = first.find(' ');
  r.method = clerk::http::parse_method(first.substr(0, space)).value_or(clerk::http_method::get);
  r.url = space == std::string_view::npos ? "" : std::string(first.substr(space + 1));
  while (!data.empty()) {
    std::string_view line = clerk_fuzz::take_line(data);
    if (line.empty())
      break;
    auto colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    r.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = std::string(data);
  return r;
}

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

// The answer, read by the library as op's answer: a token or an api_error
// with the answer's trace id. Returns the token when there is one.
template <class Operation>
auto read_answer(const Operation& op, const clerk::transport_result& answer) {
  FUZZ_CHECK(answer.has_value());
  const auto trace = answer->headers.find("clerk-trace-id");
  FUZZ_CHECK(trace && trace->size() == 32 && is_hex(*trace));
  auto t = clerk::parse_response(op, *answer, clerk::response_limits{});
  if (t.has_error()) {
    FUZZ_CHECK_MSG(t.error().kind() == clerk::error_kind::api, t.error().message());
    FUZZ_CHECK(t.error().clerk_trace_id() == *trace);
  }
  return t;
}

// A Frontend API answer (/v1/client...): a JSON object with a trace id, a 2xx
// or a ClerkErrors body the library reads as an api_error.
void check_frontend_answer(const clerk::transport_result& answer) {
  FUZZ_CHECK(answer.has_value());
  const auto trace = answer->headers.find("clerk-trace-id");
  FUZZ_CHECK(trace && trace->size() == 32 && is_hex(*trace));
  FUZZ_CHECK(answer->body.starts_with('{') && answer->body.ends_with('}'));
  if (answer->status >= 200 && answer->status <= 299)
    return;
  auto e =
      clerk::parse_response(clerk::create_sign_in_token{"u"}, *answer, clerk::response_limits{});
  FUZZ_CHECK_MSG(e.has_error() && e.error().kind() == clerk::error_kind::api, answer->body);
}

// A created token revokes once through the library's client, and a second
// revoke is a 400 with `code`.
template <class Revoke, class Token>
void check_revokes_once(const clerk::fakes::fake_clerk& fake, const Token& created,
                        std::string_view code) {
  auto cfg = clerk::config::make(clerk::options{.secret_key = fake.secret_key()});
  FUZZ_CHECK(cfg.has_value());
  const clerk::client client(*cfg, fake);
  auto revoked = client.send(Revoke{created.id});
  FUZZ_CHECK_MSG(revoked.has_value(), revoked.error().message());
  FUZZ_CHECK(revoked->id == created.id && revoked->status == decltype(created.status)::revoked);
  FUZZ_CHECK(revoked->user_id == created.user_id);
  FUZZ_CHECK(!revoked->token && !revoked->url);
  auto again = client.send(Revoke{created.id});
  FUZZ_CHECK(again.has_error() && again.error().kind() == clerk::error_kind::api &&
             again.error().http_status() == 400);
  FUZZ_CHECK(again.error().as_api()->errors.at(0).code == code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const clerk::fakes::fake_clerk fake;
  fake.add_user("user_2xyz");
  fake.add_organization("org_1", {"user_1"});

  const auto request = read_request(clerk_fuzz::as_text(data, size));
  // The path as the fake routes it: after scheme and authority, before ?#.
  std::string_view path = request.url;
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    path.remove_prefix(std::min(path.find('/'), path.size()));
  }
  path = path.substr(0, path.find_first_of("?#"));
  if (path == "/v1/client" || path.starts_with("/v1/client/")) {
    check_frontend_answer(fake(request));
    FUZZ_CHECK(fake.request_count() == 1);
    return 0;
  }
  if (path.starts_with("/v1/actor_tokens")) {
    const auto created = read_answer(clerk::create_actor_token{}, fake(request));
    FUZZ_CHECK(fake.request_count() == 1);
    if (!created)
      return 0;
    // Only a create can succeed on a fresh fake, for a user it knows.
    FUZZ_CHECK(created->status == clerk::actor_token_status::pending);
    FUZZ_CHECK(created->user_id == "user_2xyz" || created->user_id == "user_1");
    FUZZ_CHECK(!created->actor.sub.empty() && created->token && created->url);
    check_revokes_once<clerk::revoke_actor_token>(fake, *created, "actor_token_cannot_be_revoked");
    FUZZ_CHECK(fake.request_count() == 3);
    return 0;
  }
  const auto created = read_answer(clerk::create_sign_in_token{"u"}, fake(request));
  FUZZ_CHECK(fake.request_count() == 1);
  if (!created)
    return 0;
  // Only a create can succeed on a fresh fake: it holds no token to revoke.
  FUZZ_CHECK(created->status == clerk::sign_in_token_status::pending);
  FUZZ_CHECK(created->user_id == "user_2xyz" || created->user_id == "user_1");
  FUZZ_CHECK(created->token && created->url);

  check_revokes_once<clerk::revoke_sign_in_token>(fake, *created,
                                                  "sign_in_token_cannot_be_revoked_code");
  FUZZ_CHECK(fake.consume_ticket(created->token->reveal()).problem ==
             clerk::fakes::ticket_problem::revoked);
  FUZZ_CHECK(fake.request_count() == 3);
  return 0;
}
