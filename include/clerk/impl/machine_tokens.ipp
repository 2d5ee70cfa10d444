// Definitions for <clerk/machine_tokens.hpp>.
#ifndef CLERK_IMPL_MACHINE_TOKENS_IPP
#define CLERK_IMPL_MACHINE_TOKENS_IPP

#include <clerk/detail/text.hpp>
#include <clerk/impl/error.ipp>
#include <clerk/impl/session_tokens.ipp>
#include <clerk/machine_tokens.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

inline constexpr std::string_view m2m_category[] = {"cl_B7d4PD333AAA"};
// Clerk stamps no category of its own on OAuth access tokens; an instance
// that ignores categories stamps this one on every class.
inline constexpr std::string_view oauth_categories[] = {"cl_I7d4PD111III"};
inline constexpr std::string_view oauth_typs[] = {"at+jwt", "application/at+jwt"};
inline constexpr header_rules m2m_header{jwt_typ, true, m2m_category, "an M2M token's"};
inline constexpr header_rules oauth_header{oauth_typs, false, oauth_categories,
                                           "an OAuth access token's"};

inline bool is_oauth_typ(const std::optional<std::string>& typ) {
  return typ && (*typ == oauth_typs[0] || *typ == oauth_typs[1]);
}

CLERK_BACKEND_DECL bool is_jwt_format(std::string_view token) noexcept {
  int parts = 1;
  std::size_t run = 0;
  for (char c : token) {
    if (c == '.') {
      if (run == 0)
        return false;
      ++parts;
      run = 0;
    } else if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
               c == '_') {
      ++run;
    } else {
      return false;
    }
  }
  return parts == 3 && run > 0;
}

// What token_type_of reads of a JWT's payload.
struct payload_subject {
  std::optional<std::string> sub;
  static constexpr auto describe() {
    using namespace decl;
    return model("payload", field("sub", &payload_subject::sub));
  }
};

// The text of the words `s` holds between single spaces, empty ones dropped.
inline std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto space = s.find(' ');
    if (space != 0)
      out.emplace_back(s.substr(0, space));
    if (space == std::string_view::npos)
      break;
    s.remove_prefix(space + 1);
  }
  return out;
}

// The claims a machine token's scopes come from, and aud, read from the
// other claims: aud any JSON, checked below.
struct scope_claims {
  raw_json aud{};
  std::optional<std::string> scopes, scope;
  std::optional<std::vector<std::string>> scp;
  static constexpr auto describe() {
    using namespace decl;
    using s = scope_claims;
    return model("claims", field("aud", &s::aud, absent_in_response), field("scopes", &s::scopes),
                 field("scope", &s::scope), field("scp", &s::scp));
  }
};
template <class T>
struct one_value {
  T v{};
  static constexpr auto describe() {
    using namespace decl;
    return model("aud", field("v", &one_value::v));
  }
};

// aud's strings: a string is one, an array of strings is each; nullopt when
// it is neither; empty when absent or null.
inline std::optional<std::vector<std::string>> audiences(const raw_json& aud) {
  const std::string_view t = aud.text();
  if (t.empty() || t == "null")
    return std::vector<std::string>{};
  std::string structural;
  if (t.front() == '"') {
    one_value<std::string> one;
    if (read_object(info_of<one_value<std::string>>, &one, "{\"v\":" + std::string(t) + "}",
                    structural))
      return std::nullopt;
    return std::vector<std::string>{std::move(one.v)};
  }
  one_value<std::vector<std::string>> many;
  if (t.front() != '[' || read_object(info_of<one_value<std::vector<std::string>>>, &many,
                                      "{\"v\":" + std::string(t) + "}", structural))
    return std::nullopt;
  return std::move(many.v);
}

inline std::optional<std::chrono::sys_seconds> seconds_of(const std::optional<timestamp>& t) {
  if (!t)
    return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*t);
}

// An answer's verdict beyond its status: revoked or expired.
inline std::optional<error> answer_refusal(bool revoked, bool expired) {
  if (revoked)
    return token_error(token_reason::token_invalid, "token", "revoked, the Backend API says");
  if (expired)
    return token_error(token_reason::token_expired, "token", "expired, the Backend API says");
  return std::nullopt;
}

