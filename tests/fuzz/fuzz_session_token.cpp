// Fuzzes the session-token verifier: its decoder (base64url, JSON header and
// payload), its header rules and the claims read by the engine, with a fixed
// test key (kid "k1" accepts exactly one signature). Input: a mode byte, then
// the header's JSON text, "\n", the payload's JSON text; mode 0 encodes them
// and signs with the key's signature, mode 1 with another, mode 2 takes the
// rest of the input as the token itself.
//
// Oracle: an accepted token was signed by the key, and an independent DOM
// reading of its header and payload agrees with every rule (alg RS256, no
// crit, typ JWT or absent, sub, sid, iss, exp, nbf, iat, sts) and with the
// claims returned; a refused token's message never holds the token, nor its
// signature unless the header or payload spells it; the same input always
// gives the same answer.
#include <clerk/session_tokens.hpp>

#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view good_signature = "fuzz-signature-bytes-0123456789";

struct fixed_key {
  clerk::key_check verify(std::string_view kid, std::string_view alg, std::string_view,
                          std::span<const unsigned char> sig) const {
    if (kid != "k1")
      return clerk::key_check::unknown_kid;
    if (alg != "RS256")
      return clerk::key_check::unsupported_alg;
    std::string_view s(reinterpret_cast<const char*>(sig.data()), sig.size());
    return s == good_signature ? clerk::key_check::valid : clerk::key_check::bad_signature;
  }
};

std::string b64url(std::string_view in) {
  static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += abc[(acc >> bits) & 63u];
    }
  }
  if (bits > 0)
    out += abc[(acc << (6 - bits)) & 63u];
  return out;
}

// Now: 2026-01-01T00:00:00Z; skew 5 s.
constexpr std::int64_t now_s = 1767225600;

CLERK_FUZZ_CHECKER void check_accepted(std::string_view token, const clerk::session_claims& c) {
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  FUZZ_CHECK(token.substr(dot2 + 1) == b64url(good_signature));
  FUZZ_CHECK(!c.user_id.empty() && !c.user_id.starts_with("mch_"));
  FUZZ_CHECK(!c.session_id.empty());
  FUZZ_CHECK(!c.issuer.empty());
  FUZZ_CHECK(c.expires_at.time_since_epoch().count() > now_s - 5);
  if (c.not_before)
    FUZZ_CHECK(c.not_before->time_since_epoch().count() <= now_s + 5);
  if (c.issued_at)
    FUZZ_CHECK(c.issued_at->time_since_epoch().count() <= now_s + 5);
  FUZZ_CHECK(c.session_status.raw().empty() ||
             c.session_status.value() == clerk::session_token_status::active);
}

CLERK_FUZZ_CHECKER void check_dom(std::string_view header_text, std::string_view payload_text,
                                  const clerk::session_claims& c) {
  boost::system::error_code ec;
  auto h = boost::json::parse(header_text, ec);
  FUZZ_CHECK(!ec && h.is_object());
  const auto& ho = h.get_object();
  FUZZ_CHECK(ho.contains("alg") && ho.at("alg") == "RS256");
  FUZZ_CHECK(!ho.contains("crit"));
  FUZZ_CHECK(!ho.contains("typ") || ho.at("typ") == "JWT");
  FUZZ_CHECK(ho.contains("kid") && ho.at("kid") == "k1");
  auto p = boost::json::parse(payload_text, ec);
  FUZZ_CHECK(!ec && p.is_object());
  const auto& po = p.get_object();
  FUZZ_CHECK(po.contains("sub") && po.at("sub").is_string() &&
             std::string_view(po.at("sub").get_string()) == c.user_id);
  FUZZ_CHECK(po.contains("exp") && po.at("exp").is_int64() &&
             po.at("exp").get_int64() == c.expires_at.time_since_epoch().count());
  // Compared as string_views: a claim may hold U+0000, where c_str() stops.
  if (po.contains("azp"))
    FUZZ_CHECK(c.authorized_party && po.at("azp").is_string() &&
               std::string_view(po.at("azp").get_string()) == *c.authorized_party);
}

// The decoded header and payload of `token`, as far as they decode: what a
// message may quote (a kid, a claim's name), bounded and redacted.
std::string quotable(std::string_view token) {
  std::string all, part;
  for (int i = 0; i < 2 && !token.empty(); ++i) {
    const auto dot = token.find('.');
    if (clerk::detail::base64url_decode(token.substr(0, dot), part))
      all += part;
    token = dot == std::string_view::npos ? std::string_view() : token.substr(dot + 1);
  }
  return all;
}

CLERK_FUZZ_CHECKER void check_refused(std::string_view token, const clerk::error& e) {
  FUZZ_CHECK(e.kind() == clerk::error_kind::invalid_token);
  std::string m = e.message();
  // The signature's text may appear only when the header or payload holds it
  // (the fuzzer wrote it into a kid, which the message names: it did).
  const std::string signature_text = b64url(good_signature);
  if (quotable(token).find(signature_text) == std::string::npos)
    FUZZ_CHECK_MSG(m.find(signature_text) == std::string::npos, m);
  // A token of dots and base64url; without a dot, the fuzzer can spell the
  // message's own words as a "token" (it did: "nvalid: token: not three ...").
  if (token.size() >= 24 && token.find('.') != std::string::npos)
    FUZZ_CHECK_MSG(m.find(token) == std::string::npos, m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const int mode = data[0] % 3;
  std::string_view rest = clerk_fuzz::as_text(data + 1, size - 1);
  std::string token;
  std::string_view header_text, payload_text;
  if (mode == 2) {
    token.assign(rest);
  } else {
    header_text = clerk_fuzz::take_line(rest);
    payload_text = rest;
    token = b64url(header_text) + '.' + b64url(payload_text) + '.' +
            b64url(mode == 0 ? good_signature : std::string_view("another signature"));
  }
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(now_s));
  clerk::verify_options opt;
  opt.max_token_bytes = 4096;
  fixed_key key;
  auto r = clerk::verify_session_token(token, key, now, opt);
  auto again = clerk::verify_session_token(token, key, now, opt);
  FUZZ_CHECK(r == again);
  if (r) {
    check_accepted(token, *r);
    if (mode == 0)
      check_dom(header_text, payload_text, *r);
    FUZZ_CHECK(mode != 1);
  } else {
    check_refused(token, r.error());
  }
  return 0;
}
