// Definitions for <clerk/session_tokens.hpp>.
#ifndef CLERK_IMPL_SESSION_TOKENS_IPP
#define CLERK_IMPL_SESSION_TOKENS_IPP

#include <clerk/detail/response.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/impl/error.ipp>  // append_one_line, whatever order src.hpp takes
#include <clerk/session_tokens.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
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
    return model("header", field("alg", &h::alg, absent_in_response),
                 field("typ", &h::typ, never_null), field("kid", &h::kid),
                 field("cat", &h::cat, never_null), field("crit", &h::crit, absent_in_response),
                 other_members(&h::other));
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

// What a kind of Clerk JWT may carry in its header: the typ values accepted
// (`typ_may_be_absent` too) and the cat values (absent is always accepted),
// and the kind's name for a refusal's words ("a session token's").
struct header_rules {
  std::span<const std::string_view> typs;
  bool typ_may_be_absent;
  std::span<const std::string_view> categories;
  std::string_view kind;
};

inline constexpr std::string_view jwt_typ[] = {"JWT"};
inline constexpr header_rules session_header{jwt_typ, true, session_categories,
                                             "a session token's"};

// Rules 4 to 7 on the header (alg, typ, crit, cat, kid), in that order; a
// member of the wrong type fails its own rule.
inline std::optional<error> check_header(const jose_header& h, std::string_view problem,
                                         const header_rules& rules) {
  const std::string bad = problem.empty() ? std::string() : claim_of(problem);
  if (bad == "alg" || h.alg != "RS256")
    return token_error(token_reason::token_invalid_algorithm, "header.alg",
                       bad == "alg" ? "not a string" : (h.alg.empty() ? "missing" : "not RS256"));
  bool typ = !h.typ && rules.typ_may_be_absent;
  for (auto t : rules.typs)
    typ = typ || (h.typ && *h.typ == t);
  if (bad == "typ" || !typ) {
    std::string want;
    for (auto t : rules.typs)
      want += (want.empty() ? "\"" : " or \"") + std::string(t) + '"';
    return token_error(token_reason::token_invalid, "header.typ",
                       (rules.typ_may_be_absent ? "present and not " : "not ") + want);
  }
  if (bad == "crit" || !h.crit.text().empty())  // RFC 7515 §4.1.11: no extension is understood
    return token_error(token_reason::token_invalid, "header.crit",
                       "critical extensions are not supported");
  bool category = !h.cat;
  for (auto c : rules.categories)
    category = category || *h.cat == c;
  if (bad == "cat" || !category)
    return token_error(token_reason::token_type_mismatch, "header.cat",
                       "not " + std::string(rules.kind) + " category");
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

// A JWT's parts, decoded: steps 1 to 3 of every Clerk JWT. Size; three
// unpadded base64url parts; a header and a payload that are JSON objects
// repeating no member at any depth, read by the engine into `header` and
// into `claims` (described by `info`). A member of the wrong type is not an
// error here: its problem is kept (`header_problem`, `claim_problem`), for
// the header's rules and for after the signature.
struct jwt_parts {
  std::string_view signing_input;  // "header.payload" as sent
  std::string signature;           // decoded
  jose_header header;
  std::string header_problem, claim_problem;
};
inline std::optional<error> decode_jwt(std::string_view token, std::size_t max_bytes,
                                       const model_info& info, void* claims, jwt_parts& out) {
  using reason = token_reason;
  if (token.size() > max_bytes)
    return token_error(reason::token_invalid, "token",
                       std::to_string(token.size()) + " bytes, more than max_token_bytes (" +
                           std::to_string(max_bytes) + ")");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return token_error(reason::token_invalid, "token", "not three dot-separated parts");
  std::string header_text, payload_text;
  if (!base64url_decode(token.substr(0, dot1), header_text))
    return token_error(reason::token_invalid, "header", "not unpadded base64url");
  if (!base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), payload_text))
    return token_error(reason::token_invalid, "payload", "not unpadded base64url");
  if (!base64url_decode(token.substr(dot2 + 1), out.signature))
    return token_error(reason::token_invalid, "signature", "not unpadded base64url");
  // Each is read once, by the engine; a claim's type problem waits for the
  // signature, so that a forged token learns nothing of the claim checks.
  std::string structural;
  out.header_problem =
      read_object(info_of<jose_header>, &out.header, std::move(header_text), structural)
          .value_or(std::string());
  if (!structural.empty())
    return token_error(reason::token_invalid, "header", std::move(structural));
  out.claim_problem =
      read_object(info, claims, std::move(payload_text), structural).value_or(std::string());
  if (!structural.empty())
    return token_error(reason::token_invalid, "payload", std::move(structural));
  out.signing_input = token.substr(0, dot2);
  return std::nullopt;
}

