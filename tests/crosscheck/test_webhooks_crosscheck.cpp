// The webhook verifier checked against the Standard Webhooks reference
// library, standardwebhooks 1.3.0, and @clerk/backend 3.25.0's verifyWebhook
// (both pinned in package-lock.json here; `npm ci` by tests/setup.sh):
// webhook_judge.mjs draws random deliveries from a fixed seed, signs them
// with standardwebhooks, mutates them and judges each with both; this test
// signs each again with the library (the signature must be the same text)
// and verifies each, under both header families, at the judges' pinned now.
// Every verdict must be the judges', or differ by one of the rules in
// `rules` below, each a stricter reading the library chose; the library may
// never accept what the judges refuse. Exits 77 (CTest: skipped) when node
// or the npm packages are missing.
#define DOCTEST_CONFIG_IMPLEMENT
#include "process.hpp"

#include <clerk/crypto/openssl.hpp>
#include <clerk/webhooks.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string node = CLERK_NODE_PATH;
const fs::path here = CLERK_CROSSCHECK_DIR;

// Where the library's verdict may differ from the judges', and why.
const std::map<std::string_view, std::string_view> rules{
    {"short key",
     "a key under 16 bytes is refused (secret-invalid): Svix's are 24, the Standard "
     "Webhooks specification asks for 24 to 64; the judges take any non-empty key"},
    {"timestamp text",
     "the timestamp is plain decimal digits without sign or leading zero (timestamp-malformed); "
     "the judges read it with parseInt, which takes '0123', '+123', '123abc', '123.9', '-123'"},
    {"not an event",
     "a genuine body must be a Clerk event, a JSON object with a string type and a data "
     "(payload-invalid); standardwebhooks returns any JSON (or nothing for an empty body), and "
     "verifyWebhook then fails or returns an event without a type"},
    {"entry with commas",
     "a list entry is one version and one signature: 'v1,<a>,v1,<b>' is refused "
     "(no-matching-signature); the judges split an entry at every comma and read the first two "
     "parts, so that a second signature glued on with a comma is ignored"},
    {"spaces",
     "spaces around a header's value are not part of it, as HTTP says and as "
     "verifyWebhook (fetch's Headers) reads them; standardwebhooks, handed them raw, "
     "signs them"},
};

// A judge's message as the library's reason.
std::string reason_of(std::string_view message) {
  if (message == "ok")
    return "ok";
  const std::pair<std::string_view, std::string_view> table[] = {
      {"Missing required", "missing-headers"},
      {"Invalid Signature Headers", "timestamp-malformed"},
      {"Message timestamp too old", "timestamp-too-old"},
      {"Message timestamp too new", "timestamp-too-new"},
      {"No matching signature found", "no-matching-signature"},
      {"Secret can't be empty", "secret-invalid"},
      {"Base64Coder", "secret-invalid"},
      {"JSON: ", "payload-invalid"},
      {"Expected ", "payload-invalid"},  // verifyWebhook passes JSON.parse's message on
      {"Unexpected ", "payload-invalid"},
      {"Cannot read propert", "payload-invalid"},  // a payload that is JSON null
  };
  for (const auto& [text, reason] : table)
    if (message.find(text) != std::string_view::npos)
      return std::string(reason);
  return "other: " + std::string(message);
}

std::string from_hex(std::string_view hex) {
  std::string out;
  auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1]));
  return out;
}

std::optional<std::string> text_or_null(const json::object& o, std::string_view name) {
  const json::value& v = o.at(name);
  if (v.is_null())
    return std::nullopt;
  return std::string(v.as_string());
}

// How many bytes a secret's padded base64 decodes to.
std::size_t key_bytes(std::string_view secret) {
  if (secret.starts_with("whsec_"))
    secret.remove_prefix(6);
  std::size_t pad = 0;
  while (pad < secret.size() && secret[secret.size() - 1 - pad] == '=')
    ++pad;
  return secret.size() / 4 * 3 - pad;
}

// Whether a signature list has a v1 entry with a comma after its version's.
bool entry_with_commas(std::string_view list) {
  while (!list.empty()) {
    const auto space = list.find(' ');
    const std::string_view entry = list.substr(0, space);
    if (entry.starts_with("v1,") && entry.find(',', 3) != std::string_view::npos)
      return true;
    list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
  }
  return false;
}

bool canonical_seconds(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0'))
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

}  // namespace

