// Fuzzes the session-token verifier: its decoder (base64url, JSON header and
// payload), its header rules and the claims read by the engine, with a fixed
// test key (kid "k1" accepts exactly one signature). Input: a mode byte, then
// the header's JSON text, "\n", the payload's JSON text. The byte's value
// modulo 3 is the mode: 0 encodes them and signs with the key's signature, 1
// with another, 2 takes the rest of the input as the token itself; its value
// divided by 3 picks the options: bit 0 sets issuer, bit 1 sets
// authorized_parties, bit 2 accepts pending sessions.
//
// Oracle: an accepted token was signed by the key, and an independent
// Boost.JSON DOM reading of its header and payload agrees with every rule
// (alg RS256, kid, no crit, typ JWT or absent, cat, sub, sid, iss and azp
// against the options, exp, nbf, iat with the skew, sts, v) and with the
// claims returned, the organization's included: v2's o, its permissions
// decoded here as @clerk/shared does (fea's o/ou/uo features, JavaScript's
// trim, masks halved digit by digit), or v1's org_* claims. A refused
// token's message never holds the token, nor its signature unless the
// header or payload spells it; the same input always gives the same answer.
#include <clerk/session_tokens.hpp>

#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

const std::string issuer = "https://clerk.example.com";
const std::vector<std::string> parties = {"https://app.example.com", "https://b.example.com"};

// What the claims returned say of any accepted token, raw ones included.
CLERK_FUZZ_CHECKER void check_accepted(std::string_view token, const clerk::verify_options& opt,
                                       const clerk::session_claims& c) {
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  FUZZ_CHECK(token.substr(dot2 + 1) == b64url(good_signature));
  FUZZ_CHECK(!c.user_id.empty() && !c.user_id.starts_with("mch_"));
  FUZZ_CHECK(!c.session_id.empty());
  FUZZ_CHECK(!c.issuer.empty() && (opt.issuer.empty() || c.issuer == opt.issuer));
  FUZZ_CHECK(opt.authorized_parties.empty() ||
             (c.authorized_party &&
              (*c.authorized_party == parties[0] || *c.authorized_party == parties[1])));
  FUZZ_CHECK(c.expires_at.time_since_epoch().count() > now_s - 5);
  if (c.not_before)
    FUZZ_CHECK(c.not_before->time_since_epoch().count() <= now_s + 5);
  if (c.issued_at)
    FUZZ_CHECK(c.issued_at->time_since_epoch().count() <= now_s + 5);
  FUZZ_CHECK(c.session_status.raw().empty() ||
             c.session_status.value() == clerk::session_token_status::active ||
             (opt.accept_pending_sessions &&
              c.session_status.value() == clerk::session_token_status::pending));
}

// ---- the organization, read as @clerk/shared reads it, apart from the library ----

// The code points of UTF-8 text (Boost.JSON has checked it).
CLERK_FUZZ_CHECKER std::u32string code_points(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += n;
  }
  return out;
}