// Step 8: the signature over "header.payload" as sent, by the key of `kid`.
inline std::optional<error> check_signature(const keys_ref& keys, std::string_view kid,
                                            std::string_view signing_input,
                                            std::string_view signature) {
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  auto named = [&](std::string_view what) {
    std::string d(what);
    d += " \"";
    append_one_line(d, kid, 64);
    d += '"';
    return d;
  };
  switch (keys.verify(keys.self, kid, "RS256", signing_input, {sig, signature.size()})) {
    case key_check::valid:
      return std::nullopt;
    case key_check::unknown_kid:
      return token_error(token_reason::jwk_kid_mismatch, "header.kid", named("no key has kid"));
    case key_check::refused_key:
      return token_error(token_reason::jwk_remote_invalid, "header.kid",
                         named("the keys skipped, as out of range, the key of kid"));
    case key_check::unsupported_alg:
      return token_error(token_reason::token_invalid_algorithm, "header.alg",
                         "the key does not verify RS256");
    default:
      return token_error(token_reason::token_invalid_signature, "signature",
                         named("does not match the key"));
  }
}

// a + b, saturated: the times compared come from the token.
inline std::int64_t sat_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

CLERK_BACKEND_DECL int compare_seconds_ms(std::int64_t s, std::int64_t ms) noexcept {
  std::int64_t a;
  if (__builtin_mul_overflow(s, std::int64_t{1000}, &a))
    return s < 0 ? -1 : 1;  // beyond every int64 of milliseconds
  return a < ms ? -1 : (a > ms ? 1 : 0);
}

// exp, nbf and iat against `now` with `skew` (0 to max_clock_skew), as
// @clerk/backend compares them, in milliseconds: expired when exp <= now -
// skew, not yet valid when nbf > now + skew, issued in the future when
// iat > now + skew.
inline std::optional<error> check_times(std::chrono::sys_seconds exp,
                                        const std::optional<std::chrono::sys_seconds>& nbf,
                                        const std::optional<std::chrono::sys_seconds>& iat,
                                        std::chrono::system_clock::time_point now,
                                        std::chrono::milliseconds skew) {
  const std::int64_t now_ms =
      std::chrono::floor<std::chrono::milliseconds>(now).time_since_epoch().count();
  const std::int64_t late = sat_add(now_ms, skew.count()), early = sat_add(now_ms, -skew.count());
  const auto seconds = [](std::chrono::sys_seconds t) { return t.time_since_epoch().count(); };
  if (compare_seconds_ms(seconds(exp), early) <= 0)
    return token_error(token_reason::token_expired, "exp",
                       "expired at " + std::to_string(seconds(exp)));
  if (nbf && compare_seconds_ms(seconds(*nbf), late) > 0)
    return token_error(token_reason::token_not_active_yet, "nbf",
                       "not valid before " + std::to_string(seconds(*nbf)));
  if (iat && compare_seconds_ms(seconds(*iat), late) > 0)
    return token_error(token_reason::token_iat_in_the_future, "iat",
                       "issued at " + std::to_string(seconds(*iat)));
  return std::nullopt;
}

// ---- the organization's claims, as @clerk/shared reads them -----------------

inline std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto comma = s.find(',');
    parts.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos)
      return parts;
    s.remove_prefix(comma + 1);
  }
}

