// Fuzzes the machine-token verifier (verify_machine_jwt): its decoder, the
// kind it tells (M2M by an "mch_" subject, OAuth by typ at+jwt), the header
// rules of each kind and the claims, with a fixed test key (kid "k1" accepts
// exactly one signature). Input: a mode byte, then the header's JSON text,
// "\n", the payload's JSON text. The byte's value modulo 3 is the mode: 0
// encodes them and signs with the key's signature, 1 with another, 2 takes
// the rest of the input as the token itself; divided by 3, its bit 0 sets an
// audience.
//
// Oracle, both ways: for an encoded token, an independent reading (a
// Boost.JSON DOM, and a SAX pass for repeated names and depth) decides
// whether every rule holds (alg RS256, kid, no crit, the kind and its typ
// and cat, sub, the types of jti, client_id, aud, scopes, scope, scp, the
// audience, exp, nbf and iat with the skew) and what the claims are (kind,
// id, subject, client, scopes, times, the other claims); the library must
// accept exactly then, with exactly those claims, and token_type_of must
// name the same kind. A token with another signature is refused. A refusal
// is an invalid_token whose message holds neither the token nor its
// signature (unless the header or payload spells it); the same input always
// gets the same answer.
#include <clerk/machine_tokens.hpp>

#include "fuzz_support.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace json = boost::json;

constexpr std::string_view good_signature = "fuzz-signature-bytes-0123456789";
constexpr std::int64_t now_s = 1767225600;  // skew 5 s
const std::vector<std::string> audience = {"https://api.example.com", "mch_aud"};

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

CLERK_FUZZ_CHECKER std::string b64url(std::string_view in) {
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

// A SAX pass: whether any object repeats a name, and how deep the text goes.
class shape_scan {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  using ec = boost::system::error_code;
  bool repeated = false;
  std::size_t deepest = 0;

  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) {
    names_.emplace_back();
    return open();
  }
  bool on_object_end(std::size_t, ec&) {
    names_.pop_back();
    return close();
  }
  bool on_array_begin(ec&) {
    names_.emplace_back();  // unused: keeps one entry per open container
    return open();
  }
  bool on_array_end(std::size_t, ec&) {
    names_.pop_back();
    return close();
  }
  bool on_key_part(std::string_view s, std::size_t, ec&) {
    key_.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, ec&) {
    key_.append(s);
    repeated = repeated || !names_.back().insert(key_).second;
    key_.clear();
    return true;
  }
  bool on_string_part(std::string_view, std::size_t, ec&) { return true; }
  bool on_string(std::string_view, std::size_t, ec&) { return true; }
  bool on_number_part(std::string_view, ec&) { return true; }
  bool on_int64(std::int64_t, std::string_view, ec&) { return true; }
  bool on_uint64(std::uint64_t, std::string_view, ec&) { return true; }
  bool on_double(double, std::string_view, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(std::string_view, ec&) { return true; }
  bool on_comment(std::string_view, ec&) { return true; }

 private:
  bool open() {
    deepest = std::max(deepest, ++depth_);
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  std::size_t depth_ = 0;
  std::string key_;
  std::vector<std::set<std::string>> names_;
};

// The object `text` holds, when it is one that repeats no name at any depth
// and nests at most `max_depth` containers (the library's limit is 32; the
// oracle judges only shallower ones); nullopt for any other text, and
// `judged` false when only the depth kept it from judging.
CLERK_FUZZ_CHECKER std::optional<json::object> object_of(std::string_view text, bool& judged) {
  json::basic_parser<shape_scan> p(json::parse_options{});
  boost::system::error_code ec;
  std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size() || p.handler().repeated)
    return std::nullopt;
  if (p.handler().deepest > 24) {
    judged = false;
    return std::nullopt;
  }
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  return std::move(v.get_object());
}

CLERK_FUZZ_CHECKER bool absent(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr || v->is_null();
}
CLERK_FUZZ_CHECKER bool string_or_absent(const json::object& o, std::string_view key) {
  return absent(o, key) || o.at(key).is_string();
}
CLERK_FUZZ_CHECKER bool strings(const json::value& v) {
  if (!v.is_array())
    return false;
  for (const auto& e : v.get_array())
    if (!e.is_string())
      return false;
  return true;
}
CLERK_FUZZ_CHECKER std::vector<std::string> list_of(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_string())
    out.emplace_back(v.get_string());
  else if (v.is_array())
    for (const auto& e : v.get_array())
      out.emplace_back(e.get_string());
  return out;
}
// JavaScript's split(" "), its empty elements dropped.
CLERK_FUZZ_CHECKER std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == ' ')
      out.emplace_back();
    else
      out.back() += c;
  }
  std::erase(out, std::string());
  return out;
}

// What the oracle expects of a token whose header and payload are these.
struct expectation {
  bool judged = true;  // false: too deep to judge; either answer goes
  std::optional<clerk::machine_claims> claims;
};