TEST_CASE("random deliveries: the library signs as standardwebhooks and judges as it and Clerk") {
  auto r = clerk_test::run_process(node, {(here / "webhook_judge.mjs").string(), "27", "2000"},
                                   {"PATH=/usr/bin:/bin"}, std::chrono::seconds(120));
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  boost::system::error_code ec;
  const json::value doc = json::parse(r.out, ec);
  REQUIRE_FALSE(ec);
  const auto now = std::chrono::system_clock::time_point(
      std::chrono::seconds(doc.at("now").to_number<std::int64_t>()));
  const json::array& vectors = doc.at("vectors").as_array();
  REQUIRE(vectors.size() == 2000);

  std::map<std::string, int> agreed, by_rule, signatures;
  int accepted = 0, differing = 0;
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const json::object& v = vectors[i].as_object();
    const std::string kind(v.at("kind").as_string());
    const std::string secret_text(v.at("secret").as_string());
    const auto id = text_or_null(v, "id"), timestamp = text_or_null(v, "timestamp"),
               signature = text_or_null(v, "signature");
    const std::string body = from_hex(v.at("body").as_string());
    const std::string standard = reason_of(v.at("standard").as_string());
    const std::string clerk = reason_of(v.at("clerk").as_string());
    CAPTURE(i);
    CAPTURE(kind);
    CAPTURE(standard);
    CAPTURE(clerk);

    // The library's signature of what standardwebhooks signed: the same text.
    auto signed_secret =
        clerk::webhook_secret::make(std::string(v.at("signed_secret").as_string()));
    if (signed_secret && !v.at("sign").is_null()) {
      auto mine = clerk::sign_webhook(
          std::string(v.at("signed_id").as_string()),
          std::chrono::sys_seconds(
              std::chrono::seconds(v.at("signed_timestamp").to_number<std::int64_t>())),
          from_hex(v.at("signed_body").as_string()), *signed_secret, clerk::openssl_hmac{});
      REQUIRE(mine.has_value());
      CHECK(*mine == v.at("sign").as_string());
      ++signatures[*mine == v.at("sign").as_string() ? "equal" : "different"];
    } else {
      ++signatures["not compared (a key the library refuses)"];
    }

    // The library's verdict, under both header families alike.
    std::string library;
    auto secret = clerk::webhook_secret::make(secret_text);
    if (!secret) {
      library = std::string(to_string(secret.error().as_invalid_webhook()->reason));
    } else {
      std::string verdicts[2];
      for (int family = 0; family < 2; ++family) {
        const std::string prefix = family == 0 ? "svix-" : "webhook-";
        clerk::header_list headers;
        if (id)
          headers.add(prefix + "id", *id);
        if (timestamp)
          headers.add(prefix + "timestamp", *timestamp);
        if (signature)
          headers.add(prefix + "signature", *signature);
        auto e = clerk::verify_webhook(headers, body, *secret, now, clerk::openssl_hmac{});
        verdicts[family] =
            e ? "ok" : std::string(to_string(e.error().as_invalid_webhook()->reason));
      }
      CHECK(verdicts[0] == verdicts[1]);
      library = verdicts[0];
    }
    CAPTURE(library);
    accepted += library == "ok";

    // Agreement, or one of the rules. Given spaces around a value, the
    // judge to agree with is verifyWebhook, which reads headers as HTTP does.
    if (library == standard && library == clerk) {
      ++agreed[library];
      continue;
    }
    ++differing;
    std::vector<std::string> applied;
    std::string reference = standard;
    if (kind == "spaces" && clerk != standard) {
      applied.push_back("spaces");
      reference = clerk;
    }
    if (library != reference) {
      if (library == "secret-invalid" && key_bytes(secret_text) < 16)
        applied.push_back("short key");
      else if (library == "timestamp-malformed" && timestamp && !canonical_seconds(*timestamp))
        applied.push_back("timestamp text");
      else if (library == "no-matching-signature" &&
               (reference == "ok" || reference == "payload-invalid") && signature &&
               entry_with_commas(*signature))  // the judges went past the signature
        applied.push_back("entry with commas");
      else if (library == "payload-invalid" && reference == "ok")
        applied.push_back("not an event");
      else
        applied.push_back("none: a verdict no rule explains");
    }
    // The library accepts nothing both judges refuse.
    if (library == "ok")
      CHECK((standard == "ok" || clerk == "ok"));
    for (const auto& rule : applied) {
      CHECK_MESSAGE(rules.contains(rule), rule);
      ++by_rule[rule];
    }
  }

  std::cout << "webhook crosscheck: " << vectors.size() << " deliveries, " << accepted
            << " accepted by the library\n  agreed with both judges:";
  for (const auto& [verdict, n] : agreed)
    std::cout << ' ' << verdict << ' ' << n << ';';
  std::cout << "\n  differing from a judge: " << differing << ", by rule:";
  for (const auto& [rule, n] : by_rule)
    std::cout << ' ' << rule << ' ' << n << ';';
  std::cout << "\n  signatures against standardwebhooks':";
  for (const auto& [what, n] : signatures)
    std::cout << ' ' << what << ' ' << n << ';';
  std::cout << '\n';
  CHECK(signatures["different"] == 0);
}

int main(int argc, char** argv) {
  if (node.empty() || !fs::exists(node)) {
    std::cout << "SKIP: node is not installed (bash tests/setup.sh installs it)\n";
    return 77;
  }
  for (const char* package : {"standardwebhooks", "@clerk/backend"})
    if (!fs::exists(here / "node_modules" / package / "package.json")) {
      std::cout << "SKIP: " << package << " is not installed in " << here.string()
                << "/node_modules (bash tests/setup.sh runs npm ci there)\n";
      return 77;
    }
  doctest::Context context(argc, argv);
  return context.run();
}