// The UTF-8 length of a character JavaScript's trim() removes (WhiteSpace and
// LineTerminator: TAB, LF, VT, FF, CR, space, U+00A0, U+1680, U+2000-U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) that `s` starts with (or,
// `at_end`, ends with); 0 when it does not.
inline std::size_t js_space(std::string_view s, bool at_end) noexcept {
  auto is = [](std::string_view c) {
    if (c.size() == 1)
      return c[0] == ' ' || (c[0] >= '\t' && c[0] <= '\r');
    if (c.size() == 2)
      return c == "\xC2\xA0";
    const auto b1 = static_cast<unsigned char>(c[1]), b2 = static_cast<unsigned char>(c[2]);
    if (c[0] == '\xE2' && b1 == 0x80)
      return b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF;
    return c == "\xE1\x9A\x80" || c == "\xE2\x81\x9F" || c == "\xE3\x80\x80" || c == "\xEF\xBB\xBF";
  };
  for (std::size_t n = 1; n <= 3 && n <= s.size(); ++n)
    if (is(at_end ? s.substr(s.size() - n) : s.substr(0, n)))
      return n;
  return 0;
}

inline std::string_view js_trim(std::string_view s) noexcept {
  while (std::size_t n = js_space(s, false))
    s.remove_prefix(n);
  while (std::size_t n = js_space(s, true))
    s.remove_suffix(n);
  return s;
}

// The low `bits` bits of the decimal `d` (digits only, any length), little
// end first, or nullopt when `d` is not one: the number modulo a power of two,
// so that a mask of any length costs its digits times bits/32.
inline std::optional<std::vector<std::uint32_t>> low_bits(std::string_view d, std::size_t bits) {
  if (d.empty())
    return std::nullopt;
  std::vector<std::uint32_t> limbs(bits / 32 + 1, 0);
  for (char c : d) {
    if (!is_digit(c))
      return std::nullopt;
    std::uint64_t carry = static_cast<std::uint64_t>(c - '0');
    for (auto& l : limbs) {
      const std::uint64_t v = std::uint64_t{l} * 10 + carry;
      l = static_cast<std::uint32_t>(v);
      carry = v >> 32;
    }
  }
  return limbs;
}

// o.permissions of a v2 token, as @clerk/shared's splitByScope and
// parsePermissions read fea, per and fpm. An error when fea holds an element
// without a colon, where @clerk/shared throws.
inline std::optional<error> decode_permissions(organization_claims& o,
                                               const std::optional<std::string>& fea) {
  std::vector<std::string_view> features;
  if (fea && !fea->empty())
    for (auto part : split_commas(*fea)) {
      part = js_trim(part);
      const auto colon = part.find(':');
      if (colon == std::string_view::npos)
        return token_error(token_reason::token_verification_failed, "fea",
                           "an element without a scope (\"o:\", \"u:\")");
      const auto scope = part.substr(0, colon);
      if (scope == "o" || scope == "ou" || scope == "uo")
        features.push_back(part.substr(colon + 1));
    }
  if (!o.permission_names || o.permission_names->empty() || !o.feature_permission_masks ||
      o.feature_permission_masks->empty())
    return std::nullopt;
  auto names = split_commas(*o.permission_names);
  for (auto& n : names)
    n = js_trim(n);
  const auto masks = split_commas(*o.feature_permission_masks);
  for (std::size_t i = 0; i < features.size() && i < masks.size(); ++i) {
    const auto bits = low_bits(js_trim(masks[i]), names.size());
    if (!bits)
      continue;  // not a decimal mask: nothing granted
    for (std::size_t k = 0; k < names.size(); ++k)
      if (((*bits)[k / 32] >> (k % 32)) & 1u) {
        std::string p = "org:";
        p.append(features[i]);
        p += ':';
        p.append(names[k]);
        o.permissions.push_back(std::move(p));
      }
  }
  return std::nullopt;
}