CLERK_FUZZ_CHECKER expectation expect(std::string_view header_text, std::string_view payload_text,
                                      std::size_t token_size, bool with_audience) {
  expectation out;
  if (token_size > 4096)
    return out;
  const auto header = object_of(header_text, out.judged);
  const auto payload = object_of(payload_text, out.judged);
  if (!header || !payload)
    return out;
  const json::object &h = *header, &p = *payload;
  const json::value* sub = p.if_contains("sub");
  const bool m2m = sub && sub->is_string() && sub->get_string().starts_with("mch_");
  const json::value* typ = h.if_contains("typ");
  const bool oauth_typ =
      typ && typ->is_string() && (*typ == "at+jwt" || *typ == "application/at+jwt");
  if (!m2m && !oauth_typ)
    return out;
  // The header.
  const json::value* alg = h.if_contains("alg");
  if (!alg || *alg != "RS256" || h.contains("crit"))
    return out;
  if (m2m ? !(absent(h, "typ") || *typ == "JWT") : !oauth_typ)
    return out;
  if (!absent(h, "cat") && h.at("cat") != (m2m ? "cl_B7d4PD333AAA" : "cl_I7d4PD111III"))
    return out;
  const json::value* kid = h.if_contains("kid");
  if (!kid || *kid != "k1")
    return out;
  // The claims.
  if (!sub || !sub->is_string() || sub->get_string().empty())
    return out;
  for (std::string_view k : {"jti", "client_id", "scopes", "scope"})
    if (!string_or_absent(p, k))
      return out;
  if (!absent(p, "scp") && !strings(p.at("scp")))
    return out;
  if (!absent(p, "aud") && !p.at("aud").is_string() && !strings(p.at("aud")))
    return out;
  const auto date = [&](std::string_view k) -> std::optional<std::optional<std::int64_t>> {
    if (absent(p, k))
      return std::optional<std::int64_t>();
    if (!p.at(k).is_int64())
      return std::nullopt;
    return std::optional<std::int64_t>(p.at(k).get_int64());
  };
  const auto exp = date("exp"), nbf = date("nbf"), iat = date("iat");
  if (!exp || !nbf || !iat || !*exp)
    return out;
  const std::vector<std::string> aud =
      absent(p, "aud") ? std::vector<std::string>{} : list_of(p.at("aud"));
  if (with_audience) {
    bool listed = false;
    for (const auto& a : aud)
      for (const auto& want : audience)
        listed = listed || (!a.empty() && a == want);
    if (!listed)
      return out;
  }
  if (**exp <= now_s - 5 || (*nbf && **nbf > now_s + 5) || (*iat && **iat > now_s + 5))
    return out;
  clerk::machine_claims c;
  c.kind = m2m ? clerk::token_type::m2m : clerk::token_type::oauth;
  c.id = absent(p, "jti") ? "" : std::string(p.at("jti").get_string());
  c.subject = std::string(sub->get_string());
  if (!absent(p, "client_id"))
    c.client_id = std::string(p.at("client_id").get_string());
  if (m2m)
    c.scopes = absent(p, "scopes") ? aud : words(p.at("scopes").get_string());
  else if (!absent(p, "scp"))
    c.scopes = list_of(p.at("scp"));
  else if (!absent(p, "scope"))
    c.scopes = words(p.at("scope").get_string());
  c.expires_at = std::chrono::sys_seconds(std::chrono::seconds(**exp));
  if (*iat)
    c.issued_at = std::chrono::sys_seconds(std::chrono::seconds(**iat));
  if (*nbf)
    c.not_before = std::chrono::sys_seconds(std::chrono::seconds(**nbf));
  out.claims = std::move(c);
  return out;
}

// The other claims the library keeps: the payload but the six it reads.
CLERK_FUZZ_CHECKER void check_others(std::string_view payload_text, const clerk::raw_json& others) {
  boost::system::error_code ec;
  json::object want = json::parse(payload_text, ec).as_object();
  for (std::string_view k : {"jti", "sub", "client_id", "exp", "iat", "nbf"})
    want.erase(k);
  if (want.empty()) {
    FUZZ_CHECK(others.empty() || others.text() == "{}");
    return;
  }
  auto got = json::parse(others.text(), ec);
  FUZZ_CHECK_MSG(!ec && got == json::value(want), others.text());
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
  const std::string m = e.message();
  const std::string signature_text = b64url(good_signature);
  if (quotable(token).find(signature_text) == std::string::npos)
    FUZZ_CHECK_MSG(m.find(signature_text) == std::string::npos, m);
  if (token.size() >= 24 && token.find('.') != std::string::npos)
    FUZZ_CHECK_MSG(m.find(token) == std::string::npos, m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const int mode = data[0] % 3;
  const bool with_audience = ((data[0] / 3) & 1) != 0;
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
  clerk::machine_verify_options opt;
  opt.max_token_bytes = 4096;
  if (with_audience)
    opt.audience = audience;
  auto r = clerk::verify_machine_jwt(token, fixed_key{}, now, opt);
  FUZZ_CHECK(r == clerk::verify_machine_jwt(token, fixed_key{}, now, opt));
  if (!r)
    check_refused(token, r.error());
  if (mode == 1)
    FUZZ_CHECK(!r);
  if (r) {
    FUZZ_CHECK(token.substr(token.rfind('.') + 1) == b64url(good_signature));
    FUZZ_CHECK(clerk::token_type_of(token) == r->kind);
  }
  if (mode != 0)
    return 0;
  const expectation want = expect(header_text, payload_text, token.size(), with_audience);
  if (!want.judged)
    return 0;
  FUZZ_CHECK_MSG(r.has_value() == want.claims.has_value(),
                 r ? std::string("accepted") : r.error().message());
  if (r) {
    clerk::machine_claims got = *r;
    check_others(payload_text, got.other_claims);
    got.other_claims = {};
    FUZZ_CHECK(got == *want.claims);
  }
  return 0;
}
