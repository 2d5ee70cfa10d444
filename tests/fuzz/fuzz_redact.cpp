// Redaction and every printer, with a secret planted in arbitrary text.
//
// Input (see corpus/redact):
//   jwt " ;3           <- kind (key, live, jwt, ticket, token, clerk_ticket),
//                         the byte before and the byte after the secret, and
//                         the printer to try (the byte modulo 8: '0' to '7')
//   <secret bytes>     <- mapped onto base64url, padded to 16 characters
//   <prefix>           <- unescaped
//   <suffix...>        <- raw, to the end
//
// Checks: the planted secret key, JWT or ticket never survives http::redact() or
// anything the library prints (requests, responses, each error kind, tokens,
// secrets); no printed text holds a secret-shaped run at all; error messages
// are one line; redact_url and redact_credential keep only what they promise.
#include <clerk/backend.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

using clerk_fuzz::printed;

namespace {

constexpr std::string_view b64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool ends_ticket(char c) {
  return c == '&' || c == '#' || c == '"' || c == '\'' || c == ' ' || c == '<' || c == '>' ||
         static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

struct planted {
  std::string text;    // prefix + secret + suffix
  std::string secret;  // what must never be printed
  int printer = 0;     // which of the eight groups below to try
};

planted plant(std::string_view in) {
  std::string_view head = clerk_fuzz::take_line(in);
  std::string_view body = clerk_fuzz::take_line(in);
  std::string prefix = clerk_fuzz::unescape(clerk_fuzz::take_line(in));
  std::string_view suffix = in;

  std::string_view kind = head.substr(0, head.find(' '));
  char before = head.size() > kind.size() + 1 ? head[kind.size() + 1] : ' ';
  char after = head.size() > kind.size() + 2 ? head[kind.size() + 2] : ' ';
  char printer = head.size() > kind.size() + 3 ? head[kind.size() + 3] : '0';
  std::string value;
  for (char c : body)
    value += b64url[static_cast<unsigned char>(c) % 64];
  while (value.size() < 16)
    value += 'A';

  // The secret must start and end a word, as a real one does in text.
  if (clerk_fuzz::is_b64url(before) || before == '.')
    before = ' ';
  if (clerk_fuzz::is_b64url(after) || after == '.')
    after = ' ';

  planted p;
  p.printer = static_cast<unsigned char>(printer) % 8;
  std::string shown;
  if (kind == "ticket" || kind == "token" || kind == "clerk_ticket") {
    if (!ends_ticket(after))
      after = ' ';
    std::string_view name = kind == "ticket"  ? "ticket="
                            : kind == "token" ? "token="
                                              : "__clerk_ticket=";
    shown = std::string("https://accounts.example.com/accept?") + std::string(name) + value;
    p.secret = value;
  } else if (kind == "jwt") {
    shown = "eyJ" + value.substr(0, value.size() / 2) + "." + value.substr(value.size() / 2);
    p.secret = shown;
  } else {
    shown = (kind == "live" ? "sk_live_" : "sk_test_") + value;
    p.secret = value;
  }
  p.text = prefix + before + shown + after + std::string(suffix);
  // A secret the surrounding text spells out by itself is not a leak.
  if (prefix.find(p.secret) != std::string::npos || suffix.find(p.secret) != std::string_view::npos)
    p.secret.clear();
  return p;
}

void check_safe(std::string_view out, const planted& p) {
  if (!p.secret.empty())
    FUZZ_CHECK_MSG(out.find(p.secret) == std::string_view::npos, out);
  FUZZ_CHECK_MSG(clerk_fuzz::find_secret_shape(out) == std::string_view::npos, out);
}

void check_message(const clerk::error& e, const planted& p) {
  const std::string m = e.message();
  FUZZ_CHECK_MSG(!clerk_fuzz::has_control(m), m);
  check_safe(m, p);
  check_safe(printed(e), p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw = clerk_fuzz::as_text(data, size);
  const planted p = plant(raw);
  const std::string& text = p.text;
  // Each printer costs passes of http::redact() over the text: one a run keeps the
  // target fast, and the selector lets the fuzzer reach each.
  auto wanted = [&](int group) { return p.printer == group; };

  if (wanted(0)) {
    check_safe(clerk::http::redact(text), p);
    // Arbitrary text, with nothing planted: what is left is never secret-shaped.
    FUZZ_CHECK(clerk_fuzz::find_secret_shape(clerk::http::redact(raw)) == std::string_view::npos);

    // redact_url keeps what is before the query or fragment, redacted, and
    // nothing after it.
    const std::string url = clerk::http::redact_url(text);
    const auto cut = text.find_first_of("?#");
    if (cut == std::string::npos)
      FUZZ_CHECK(url == clerk::http::redact(text));
    else
      FUZZ_CHECK(url == clerk::http::redact(std::string_view(text).substr(0, cut)) + text[cut] +
                            std::string(clerk::http::redacted));
    check_safe(url, p);

    // redact_credential keeps at most a short scheme and the key's kind.
    const std::string cred = clerk::http::redact_credential(text);
    FUZZ_CHECK(cred.size() <= 17 + 8 + clerk::http::redacted.size());
    FUZZ_CHECK(std::string_view(cred).substr(cred.size() - clerk::http::redacted.size()) ==
               clerk::http::redacted);
    check_safe(cred, p);
  }

  if (wanted(1)) {
    clerk::http_request req;
    req.url = text;
    req.headers.add("Authorization", text);
    req.headers.add(text, text);
    req.body = text;
    check_safe(printed(req), p);
  }

  if (wanted(2)) {
    clerk::http_response resp;
    resp.status = 200;
    resp.headers.add("Set-Cookie", text);
    resp.headers.add("X-Debug", text);
    resp.body = text;
    check_safe(printed(resp), p);
  }

  if (wanted(3)) {
    clerk::sign_in_token t;
    t.id = text;
    t.user_id = text;
    t.status = clerk::sign_in_token_status(text);
    t.token.emplace(text);
    t.url.emplace(text);
    check_safe(printed(t), p);
    check_safe(printed(*t.token), p);
    check_safe(printed(t.status), p);
  }

  if (wanted(4))
    check_message(clerk::invalid_request{text, text}, p);
  if (wanted(5))
    check_message(
        clerk::transport_error{std::make_error_code(std::errc::connection_refused), text, true}, p);
  if (wanted(6)) {
    clerk::api_error a;
    a.status = 422;
    a.errors.push_back({text, text, text, {}});
    a.errors.push_back({text, text, "", {}});
    a.clerk_trace_id = text;
    a.retry_after = clerk::http::parse_retry_after(text);
    check_message(a, p);
  }
  if (wanted(7)) {
    clerk::unexpected_response u;
    u.status = 200;
    u.content_type = text;
    u.body_excerpt = text.substr(0, clerk::body_excerpt_limit);
    u.body_size = text.size();
    u.problem = text;
    u.clerk_trace_id = text;
    check_message(u, p);
  }
  return 0;
}