// The organization claims of each version, read from the other claims.
struct v2_organization {
  std::optional<organization_claims> o;
  static constexpr auto describe() {
    using namespace decl;
    return model("claims", field("o", &v2_organization::o));
  }
};
struct v1_organization {
  std::optional<std::string> org_id, org_role, org_slug;
  std::optional<std::vector<std::string>> org_permissions;
  static constexpr auto describe() {
    using namespace decl;
    using v = v1_organization;
    return model("claims", field("org_id", &v::org_id), field("org_role", &v::org_role),
                 field("org_slug", &v::org_slug), field("org_permissions", &v::org_permissions));
  }
};

// claims.organization, from "o" when the token is v2, else from org_*.
inline std::optional<error> read_organization(session_claims& c) {
  const std::string_view others = c.other_claims.text();
  // The engine writes the other claims' names plainly: a token without
  // these names is not read again.
  if (others.find(c.version == 2 ? "\"o\":" : "\"org_") == std::string_view::npos)
    return std::nullopt;
  std::string structural;
  const auto failed = [](std::string problem) {
    std::string claim = claim_of(problem);
    return token_error(token_reason::token_verification_failed, std::move(claim),
                       std::move(problem));
  };
  if (c.version == 2) {
    v2_organization v2;
    if (auto p = read_object(info_of<v2_organization>, &v2, std::string(others), structural))
      return failed(std::move(*p));
    if (v2.o)
      if (auto e = decode_permissions(*v2.o, c.features))
        return e;
    c.organization = std::move(v2.o);
    return std::nullopt;
  }
  v1_organization v1;
  if (auto p = read_object(info_of<v1_organization>, &v1, std::string(others), structural))
    return failed(std::move(*p));
  if (!v1.org_id)
    return std::nullopt;
  organization_claims& o = c.organization.emplace();
  o.id = std::move(*v1.org_id);
  if (v1.org_role) {
    std::string_view role = *v1.org_role;
    // v2's rol is v1's org_role without its prefix.
    if (role.starts_with("org:") && role.size() > 4)
      role.remove_prefix(4);
    o.role = role;
  }
  o.slug = std::move(v1.org_slug);
  if (v1.org_permissions)
    o.permissions = std::move(*v1.org_permissions);
  return std::nullopt;
}

CLERK_BACKEND_DECL std::optional<error> check_options(const verify_options& opt) {
  if (opt.clock_skew.count() < 0 || opt.clock_skew > max_clock_skew)
    return error(invalid_request{"clock_skew", "must be from 0 to 24 hours"});
  return std::nullopt;
}

CLERK_BACKEND_DECL result<read_token> read_session_token(std::string_view token,
                                                         const verify_options& opt) {
  if (auto e = check_options(opt))
    return std::move(*e);
  read_token out;
  jwt_parts parts;
  // exp is required, but read as absent_in_response so that its absence is
  // reported in the claims' order: this value marks it absent.
  out.claims.expires_at = std::chrono::sys_seconds::min();
  if (auto e = decode_jwt(token, opt.max_token_bytes, info_of<session_claims>, &out.claims, parts))
    return std::move(*e);
  if (auto e = check_header(parts.header, parts.header_problem, session_header))
    return std::move(*e);
  if (out.claims.user_id.starts_with("mch_"))
    return token_error(token_reason::token_type_mismatch, "sub", "a machine's, not a session's");
  out.signing_input = parts.signing_input;
  out.kid = std::move(*parts.header.kid);
  out.signature = std::move(parts.signature);
  out.claim_problem = std::move(parts.claim_problem);
  return out;
}