CLERK_FUZZ_CHECKER std::string utf8(std::u32string_view s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

// String.prototype.trim: ECMAScript's WhiteSpace and LineTerminator.
CLERK_FUZZ_CHECKER bool js_white(char32_t c) {
  switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

CLERK_FUZZ_CHECKER std::string trimmed(std::string_view s) {
  std::u32string cps = code_points(s);
  std::size_t b = 0, e = cps.size();
  while (b < e && js_white(cps[b]))
    ++b;
  while (e > b && js_white(cps[e - 1]))
    --e;
  return utf8(std::u32string_view(cps).substr(b, e - b));
}

// String.prototype.split(",").
CLERK_FUZZ_CHECKER std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out(1);
  for (char ch : s) {
    if (ch == ',')
      out.emplace_back();
    else
      out.back() += ch;
  }
  return out;
}

// decimalToBinaryBits: /^\d+$/, then halved digit by digit, least significant
// bit first; nullopt when not decimal.
CLERK_FUZZ_CHECKER std::optional<std::vector<int>> binary(const std::string& d) {
  if (d.empty())
    return std::nullopt;
  for (char ch : d)
    if (ch < '0' || ch > '9')
      return std::nullopt;
  std::string rest = d;
  std::vector<int> bits;
  while (rest.find_first_not_of('0') != std::string::npos) {
    std::string quotient;
    int remainder = 0;
    for (char ch : rest) {
      const int v = remainder * 10 + (ch - '0');
      if (!quotient.empty() || v / 2 != 0)
        quotient += static_cast<char>('0' + v / 2);
      remainder = v % 2;
    }
    bits.push_back(remainder);
    rest = quotient.empty() ? "0" : quotient;
  }
  return bits;
}

// __experimental_JWTPayloadToAuthObjectProperties's orgPermissions for a v2
// token's o and fea; nullopt where splitByScope throws (no colon).
CLERK_FUZZ_CHECKER std::optional<std::vector<std::string>> clerk_permissions(
    const boost::json::object& o, const boost::json::object& claims) {
  std::vector<std::string> features;
  if (const auto* fea = claims.if_contains("fea");
      fea && fea->is_string() && !fea->get_string().empty())
    for (const auto& raw : split(std::string(fea->get_string()))) {
      const std::string part = trimmed(raw);
      const auto colon = part.find(':');
      if (colon == std::string::npos)
        return std::nullopt;
      const std::string scope = part.substr(0, colon);
      if (scope == "o" || scope == "ou" || scope == "uo")
        features.push_back(part.substr(colon + 1));
    }
  std::vector<std::string> out;
  const auto* per = o.if_contains("per");
  const auto* fpm = o.if_contains("fpm");
  if (!per || !fpm || !per->is_string() || !fpm->is_string() || per->get_string().empty() ||
      fpm->get_string().empty())
    return out;
  std::vector<std::string> names = split(std::string(per->get_string()));
  for (auto& n : names)
    n = trimmed(n);
  const std::vector<std::string> masks = split(std::string(fpm->get_string()));
  for (std::size_t f = 0; f < features.size() && f < masks.size(); ++f) {
    const auto bits = binary(trimmed(masks[f]));
    if (!bits)
      continue;
    for (std::size_t k = 0; k < bits->size() && k < names.size(); ++k)
      if ((*bits)[k] == 1)
        out.push_back("org:" + features[f] + ":" + names[k]);
  }
  return out;
}

CLERK_FUZZ_CHECKER std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

CLERK_FUZZ_CHECKER void check_organization(const boost::json::object& po,
                                           const clerk::session_claims& c) {
  const auto* v = po.if_contains("v");
  const bool v2 = v && v->is_int64() && v->get_int64() == 2;
  if (v2) {
    const auto* o = po.if_contains("o");
    if (!o || o->is_null()) {
      FUZZ_CHECK(!c.organization);
      return;
    }
    FUZZ_CHECK(o->is_object() && c.organization);
    const auto& oo = o->get_object();
    FUZZ_CHECK(c.organization->id == text_of(oo, "id"));
    FUZZ_CHECK(c.organization->role == text_of(oo, "rol"));
    const auto want = clerk_permissions(oo, po);
    FUZZ_CHECK(want.has_value());  // else @clerk/shared throws, and the token must be refused
    FUZZ_CHECK(c.organization->permissions == *want);
    return;
  }
  const auto* id = po.if_contains("org_id");
  if (!id || !id->is_string()) {
    FUZZ_CHECK(!c.organization);
    return;
  }
  FUZZ_CHECK(c.organization && c.organization->id == std::string_view(id->get_string()));
  std::string role = text_of(po, "org_role");
  if (role.size() > 4 && role.compare(0, 4, "org:") == 0)
    role.erase(0, 4);
  FUZZ_CHECK(c.organization->role == role);
  std::vector<std::string> permissions;
  if (const auto* p = po.if_contains("org_permissions"); p && p->is_array())
    for (const auto& e : p->get_array())
      permissions.push_back(std::string(e.as_string()));
  FUZZ_CHECK(c.organization->permissions == permissions);
}

// A NumericDate the verifier accepts: an int64 whose milliseconds compare
// with now's as @clerk/backend compares them.
CLERK_FUZZ_CHECKER std::optional<std::int64_t> date(const boost::json::object& o,
                                                    std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null())
    return std::nullopt;
  FUZZ_CHECK(v->is_int64());
  return v->get_int64();
}