// The members of the OAuth verify answer read here; `active` false is the
// answer for an expired JWT.
struct oauth_token_answer {
  std::optional<bool> active;
  std::string id, client_id, subject;
  std::vector<std::string> scopes;
  bool revoked = false, expired = false;
  std::optional<timestamp> expiration;
  std::optional<timestamp> created_at;
  static constexpr auto describe() {
    using namespace decl;
    using a = oauth_token_answer;
    return model("oauth_access_token", field("active", &a::active),
                 field("id", &a::id, absent_in_response),
                 field("client_id", &a::client_id, absent_in_response),
                 field("subject", &a::subject, absent_in_response),
                 field("scopes", &a::scopes, absent_in_response),
                 field("revoked", &a::revoked, absent_in_response),
                 field("expired", &a::expired, absent_in_response),
                 field("expiration", &a::expiration), field("created_at", &a::created_at));
  }
};

CLERK_BACKEND_DECL std::optional<error> check_options(const machine_verify_options& opt) {
  if (opt.clock_skew.count() < 0 || opt.clock_skew > max_clock_skew)
    return error(invalid_request{"clock_skew", "must be from 0 to 24 hours"});
  return std::nullopt;
}

CLERK_BACKEND_DECL result<read_machine_token> read_machine_token_of(
    std::string_view token, const machine_verify_options& opt) {
  if (auto e = check_options(opt))
    return std::move(*e);
  read_machine_token out;
  jwt_parts parts;
  if (auto e =
          decode_jwt(token, opt.max_token_bytes, info_of<machine_jwt_claims>, &out.claims, parts))
    return std::move(*e);
  // The kind, as @clerk/backend's verifyMachineAuthToken tells it: the
  // subject first, then the header's type.
  if (out.claims.sub.starts_with("mch_"))
    out.kind = token_type::m2m;
  else if (is_oauth_typ(parts.header.typ))
    out.kind = token_type::oauth;
  else
    return token_error(token_reason::token_type_mismatch, "sub",
                       "not a machine token: no \"mch_\" subject, and typ is not \"at+jwt\"");
  if (auto e = check_header(parts.header, parts.header_problem,
                            out.kind == token_type::m2m ? m2m_header : oauth_header))
    return std::move(*e);
  out.signing_input = parts.signing_input;
  out.kid = std::move(*parts.header.kid);
  out.signature = std::move(parts.signature);
  out.claim_problem = std::move(parts.claim_problem);
  return out;
}

CLERK_BACKEND_DECL result<machine_claims> check_machine_token(
    read_machine_token&& t, const keys_ref& keys, std::chrono::system_clock::time_point now,
    const machine_verify_options& opt) {
  using reason = token_reason;
  if (auto e = check_signature(keys, t.kid, t.signing_input, t.signature))
    return std::move(*e);
  machine_jwt_claims& c = t.claims;
  if (!t.claim_problem.empty()) {
    std::string claim = claim_of(t.claim_problem);
    return token_error(reason::token_verification_failed, std::move(claim),
                       std::move(t.claim_problem));
  }
  if (c.sub.empty())
    return token_error(reason::token_verification_failed, "sub", "missing or empty");
  // The scope claims and aud, read again from the other claims when they
  // are there (the engine writes their names plainly).
  scope_claims sc;
  const std::string_view others = c.others.text();
  if (others.find("\"aud\":") != std::string_view::npos ||
      others.find("\"scope") != std::string_view::npos ||
      others.find("\"scp\":") != std::string_view::npos) {
    std::string structural;
    if (auto p = read_object(info_of<scope_claims>, &sc, std::string(others), structural)) {
      std::string claim = claim_of(*p);
      return token_error(reason::token_verification_failed, std::move(claim), std::move(*p));
    }
  }
  const auto aud = audiences(sc.aud);
  if (!aud)
    return token_error(reason::token_verification_failed, "aud",
                       "neither a string nor an array of strings");
  if (!opt.audience.empty()) {
    bool listed = false;
    for (const auto& a : *aud)
      for (const auto& want : opt.audience)
        listed = listed || (!a.empty() && a == want);
    if (!listed)
      return token_error(reason::token_verification_failed, "aud",
                         aud->empty() ? "missing, and audience is set" : "not one of audience");
  }
  if (c.exp == std::chrono::sys_seconds::min())
    return token_error(reason::token_verification_failed, "exp", "missing");
  if (auto e = check_times(c.exp, c.nbf, c.iat, now, opt.clock_skew))
    return std::move(*e);
  machine_claims out;
  out.kind = t.kind;
  out.id = std::move(c.jti).value_or(std::string());
  out.subject = std::move(c.sub);
  out.client_id = std::move(c.client_id);
  if (t.kind == token_type::m2m)
    out.scopes = sc.scopes ? split_spaces(*sc.scopes) : std::move(*aud);
  else if (sc.scp)
    out.scopes = std::move(*sc.scp);
  else if (sc.scope)
    out.scopes = split_spaces(*sc.scope);
  out.expires_at = c.exp;
  out.issued_at = c.iat;
  out.not_before = c.nbf;
  out.other_claims = std::move(c.others);
  return out;
}