CLERK_BACKEND_DECL result<session_claims> check_session_token(
    read_token&& t, const keys_ref& keys, std::chrono::system_clock::time_point now,
    const verify_options& opt) {
  using reason = token_reason;
  // 8. The signature.
  if (auto e = check_signature(keys, t.kid, t.signing_input, t.signature))
    return std::move(*e);
  // 9. The claims, in @clerk/backend's order, then ours.
  session_claims& claims = t.claims;
  if (!t.claim_problem.empty()) {
    std::string claim = claim_of(t.claim_problem);
    return token_error(reason::token_verification_failed, std::move(claim),
                       std::move(t.claim_problem));
  }
  if (claims.user_id.empty())
    return token_error(reason::token_verification_failed, "sub", "missing or empty");
  if (claims.session_id.empty())
    return token_error(reason::token_verification_failed, "sid",
                       "missing or empty: not a session token");
  if (!opt.authorized_parties.empty()) {
    bool listed = false;
    for (const auto& p : opt.authorized_parties)
      listed = listed || (claims.authorized_party && !claims.authorized_party->empty() &&
                          *claims.authorized_party == p);  // "" is no party, listed or not
    if (!listed)
      return token_error(reason::token_invalid_authorized_parties, "azp",
                         claims.authorized_party ? "not one of authorized_parties"
                                                 : "missing, and authorized_parties is set");
  }
  if (claims.issuer.empty())
    return token_error(reason::token_verification_failed, "iss", "missing or empty");
  if (!opt.issuer.empty() && claims.issuer != opt.issuer)
    return token_error(reason::token_invalid_issuer, "iss", "not the configured issuer");
  if (claims.expires_at == std::chrono::sys_seconds::min())
    return token_error(reason::token_verification_failed, "exp", "missing");
  if (auto e =
          check_times(claims.expires_at, claims.not_before, claims.issued_at, now, opt.clock_skew))
    return std::move(*e);
  if (!claims.session_status.raw().empty()) {
    auto s = claims.session_status.value();
    if (s == session_token_status::pending && !opt.accept_pending_sessions)
      return token_error(reason::session_pending, "sts",
                         "pending (an organization must be chosen), and "
                         "accept_pending_sessions is not set");
    if (s == session_token_status::unknown)
      return token_error(reason::token_verification_failed, "sts", "not a known session status");
  }
  if (auto e = read_organization(claims))
    return std::move(*e);
  return std::move(claims);
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

// ---- cookies, as @clerk/backend reads them ----------------------------------

// decodeURIComponent, as the `cookie` package applies it: `s` unchanged when
// it holds no '%', or an escape is malformed, or the bytes are not UTF-8.
inline std::string cookie_decode(std::string_view s) {
  if (s.find('%') == std::string_view::npos)
    return std::string(s);
  auto decoded = percent_decode(s);
  if (!decoded || !is_valid_utf8(*decoded))
    return std::string(s);
  return std::move(*decoded);
}

// The value of the first cookie named `name` in the Cookie headers (joined
// by "; " as fetch's Headers joins them), as the `cookie` package's parse
// finds it: pairs split at ';', the name before the first '=', names and
// values trimmed of spaces and tabs; a pair without '=' skipped.
inline std::optional<std::string> cookie_value(const header_list& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (!iequals(h.name, "cookie"))
      continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos)
        continue;
      if (trim_ows(pair.substr(0, eq)) == name)
        return cookie_decode(trim_ows(pair.substr(eq + 1)));
    }
  }
  return std::nullopt;
}

// The Authorization header's token as parseAuthorizationHeader reads it:
// split(" ", 2); one word is the token, "Bearer x" gives x, any other scheme
// none. The value is trimmed first, as fetch's Headers does.
inline std::optional<std::string> header_token(const header_list& headers) {
  auto auth = headers.find("authorization");
  if (!auth)
    return std::nullopt;
  const std::string_view v = trim_ows(*auth);
  if (v.empty())
    return std::nullopt;
  const auto space = v.find(' ');
  if (space == std::string_view::npos)
    return std::string(v);
  const std::string_view second = v.substr(space + 1, v.find(' ', space + 1) - space - 1);
  if (second.empty())
    return std::string(v.substr(0, space));
  if (v.substr(0, space) == "Bearer")
    return std::string(second);
  return std::nullopt;
}

// What usesSuffixedCookies reads of a cookie's JWT, decoded without any
// check (decodeJwt): the payload's iss, iat and exp, kept as JSON text
// ("" when absent).
struct cookie_jwt {
  raw_json iss, iat, exp;
  static constexpr auto describe() {
    using namespace decl;
    using c = cookie_jwt;
    return model("cookie_jwt", field("iss", &c::iss, absent_in_response),
                 field("iat", &c::iat, absent_in_response),
                 field("exp", &c::exp, absent_in_response));
  }
};