CLERK_FUZZ_CHECKER void check_dom(std::string_view header_text, std::string_view payload_text,
                                  const clerk::verify_options& opt,
                                  const clerk::session_claims& c) {
  boost::system::error_code ec;
  auto h = boost::json::parse(header_text, ec);
  FUZZ_CHECK(!ec && h.is_object());
  const auto& ho = h.get_object();
  FUZZ_CHECK(ho.contains("alg") && ho.at("alg") == "RS256");
  FUZZ_CHECK(!ho.contains("crit"));
  FUZZ_CHECK(!ho.contains("typ") || ho.at("typ") == "JWT");
  FUZZ_CHECK(ho.contains("kid") && ho.at("kid") == "k1");
  FUZZ_CHECK(!ho.contains("cat") || ho.at("cat") == "cl_B7d4PD111AAA" ||
             ho.at("cat") == "cl_I7d4PD111III");
  auto p = boost::json::parse(payload_text, ec);
  FUZZ_CHECK(!ec && p.is_object());
  const auto& po = p.get_object();
  // Compared as string_views: a claim may hold U+0000, where c_str() stops.
  const auto string_claim = [&](std::string_view key) {
    const auto* v = po.if_contains(key);
    FUZZ_CHECK(v && v->is_string() && !v->get_string().empty());
    return std::string_view(v->get_string());
  };
  FUZZ_CHECK(string_claim("sub") == c.user_id && !c.user_id.starts_with("mch_"));
  FUZZ_CHECK(string_claim("sid") == c.session_id);
  FUZZ_CHECK(string_claim("iss") == c.issuer);
  if (!opt.issuer.empty())
    FUZZ_CHECK(c.issuer == opt.issuer);
  const auto* azp = po.if_contains("azp");
  if (azp && !azp->is_null())
    FUZZ_CHECK(c.authorized_party && azp->is_string() &&
               std::string_view(azp->get_string()) == *c.authorized_party);
  else
    FUZZ_CHECK(!c.authorized_party);
  if (!opt.authorized_parties.empty())
    FUZZ_CHECK(c.authorized_party && (*c.authorized_party == opt.authorized_parties[0] ||
                                      *c.authorized_party == opt.authorized_parties[1]));
  // now is whole seconds and the skew 5 s: exp * 1000 > now_ms - 5000 is
  // exp > now_s - 5, and nbf, iat * 1000 <= now_ms + 5000 is <= now_s + 5.
  const auto exp = date(po, "exp");
  FUZZ_CHECK(exp && *exp > now_s - 5 && *exp == c.expires_at.time_since_epoch().count());
  const auto nbf = date(po, "nbf"), iat = date(po, "iat");
  FUZZ_CHECK(!nbf || *nbf <= now_s + 5);
  FUZZ_CHECK(nbf.has_value() == c.not_before.has_value());
  FUZZ_CHECK(!nbf || *nbf == c.not_before->time_since_epoch().count());
  FUZZ_CHECK(!iat || *iat <= now_s + 5);
  FUZZ_CHECK(iat.has_value() == c.issued_at.has_value());
  FUZZ_CHECK(!iat || *iat == c.issued_at->time_since_epoch().count());
  const auto* sts = po.if_contains("sts");
  if (sts && !sts->is_null())
    FUZZ_CHECK(*sts == "active" || (*sts == "pending" && opt.accept_pending_sessions));
  const auto* v = po.if_contains("v");
  FUZZ_CHECK(c.version == (v && !v->is_null() ? v->as_int64() : 1));
  check_organization(po, c);
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
  const int options = data[0] / 3;
  clerk::verify_options opt;
  opt.max_token_bytes = 4096;
  if (options & 1)
    opt.issuer = issuer;
  if (options & 2)
    opt.authorized_parties = parties;
  opt.accept_pending_sessions = (options & 4) != 0;
  fixed_key key;
  auto r = clerk::verify_session_token(token, key, now, opt);
  auto again = clerk::verify_session_token(token, key, now, opt);
  FUZZ_CHECK(r == again);
  if (r) {
    check_accepted(token, opt, *r);
    if (mode == 0)
      check_dom(header_text, payload_text, opt, *r);
    FUZZ_CHECK(mode != 1);
  } else {
    check_refused(token, r.error());
  }
  return 0;
}