CLERK_BACKEND_DECL result<machine_claims> machine_claims_of(backend::m2m_token&& a) {
  if (auto e = answer_refusal(a.revoked, a.expired))
    return std::move(*e);
  machine_claims out;
  out.kind = token_type::m2m;
  out.id = std::move(a.id);
  out.subject = std::move(a.subject);
  out.scopes = std::move(a.scopes).value_or(std::vector<std::string>{});
  out.expires_at = seconds_of(a.expiration);
  out.issued_at = seconds_of(a.created_at);
  if (a.claims)
    out.other_claims = std::move(*a.claims);
  return out;
}

CLERK_BACKEND_DECL result<machine_claims> machine_claims_of(backend::api_key&& a) {
  if (auto e = answer_refusal(a.revoked, a.expired))
    return std::move(*e);
  machine_claims out;
  out.kind = token_type::api_key;
  out.id = std::move(a.id);
  out.subject = std::move(a.subject);
  out.scopes = std::move(a.scopes);
  out.expires_at = seconds_of(a.expiration);
  out.issued_at = seconds_of(a.created_at);
  if (a.claims)
    out.other_claims = std::move(*a.claims);
  return out;
}

CLERK_BACKEND_DECL result<machine_claims> machine_claims_of_oauth(const raw_json& answer) {
  oauth_token_answer a;
  std::string structural;
  if (auto p = read_object(info_of<oauth_token_answer>, &a, std::string(answer.text()), structural))
    return error(unexpected_response{200,
                                     "application/json",
                                     {},
                                     {},
                                     answer.text().size(),
                                     "the OAuth access token: " + *p,
                                     {},
                                     {},
                                     {}});
  if (a.active && !*a.active)
    return token_error(token_reason::token_invalid, "token", "not active, the Backend API says");
  if (a.id.empty() || a.subject.empty())
    return error(unexpected_response{200,
                                     "application/json",
                                     {},
                                     {},
                                     answer.text().size(),
                                     "the OAuth access token has no id or subject",
                                     {},
                                     {},
                                     {}});
  if (auto e = answer_refusal(a.revoked, a.expired))
    return std::move(*e);
  machine_claims out;
  out.kind = token_type::oauth;
  out.id = std::move(a.id);
  out.subject = std::move(a.subject);
  out.client_id = std::move(a.client_id);
  out.scopes = std::move(a.scopes);
  out.expires_at = seconds_of(a.expiration);
  out.issued_at = seconds_of(a.created_at);
  return out;
}