// decodeJwt's reading: three parts, each base64url (trailing '=' allowed),
// the header and payload JSON. nullopt when it fails.
inline std::optional<cookie_jwt> decode_cookie_jwt(std::string_view token) {
  std::string part[3];
  for (int i = 0; i < 3; ++i) {
    const auto dot = token.find('.');
    if ((dot == std::string_view::npos) != (i == 2))
      return std::nullopt;
    std::string_view text = token.substr(0, dot);
    while (!text.empty() && text.back() == '=')
      text.remove_suffix(1);
    if (!base64url_decode(text, part[i]))
      return std::nullopt;
    token = i == 2 ? std::string_view() : token.substr(dot + 1);
  }
  std::string structural;
  if (auto header = check_members(part[0], nullptr); header && header->member.empty())
    return std::nullopt;
  cookie_jwt out;
  if (read_object(info_of<cookie_jwt>, &out, std::move(part[1]), structural))
    return std::nullopt;
  return out;
}

// A JSON value's text read as a JavaScript number (ToNumber), for the
// values a JWT's iat and exp take: a number, null (0), true (1), false (0);
// anything else NaN.
inline double js_number(std::string_view json) {
  if (json == "null" || json == "false")
    return 0;
  if (json == "true")
    return 1;
  double v = 0;
  auto [end, ec] = std::from_chars(json.data(), json.data() + json.size(), v);
  if (ec != std::errc() || end != json.data() + json.size())
    return std::numeric_limits<double>::quiet_NaN();
  return v;
}

