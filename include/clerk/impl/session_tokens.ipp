// Definitions for <clerk/session_tokens.hpp>.
#ifndef CLERK_IMPL_SESSION_TOKENS_IPP
#define CLERK_IMPL_SESSION_TOKENS_IPP

#include <clerk/detail/response.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/session_tokens.hpp>

#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

// Strict base64url (RFC 7515 §2): the URL-safe alphabet only, no padding, no
// whitespace, and the unused low bits of the last character zero, so that
// one byte string has one spelling. False on anything else.
inline bool base64url_decode(std::string_view in, std::string& out) {
  static constexpr auto table = [] {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t)
      v = -1;
    const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; ++i)
      t[static_cast<unsigned char>(abc[i])] = static_cast<std::int8_t>(i);
    return t;
  }();
  const std::size_t full = in.size() / 4, rem = in.size() % 4;
  if (rem == 1)
    return false;
  out.resize(full * 3 + (rem == 0 ? 0 : rem - 1));
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  for (std::size_t i = 0; i < full; ++i, p += 4, o += 3) {
    const int a = table[p[0]], b = table[p[1]], c = table[p[2]], d = table[p[3]];
    if ((a | b | c | d) < 0)
      return false;
    const auto v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
    o[0] = static_cast<unsigned char>(v >> 16);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v);
  }
  if (rem == 0)
    return true;
  const int a = table[p[0]], b = table[p[1]], c = rem == 3 ? table[p[2]] : 0;
  if ((a | b | c) < 0)
    return false;
  o[0] = static_cast<unsigned char>(a << 2 | b >> 4);
  if (rem == 2)
    return (b & 0xf) == 0;  // the unused bits
  o[1] = static_cast<unsigned char>((b & 0xf) << 4 | c >> 2);
  return (c & 0x3) == 0;
}

inline error token_error(token_reason reason, std::string claim, std::string detail) {
  return error(invalid_token{reason, std::move(claim), std::move(detail)});
}

// The categories of session tokens (@clerk/backend's jwtCategories); a token
// without "cat" is a session token too.
inline constexpr std::string_view session_categories[] = {"cl_B7d4PD111AAA", "cl_I7d4PD111III"};

// The JOSE header, read by the one engine like the claims. crit is kept as
// JSON of any kind: present at all, it is refused (a value that is not an
// object is a type problem naming it, which counts as present).
struct jose_header {
  std::string alg;
  std::optional<std::string> typ, kid, cat;
  raw_json crit{}, other{};
  static constexpr auto describe() {
    using namespace decl;
    using h = jose_header;
    return model("header", field("alg", &h::alg, absent_in_response), field("typ", &h::typ),
                 field("kid", &h::kid), field("cat", &h::cat),
                 field("crit", &h::crit, absent_in_response), other_members(&h::other));
  }
};

// The claim a parser problem names: 'field "o.fpm" is ...' gives "o.fpm".
inline std::string claim_of(std::string_view problem);

// A JSON object's text read into `obj` by the engine: nullopt, or the first
// problem, "" when the text is not a JSON object or repeats a member.
inline std::optional<std::string> read_object(const model_info& info, void* obj, std::string text,
                                              std::string& structural) {
  http_response body;
  body.body = std::move(text);
  auto u = parse_model(info, obj, body, response_limits{});
  if (!u)
    return std::nullopt;
  std::string& p = u->problem;
  if (p.starts_with("body is") || p.starts_with("duplicate "))
    structural = p.starts_with("duplicate ") ? std::move(p) : "not a JSON object";
  return std::move(p);
}

// Rules 4 to 7 on the header (alg, typ, crit, cat, kid), in that order; a
// member of the wrong type fails its own rule.
inline std::optional<error> check_header(const jose_header& h, std::string_view problem) {
  const std::string bad = problem.empty() ? std::string() : claim_of(problem);
  if (bad == "alg" || h.alg != "RS256")
    return token_error(token_reason::token_invalid_algorithm, "header.alg",
                       bad == "alg" ? "not a string" : (h.alg.empty() ? "missing" : "not RS256"));
  if (bad == "typ" || (h.typ && *h.typ != "JWT"))
    return token_error(token_reason::token_invalid, "header.typ", "present and not \"JWT\"");
  if (bad == "crit" || !h.crit.text().empty())  // RFC 7515 §4.1.11: no extension is understood
    return token_error(token_reason::token_invalid, "header.crit",
                       "critical extensions are not supported");
  if (bad == "cat" || (h.cat && *h.cat != session_categories[0] && *h.cat != session_categories[1]))
    return token_error(token_reason::token_type_mismatch, "header.cat",
                       "not a session token's category");
  if (bad == "kid" || !h.kid || h.kid->empty())
    return token_error(token_reason::token_invalid, "header.kid",
                       bad == "kid" ? "not a string" : "missing or empty");
  if (!problem.empty())
    return token_error(token_reason::token_invalid, "header", std::string(problem));
  return std::nullopt;
}

