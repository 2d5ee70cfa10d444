// The Frontend API's response parsers (every operation's answer model, the
// client token from the Authorization header) and the client token's update.
//
// Input (see corpus/frontend_parse):
//   sign_in 200                                     <- answer kind, status
//   Content-Type: application/json                  <- headers, one a line
//   Authorization: Bearer eyJ...
//                                                   <- an empty line
//   {"response":{...},"client":{...}}               <- the body, raw bytes
// The kind is one of client, sign_in, session, token; anything else is
// sign_in.
//
// Checks: never a crash, a leak or UB; an answer is a success only for a 2xx;
// a success's client token is the Authorization header verbatim (none without
// one), ids the flow relies on are non-empty, a session's user id is one of
// the ids the body names, the sessions fit the element budget, and a printed
// model is one line and carries no secret-shaped run;
// an error keeps the status; frontend_error() answers for every error.
#include <clerk/frontend/errors.hpp>
#include <clerk/frontend/operations.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using clerk_fuzz::printed;

namespace {

struct input {
  std::string kind = "sign_in";
  clerk::http_response response{};
};

input read_input(std::string_view data) {
  input in;
  std::string_view first = clerk_fuzz::take_line(data);
  auto space = first.find(' ');
  in.kind = std::string(first.substr(0, space));
  in.response.status = 200;
  if (space != std::string_view::npos)
    if (auto s = clerk_fuzz::number<int>(first.substr(space + 1)))
      in.response.status = *s;
  while (!data.empty()) {
    std::string_view line = clerk_fuzz::take_line(data);
    if (line.empty())
      break;
    auto colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    in.response.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  in.response.body = std::string(data);
  return in;
}

// A small element budget, so that short inputs reach it.
constexpr std::size_t max_elements = 4;

const clerk::frontend::frontend_config& config() {
  static const clerk::frontend::frontend_config c =
      *clerk::frontend::frontend_config::make({.frontend_api_url = "https://clerk.example.com",
                                               .limits = {.max_array_elements = max_elements}});
  return c;
}

// Printed models and messages: nothing secret-shaped, and one line.
CLERK_FUZZ_CHECKER void check_printed(const std::string& text) {
  FUZZ_CHECK_MSG(clerk_fuzz::find_secret_shape(text) == std::string_view::npos, text);
  FUZZ_CHECK_MSG(!clerk_fuzz::has_control(text), text);
}

CLERK_FUZZ_CHECKER void check_token(const std::optional<clerk::secret>& token,
                                    const clerk::http_response& r) {
  auto header = r.headers.find("authorization");
  FUZZ_CHECK(token.has_value() == header.has_value());
  if (token)
    FUZZ_CHECK(token->reveal() == *header);
  clerk::frontend::client_token t("Bearer old");
  t.update(token);
  if (!token)
    FUZZ_CHECK(t.reveal() == "Bearer old");
  check_printed(printed(t));
}

void check_session(const clerk::frontend::session& s) {
  FUZZ_CHECK(!s.id.empty());
  std::string_view user = s.user_id();
  if (!user.empty())
    FUZZ_CHECK((s.user && s.user->id == user) ||
               (s.public_user_data && s.public_user_data->user_id == user));
  check_printed(printed(s));
}

void check_client(const clerk::frontend::frontend_client& c) {
  FUZZ_CHECK(!c.id.empty());
  for (const auto& s : c.sessions) {
    check_session(s);
    FUZZ_CHECK(c.find(s.id) != nullptr);
  }
  check_printed(printed(c));
}

template <class T>
void check_error(const clerk::result<T>& r, const clerk::http_response& response) {
  const clerk::error& e = r.error();
  FUZZ_CHECK(e.kind() == clerk::error_kind::api ||
             e.kind() == clerk::error_kind::unexpected_response);
  FUZZ_CHECK(e.http_status() == response.status);
  (void)clerk::frontend::to_string(clerk::frontend::frontend_error(e));
  check_printed(e.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const input in = read_input(clerk_fuzz::as_text(data, size));
  const clerk::http_response& r = in.response;
  const bool ok_status = r.status >= 200 && r.status <= 299;

  if (in.kind == "client") {
    auto a = clerk::parse_response(clerk::frontend::read_client{}, r, config());
    if (!a)
      return check_error(a, r), 0;
    FUZZ_CHECK(ok_status);
    check_token(a->client_token, r);
    if (a->response)
      check_client(*a->response);
    if (a->client)
      check_client(*a->client);
    FUZZ_CHECK((a->current() != nullptr) == (a->response || a->client));
    // Every array of the answer counts against one budget.
    FUZZ_CHECK((a->response ? a->response->sessions.size() : 0) +
                   (a->client ? a->client->sessions.size() : 0) <=
               max_elements);
  } else if (in.kind == "session") {
    auto a = clerk::parse_response(clerk::frontend::touch_session{}, r, config());
    if (!a)
      return check_error(a, r), 0;
    FUZZ_CHECK(ok_status);
    check_token(a->client_token, r);
    check_session(a->response);
    if (a->client)
      check_client(*a->client);
  } else if (in.kind == "token") {
    auto a = clerk::parse_response(clerk::frontend::mint_session_token{}, r, config());
    if (!a)
      return check_error(a, r), 0;
    FUZZ_CHECK(ok_status);
    check_token(a->client_token, r);
    FUZZ_CHECK(!a->jwt.empty());
    check_printed(printed(a->jwt));
  } else {
    auto a = clerk::parse_response(clerk::frontend::sign_in_with_ticket{}, r, config());
    if (!a)
      return check_error(a, r), 0;
    FUZZ_CHECK(ok_status);
    check_token(a->client_token, r);
    FUZZ_CHECK(!a->response.id.empty());
    check_printed(printed(a->response));
    if (a->client)
      check_client(*a->client);
  }
  return 0;
}