CLERK_BACKEND_DECL error machine_api_error(error&& e, token_type type) {
  const api_error* a = e.as_api();
  if (a == nullptr || (a->status != 401 && a->status != 404))
    return std::move(e);
  std::string detail = "the Backend API answered " + std::to_string(a->status);
  if (!a->errors.empty()) {
    detail += " (";
    append_one_line(detail, a->errors.front().code, 64);
    detail += ')';
  }
  if (!a->clerk_trace_id.empty()) {
    detail += ", trace id ";
    append_one_line(detail, a->clerk_trace_id, 64);
  }
  if (a->status == 401)
    return token_error(token_reason::secret_key_invalid, "secret_key", std::move(detail));
  return token_error(
      token_reason::token_invalid, "token",
      std::string(type == token_type::api_key ? "API key" : "token") + " not found: " + detail);
}

CLERK_BACKEND_DECL result<request_token> request_token_of(
    const header_list& headers, const authenticate_options& options,
    std::chrono::system_clock::time_point now) {
  using reason = token_reason;
  if (auto t = header_token(headers)) {
    request_token out{std::move(*t), token_type::session, true};
    out.type = token_type_of(out.token);
    if (!options.accepts.contains(out.type))
      return token_error(reason::token_type_mismatch, "Authorization",
                         "a token of type " + std::string(to_string(out.type)) +
                             ", which accepts does not include");
    return out;
  }
  if (!options.accepts.contains(token_type::session))
    return token_error(reason::no_token_in_header, "Authorization",
                       "machine tokens come in the Authorization header");
  request_token out;
  out.token = options.cookies ? session_token_from(headers, *options.cookies, now)
                              : cookie_value(headers, "__session").value_or(std::string());
  if (out.token.empty())
    return token_error(reason::session_token_missing, "__session",
                       "no token in the Authorization header or the session cookie");
  if (token_type_of(out.token) != token_type::session)
    return token_error(reason::token_type_mismatch, "__session",
                       "a machine token in the session cookie");
  return out;
}

CLERK_BACKEND_DECL void print_machine_claims(std::ostream& os, const machine_claims& c) {
  std::string line = "machine_claims{kind=";
  line += to_string(c.kind);
  line += ", id=";
  append_one_line(line, c.id, 128);
  line += ", subject=";
  append_one_line(line, c.subject, 128);
  if (c.client_id) {
    line += ", client_id=";
    append_one_line(line, *c.client_id, 128);
  }
  line += ", scopes=[";
  for (std::size_t i = 0; i < c.scopes.size(); ++i) {
    if (i > 0)
      line += ' ';
    append_one_line(line, c.scopes[i], 128);
  }
  line += ']';
  if (c.expires_at) {
    line += ", expires_at=";
    line += std::to_string(c.expires_at->time_since_epoch().count());
  }
  os << line << '}';
}

}  // namespace detail

CLERK_BACKEND_DECL token_type token_type_of(std::string_view token) {
  if (token.starts_with("mt_"))
    return token_type::m2m;
  // isM2MJwt and isOAuthJwt: a JWT's form, its parts decoded, the header
  // and payload JSON (never verified here).
  bool oauth_jwt = false;
  if (detail::is_jwt_format(token)) {
    const auto dot1 = token.find('.'), dot2 = token.find('.', dot1 + 1);
    std::string header_text, payload_text, signature;
    if (detail::base64url_decode(token.substr(0, dot1), header_text) &&
        detail::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), payload_text) &&
        detail::base64url_decode(token.substr(dot2 + 1), signature)) {
      std::string structural;
      detail::jose_header header;
      detail::payload_subject payload;
      (void)detail::read_object(detail::info_of<detail::jose_header>, &header,
                                std::move(header_text), structural);
      const bool header_read = structural.empty();
      (void)detail::read_object(detail::info_of<detail::payload_subject>, &payload,
                                std::move(payload_text), structural);
      if (header_read && structural.empty()) {
        if (payload.sub && payload.sub->starts_with("mch_"))
          return token_type::m2m;
        oauth_jwt = detail::is_oauth_typ(header.typ);
      }
    }
  }
  if (oauth_jwt || token.starts_with("oat_"))
    return token_type::oauth;
  if (token.starts_with("ak_"))
    return token_type::api_key;
  return token_type::session;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