// The claim a parser problem names: 'field "o.fpm" is ...' gives "o.fpm".
inline std::string claim_of(std::string_view problem) {
  auto open = problem.find('"');
  if (open == std::string_view::npos)
    return "payload";
  auto close = problem.find('"', open + 1);
  if (close == std::string_view::npos)
    return "payload";
  return std::string(problem.substr(open + 1, close - open - 1));
}

// a + b and a - b, saturated: the times compared come from the token.
inline std::int64_t sat_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

// Compares `s` seconds with `ms` milliseconds without overflow: <0, 0, >0.
inline int compare_seconds_ms(std::int64_t s, std::int64_t ms) noexcept {
  std::int64_t q = ms / 1000;
  if (s < q - 1)
    return -1;
  if (s > q + 1)
    return 1;
  std::int64_t a = s * 1000;  // |s| <= |q| + 1: cannot overflow
  return a < ms ? -1 : (a > ms ? 1 : 0);
}

inline std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> parts;
  if (s.empty())
    return parts;
  for (;;) {
    auto comma = s.find(',');
    parts.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos)
      return parts;
    s.remove_prefix(comma + 1);
  }
}

// A decimal string of any length as little-endian 32-bit limbs, or nullopt
// when it is not one.
inline std::optional<std::vector<std::uint32_t>> decimal_bits(std::string_view d) {
  if (d.empty())
    return std::nullopt;
  std::vector<std::uint32_t> limbs;
  for (char c : d) {
    if (c < '0' || c > '9')
      return std::nullopt;
    std::uint64_t carry = static_cast<std::uint64_t>(c - '0');
    for (auto& l : limbs) {
      std::uint64_t v = std::uint64_t{l} * 10 + carry;
      l = static_cast<std::uint32_t>(v);
      carry = v >> 32;
    }
    if (carry != 0)
      limbs.push_back(static_cast<std::uint32_t>(carry));
  }
  return limbs;
}

// o.permissions from per, fpm and fea, as Clerk documents and @clerk/shared
// decodes them: the i-th mask of fpm goes with the i-th organization ("o:")
// feature of fea, and its bit k (least significant first) grants the k-th
// name of per, as "org:<feature>:<name>". Masks are decimal strings of any
// size (@clerk/shared tests 54 permissions, beyond 2^53).
inline std::optional<error> decode_permissions(organization_claims& o,
                                               const std::optional<std::string>& fea) {
  if (!o.feature_permission_masks || !o.permission_names || !fea)
    return std::nullopt;
  std::vector<std::string_view> features;
  for (auto f : split_commas(*fea))
    if (f.starts_with("o:"))
      features.push_back(f.substr(2));
  auto names = split_commas(*o.permission_names);
  auto masks = split_commas(*o.feature_permission_masks);
  // A mask can hold at most one bit a name: longer digit strings are refused
  // before the quadratic conversion reads them.
  const std::size_t max_digits = names.size() * 30103 / 100000 + 2;
  for (std::size_t i = 0; i < masks.size() && i < features.size(); ++i) {
    auto limbs = masks[i].size() <= max_digits ? decimal_bits(masks[i]) : std::nullopt;
    if (!limbs)
      return token_error(token_reason::token_verification_failed, "o.fpm",
                         "not a list of decimal masks within o.per's " +
                             std::to_string(names.size()) + " permissions");
    for (std::size_t k = 0; k < names.size() && k / 32 < limbs->size(); ++k)
      if (((*limbs)[k / 32] >> (k % 32)) & 1u) {
        std::string p = "org:";
        p.append(features[i]);
        p += ':';
        p.append(names[k]);
        o.permissions.push_back(std::move(p));
      }
  }
  return std::nullopt;
}