// JavaScript truthiness of a JSON value's text ("" for absent).
inline bool js_truthy(std::string_view json) {
  return !json.empty() && json != "null" && json != "false" && json != "\"\"" && json != "0" &&
         json != "-0" && !(js_number(json) == 0);
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

CLERK_BACKEND_DECL result<std::vector<rsa_public_key>> rs256_keys(
    const jwks& set, std::vector<skipped_key>* skipped) {
  std::vector<rsa_public_key> out;
  std::vector<skipped_key> left_out;
  const auto usable_kind = [](const json_web_key& k) {
    // RFC 7517 §5: keys of a kind the reader does not use are ignored.
    return k.kty == "RSA" && (!k.alg || *k.alg == "RS256") && (!k.use || *k.use == "sig");
  };
  // A kid shared by two keys names neither: count each kid once, sorted.
  std::vector<std::string_view> kids;
  for (const auto& k : set.keys)
    if (usable_kind(k) && k.kid)
      kids.push_back(*k.kid);
  std::sort(kids.begin(), kids.end());
  for (std::size_t i = 0; i < set.keys.size(); ++i) {
    const json_web_key& k = set.keys[i];
    if (!usable_kind(k))
      continue;
    const std::string where = "keys[" + std::to_string(i) + "]";
    auto skip = [&](std::string_view member, std::string why) {
      left_out.push_back({k.kid.value_or(std::string()),
                          where + (member.empty() ? "" : ".") + std::string(member),
                          std::move(why)});
    };
    if (!k.kid || k.kid->empty()) {
      skip("kid", "missing or empty");
      continue;
    }
    const auto same = std::equal_range(kids.begin(), kids.end(), std::string_view(*k.kid));
    if (same.second - same.first > 1) {
      skip("kid",
           "shared by " + std::to_string(same.second - same.first) + " keys: none of them is used");
      continue;
    }
    rsa_public_key key;
    key.kid = *k.kid;
    if (!detail::jwk_uint(k.n, key.n)) {
      skip("n", "missing, zero or not unpadded base64url");
      continue;
    }
    if (!detail::jwk_uint(k.e, key.e)) {
      skip("e", "missing, zero or not unpadded base64url");
      continue;
    }
    const std::size_t bits = (key.n.size() - 1) * 8 + std::bit_width(unsigned{key.n[0]});
    if (bits < min_rsa_bits) {
      skip("n", "an RSA modulus of " + std::to_string(bits) + " bits, under " +
                    std::to_string(min_rsa_bits));
      continue;
    }
    if ((key.e.back() & 1u) == 0 || (key.e.size() == 1 && key.e[0] == 1) || key.e.size() > 8) {
      skip("e", "not an RSA public exponent (odd, above 1, at most 64 bits)");
      continue;
    }
    out.push_back(std::move(key));
  }
  if (out.empty()) {
    if (left_out.empty())
      return detail::token_error(token_reason::jwk_remote_invalid, "keys",
                                 "no RSA signature key for RS256");
    const skipped_key& first = left_out.front();
    auto e = detail::token_error(token_reason::jwk_remote_invalid, first.where,
                                 "no usable RSA key for RS256: " + first.why);
    if (skipped != nullptr)
      *skipped = std::move(left_out);
    return e;
  }
  if (skipped != nullptr)
    *skipped = std::move(left_out);
  return out;
}

CLERK_BACKEND_DECL std::string session_token_from(const header_list& headers) {
  // @clerk/backend: a header token wins, and the header path is then the only one.
  if (auto t = detail::header_token(headers))
    return std::move(*t);
  return detail::cookie_value(headers, "__session").value_or(std::string());
}

CLERK_BACKEND_DECL std::string session_token_from(const header_list& headers,
                                                  const cookie_instance& instance,
                                                  std::chrono::system_clock::time_point now) {
  using detail::js_number, detail::js_truthy;
  if (auto t = detail::header_token(headers))
    return std::move(*t);
  const std::string suffix = "_" + instance.suffix;
  // getCookie: an empty value is none.
  const auto cookie = [&](std::string name) {
    auto v = detail::cookie_value(headers, name);
    return v && !v->empty() ? v : std::nullopt;
  };
  const auto session = cookie("__session"), suffixed = cookie("__session" + suffix);
  const auto client_uat = cookie("__client_uat"), suffixed_uat = cookie("__client_uat" + suffix);
  // usesSuffixedCookies, step by step.
  const auto uses_suffixed = [&] {
    const auto jwt = session ? detail::decode_cookie_jwt(*session) : std::nullopt;
    if (session) {
      if (!jwt || !js_truthy(jwt->iss.text()))
        return false;  // no issuer
      // tokenBelongsToInstance: iss, every "http(s)://" taken out, is the host.
      std::string iss;
      const std::string_view text = jwt->iss.text();
      if (text.size() >= 2 && text.front() == '"') {
        const std::string_view value = text.substr(1, text.size() - 2);
        for (std::size_t i = 0; i < value.size();) {
          if (detail::istarts_with(value.substr(i), "https://"))
            i += 8;
          else if (detail::istarts_with(value.substr(i), "http://"))
            i += 7;
          else
            iss += value[i++];
        }
      }
      // "https://" and the host, in a key parse_publishable_key read; an
      // instance left empty has no host, which no issuer matches.
      std::string_view host = instance.key.frontend_api_url;
      host.remove_prefix(std::min<std::size_t>(host.size(), 8));
      if (text.empty() || text.front() != '"' || iss != host)
        return true;
    }
    if (!suffixed_uat && !suffixed)
      return false;
    const auto suffixed_jwt = suffixed ? detail::decode_cookie_jwt(*suffixed) : std::nullopt;
    const auto iat = [](const std::optional<detail::cookie_jwt>& j) {
      return j && js_truthy(j->iat.text()) ? js_number(j->iat.text()) : 0.0;
    };
    if (suffixed_uat != "0" && client_uat != "0" && iat(jwt) > iat(suffixed_jwt))
      return false;
    if (suffixed_uat == "0" && client_uat != "0")
      return false;
    if (instance.key.instance != instance_type::production) {
      const double now_s = static_cast<double>(
          std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count());
      const bool expired = suffixed_jwt && js_number(suffixed_jwt->exp.text()) <= now_s;
      if (suffixed_uat != "0" && client_uat == "0" && expired)
        return false;
    }
    return !(!suffixed_uat && suffixed);
  };
  if (uses_suffixed())
    return suffixed.value_or(std::string());
  return session.value_or(std::string());
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