CLERK_BACKEND_DECL result<session_claims> verify_session_token(
    std::string_view token, const keys_ref& keys, std::chrono::system_clock::time_point now,
    const verify_options& opt) {
  using reason = token_reason;
  if (opt.clock_skew.count() < 0)
    return error(invalid_request{"clock_skew", "must not be negative"});
  // 1. Size, before anything is decoded.
  if (token.size() > opt.max_token_bytes)
    return token_error(reason::token_invalid, "token",
                       std::to_string(token.size()) + " bytes, more than max_token_bytes (" +
                           std::to_string(opt.max_token_bytes) + ")");
  // 2. Three base64url parts.
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return token_error(reason::token_invalid, "token", "not three dot-separated parts");
  std::string header_text, payload_text, signature;
  if (!base64url_decode(token.substr(0, dot1), header_text))
    return token_error(reason::token_invalid, "header", "not unpadded base64url");
  if (!base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), payload_text))
    return token_error(reason::token_invalid, "payload", "not unpadded base64url");
  if (!base64url_decode(token.substr(dot2 + 1), signature))
    return token_error(reason::token_invalid, "signature", "not unpadded base64url");
  // 3. JSON objects that repeat no member at any depth. Each is read once,
  // by the engine; a problem with a claim's type is kept for after the
  // signature, so that a forged token learns nothing of the claim checks.
  jose_header header;
  std::string structural;
  auto header_problem =
      read_object(info_of<jose_header>, &header, std::move(header_text), structural);
  if (!structural.empty())
    return token_error(reason::token_invalid, "header", std::move(structural));
  session_claims claims;
  // exp is required, but read as absent_in_response so that its absence is
  // reported in the claims' order: this value marks it absent.
  claims.expires_at = std::chrono::sys_seconds::min();
  std::string claim_problem =
      read_object(info_of<session_claims>, &claims, std::move(payload_text), structural)
          .value_or(std::string());
  if (!structural.empty())
    return token_error(reason::token_invalid, "payload", std::move(structural));
  // 4-7. alg, typ, crit, category, kid.
  if (auto e = check_header(header, header_problem.value_or(std::string())))
    return std::move(*e);
  if (claims.user_id.starts_with("mch_"))
    return token_error(reason::token_type_mismatch, "sub", "a machine's, not a session's");
  // 8. The signature, over "header.payload" as sent.
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  switch (keys.verify(keys.self, *header.kid, "RS256", token.substr(0, dot2),
                      {sig, signature.size()})) {
    case key_check::valid:
      break;
    case key_check::unknown_kid: {
      std::string d = "no key has kid \"";
      append_one_line(d, *header.kid, 64);
      d += '"';
      return token_error(reason::jwk_kid_mismatch, "header.kid", std::move(d));
    }
    case key_check::unsupported_alg:
      return token_error(reason::token_invalid_algorithm, "header.alg",
                         "the key does not verify RS256");
    default: {
      std::string d = "does not match the key \"";
      append_one_line(d, *header.kid, 64);
      d += '"';
      return token_error(reason::token_invalid_signature, "signature", std::move(d));
    }
  }
  // 9. The claims, in @clerk/backend's order, then ours.
  if (!claim_problem.empty()) {
    std::string claim = claim_of(claim_problem);
    return token_error(reason::token_verification_failed, std::move(claim),
                       std::move(claim_problem));
  }
  if (claims.user_id.empty())
    return token_error(reason::token_verification_failed, "sub", "missing or empty");
  if (claims.session_id.empty())
    return token_error(reason::token_verification_failed, "sid",
                       "missing or empty: not a session token");
  if (!opt.authorized_parties.empty()) {
    bool listed = false;
    for (const auto& p : opt.authorized_parties)
      listed = listed || (claims.authorized_party && *claims.authorized_party == p);
    if (!listed)
      return token_error(reason::token_invalid_authorized_parties, "azp",
                         claims.authorized_party ? "not one of authorized_parties"
                                                 : "missing, and authorized_parties is set");
  }
  if (claims.issuer.empty())
    return token_error(reason::token_verification_failed, "iss", "missing or empty");
  if (!opt.issuer.empty() && claims.issuer != opt.issuer)
    return token_error(reason::token_invalid_issuer, "iss", "not the configured issuer");
  const std::int64_t now_ms =
      std::chrono::floor<std::chrono::milliseconds>(now).time_since_epoch().count();
  const std::int64_t skew = opt.clock_skew.count();
  if (claims.expires_at == std::chrono::sys_seconds::min())
    return token_error(reason::token_verification_failed, "exp", "missing");
  if (compare_seconds_ms(claims.expires_at.time_since_epoch().count(), sat_add(now_ms, -skew)) <= 0)
    return token_error(
        reason::token_expired, "exp",
        "expired at " + std::to_string(claims.expires_at.time_since_epoch().count()));
  if (claims.not_before &&
      compare_seconds_ms(claims.not_before->time_since_epoch().count(), sat_add(now_ms, skew)) > 0)
    return token_error(
        reason::token_not_active_yet, "nbf",
        "not valid before " + std::to_string(claims.not_before->time_since_epoch().count()));
  if (claims.issued_at &&
      compare_seconds_ms(claims.issued_at->time_since_epoch().count(), sat_add(now_ms, skew)) > 0)
    return token_error(reason::token_iat_in_the_future, "iat",
                       "issued at " + std::to_string(claims.issued_at->time_since_epoch().count()));
  if (!claims.session_status.raw().empty()) {
    auto s = claims.session_status.value();
    if (s == session_token_status::pending && !opt.accept_pending_sessions)
      return token_error(reason::session_pending, "sts",
                         "pending (an organization must be chosen), and "
                         "accept_pending_sessions is not set");
    if (s == session_token_status::unknown)
      return token_error(reason::token_verification_failed, "sts", "not a known session status");
  }
  if (claims.organization)
    if (auto e = decode_permissions(*claims.organization, claims.features))
      return std::move(*e);
  return claims;
}

CLERK_BACKEND_DECL std::string token_kid(std::string_view token) {
  auto dot = token.find('.');
  std::string header_text, structural;
  jose_header h;
  if (dot == std::string_view::npos || !base64url_decode(token.substr(0, dot), header_text))
    return {};
  auto problem = read_object(info_of<jose_header>, &h, std::move(header_text), structural);
  if (check_header(h, problem.value_or(std::string())))
    return {};
  return std::move(*h.kid);
}

// A JWK's base64url unsigned integer, big-endian without leading zero bytes.
inline bool jwk_uint(const std::optional<std::string>& in, std::vector<unsigned char>& out) {
  std::string bytes;
  if (!in || !base64url_decode(*in, bytes))
    return false;
  std::size_t first = bytes.find_first_not_of('\0');
  if (first == std::string::npos)
    return false;
  out.assign(bytes.begin() + static_cast<std::ptrdiff_t>(first), bytes.end());
  return true;
}

}  // namespace detail

CLERK_BACKEND_DECL result<jwks> parse_jwks(std::string_view json, const response_limits& limits) {
  jwks set;
  http_response body;
  body.body.assign(json);
  if (auto u = detail::parse_model(detail::info_of<jwks>, &set, body, limits))
    return detail::token_error(token_reason::jwk_remote_invalid, "jwks", std::move(u->problem));
  return set;
}

CLERK_BACKEND_DECL result<std::vector<rsa_public_key>> rs256_keys(const jwks& set) {
  std::vector<rsa_public_key> out;
  for (std::size_t i = 0; i < set.keys.size(); ++i) {
    const json_web_key& k = set.keys[i];
    // RFC 7517 §5: keys of a kind the reader does not use are ignored.
    if (k.kty != "RSA" || (k.alg && *k.alg != "RS256") || (k.use && *k.use != "sig"))
      continue;
    const std::string where = "keys[" + std::to_string(i) + "]";
    auto bad = [&](std::string_view member, std::string why) {
      return detail::token_error(token_reason::jwk_remote_invalid,
                                 where + (member.empty() ? "" : ".") + std::string(member),
                                 std::move(why));
    };
    if (!k.kid || k.kid->empty())
      return bad("kid", "missing or empty");
    for (const auto& o : out)
      if (o.kid == *k.kid)
        return bad("kid", "shared with an earlier key");
    rsa_public_key key;
    key.kid = *k.kid;
    if (!detail::jwk_uint(k.n, key.n))
      return bad("n", "missing, zero or not unpadded base64url");
    if (!detail::jwk_uint(k.e, key.e))
      return bad("e", "missing, zero or not unpadded base64url");
    const std::size_t bits = (key.n.size() - 1) * 8 + std::bit_width(unsigned{key.n[0]});
    if (bits < min_rsa_bits)
      return bad("n", "an RSA modulus of " + std::to_string(bits) + " bits, under " +
                          std::to_string(min_rsa_bits));
    if ((key.e.back() & 1u) == 0 || (key.e.size() == 1 && key.e[0] == 1) || key.e.size() > 8)
      return bad("e", "not an RSA public exponent (odd, above 1, at most 64 bits)");
    out.push_back(std::move(key));
  }
  if (out.empty())
    return detail::token_error(token_reason::jwk_remote_invalid, "keys",
                               "no RSA signature key for RS256");
  return out;
}

CLERK_BACKEND_DECL std::string_view session_token_from(const header_list& headers) {
  // @clerk/backend: a header token wins, and the header path is then the only
  // one. "Bearer <token>", or a value of one word; any other scheme is not a
  // session token.
  if (auto auth = headers.find("authorization"); auth && !auth->empty()) {
    auto space = auth->find(' ');
    if (space == std::string_view::npos)
      return *auth;
    if (auth->substr(0, space) == "Bearer" && space + 1 < auth->size())
      return auth->substr(space + 1);
  }
  for (const auto& h : headers) {
    if (!detail::iequals(h.name, "cookie"))
      continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t'))
        pair.remove_prefix(1);
      if (pair.starts_with("__session=") && pair.size() > 10)
        return pair.substr(10);
    }
  }
  return {};
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
