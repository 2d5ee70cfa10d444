// Fuzzes the webhook verifier (issue 27): the signing secret, the headers of
// either family, the timestamp and its window, the signature list, the MAC
// (clerk::openssl_hmac) and the event read by the engine. Input, one field a
// line: mode bytes, the secret, the id, the timestamp, the signature list
// (each "$" in it becomes the genuine signature's base64, so that mutations
// reach a match and its near misses), then the body (the rest, newlines
// included). The first mode byte picks the family (bit 0), upper-case names
// (bit 1), spaces and tabs around values (bit 2), a 256-byte body cap
// (bit 3), the tolerance (bits 4-5: 300, 0, 10 or 86400 s) and leaves out the
// id (bit 6) or the signature (bit 7); the second leaves out the timestamp
// (bit 0). Now is 1614265330.
//
// Oracle, written apart from the library: its own strict base64, OpenSSL's
// one-shot HMAC() (not the EVP_MAC context the adapter copies), its own
// reading of the headers and timestamp, and a Boost.JSON DOM (with a SAX
// pass for repeated names) of the body. The verdict must be the oracle's,
// reason for reason; an accepted event must hold the DOM's type, the
// header's id, and data's text as the body has it; a refusal's message must
// not hold the secret or a signature (unless the body or id spells it); the
// same input always gets the same answer.
#include <clerk/crypto/openssl.hpp>
#include <clerk/webhooks.hpp>

#include "fuzz_support.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace json = boost::json;
constexpr std::int64_t now_s = 1614265330;

// ---- the oracle ------------------------------------------------------------

CLERK_FUZZ_CHECKER int b64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

// Padded standard base64 with zero unused bits, or nullopt.
CLERK_FUZZ_CHECKER std::optional<std::string> decode_key(std::string_view s) {
  if (s.starts_with("whsec_"))
    s.remove_prefix(6);
  if (s.empty() || s.size() % 4 != 0)
    return std::nullopt;
  std::size_t pad = s.ends_with("==") ? 2 : s.ends_with("=") ? 1 : 0;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < s.size() - pad; ++i) {
    const int v = b64_value(s[i]);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

std::string genuine_base64(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  FUZZ_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                  reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
                  &n) != nullptr &&
             n == 32);
  unsigned char text[64];
  const int len = EVP_EncodeBlock(text, mac, 32);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(len));
}

CLERK_FUZZ_CHECKER std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

CLERK_FUZZ_CHECKER std::optional<std::int64_t> seconds_of(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0'))
    return std::nullopt;
  unsigned __int128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > static_cast<unsigned __int128>(INT64_MAX))
    return std::nullopt;
  return static_cast<std::int64_t>(v);
}

// Repeated names the verifier refuses: a declared member of the event
// ("data" included), of event_attributes or of http_request given twice.
// Inside data, whose text is kept as sent, names may repeat.
class repeats : public clerk_fuzz::sax_ignore {
 public:
  bool found = false;

  bool on_object_begin(ec&) { return open(true); }
  bool on_object_end(std::size_t, ec&) { return close(); }
  bool on_array_begin(ec&) { return open(false); }
  bool on_array_end(std::size_t, ec&) { return close(); }
  bool on_key_part(std::string_view s, std::size_t, ec&) {
    key_.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, ec&) {
    key_.append(s);
    frame& f = frames_.back();
    if (!f.keys.insert(key_).second && declared(f.path, key_))
      found = true;
    f.key = std::move(key_);
    key_.clear();
    return true;
  }

 private:
  struct frame {
    std::string path;  // of this container: "$" at the top, "$/data", "$/data/[]/x", ...
    bool object = false;
    std::string key;  // an object's current member
    std::set<std::string> keys;
  };
  static bool declared(std::string_view path, std::string_view key) {
    if (path == "$")
      return key == "type" || key == "object" || key == "timestamp" || key == "instance_id" ||
             key == "event_attributes" || key == "data";
    if (path == "$/event_attributes")
      return key == "http_request";
    if (path == "$/event_attributes/http_request")
      return key == "client_ip" || key == "user_agent";
    return false;
  }
  bool open(bool object) {
    std::string path = "$";  // a key may be empty: the root has a name of its own
    if (!frames_.empty()) {
      const frame& parent = frames_.back();
      path = parent.path + "/" + (parent.object ? parent.key : std::string("[]"));
    }
    frames_.push_back(frame{std::move(path), object, {}, {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  std::string key_;
  std::vector<frame> frames_;
};

// The tokens of a JSON text, numbers as written: Boost.JSON 1.81 may read
// one number's text as two doubles a unit apart depending on what follows
// it, so two texts are compared token by token, not as DOMs. With
// `data_member`, only the tokens of the top-level member "data"'s value.
class tokens : public clerk_fuzz::sax_ignore {
 public:
  explicit tokens(bool data_member) : data_member_(data_member) {}
  std::vector<std::string> list;

  bool on_object_begin(ec&) { return open("{"); }
  bool on_object_end(std::size_t, ec&) { return close("}"); }
  bool on_array_begin(ec&) { return open("["); }
  bool on_array_end(std::size_t, ec&) { return close("]"); }
  bool on_key_part(std::string_view s, std::size_t, ec&) { return part(s); }
  bool on_key(std::string_view s, std::size_t, ec&) {
    if (data_member_ && depth_ == 1) {
      in_data_ = text_ + std::string(s) == "data";
      text_.clear();
      return true;
    }
    return scalar("k:", s);
  }
  bool on_string_part(std::string_view s, std::size_t, ec&) { return part(s); }
  bool on_string(std::string_view s, std::size_t, ec&) { return scalar("s:", s); }
  bool on_number_part(std::string_view s, ec&) { return part(s); }
  bool on_int64(std::int64_t, std::string_view s, ec&) { return scalar("n:", s); }
  bool on_uint64(std::uint64_t, std::string_view s, ec&) { return scalar("n:", s); }
  bool on_double(double, std::string_view s, ec&) { return scalar("n:", s); }
  bool on_bool(bool b, ec&) { return scalar(b ? "true" : "false", ""); }
  bool on_null(ec&) { return scalar("null", ""); }

 private:
  bool recording() const { return !data_member_ || (in_data_ && depth_ >= 1); }
  bool part(std::string_view s) {
    text_.append(s);
    return true;
  }
  bool scalar(std::string_view kind, std::string_view rest) {
    if (recording())
      list.push_back(std::string(kind) + text_ + std::string(rest));
    text_.clear();
    if (data_member_ && depth_ == 1)
      in_data_ = false;  // a scalar value of a top-level member ends it
    return true;
  }
  bool open(std::string_view t) {
    if (recording())
      list.emplace_back(t);
    ++depth_;
    return true;
  }
  bool close(std::string_view t) {
    --depth_;
    if (recording())
      list.emplace_back(t);
    if (data_member_ && depth_ == 1)
      in_data_ = false;
    return true;
  }
  bool data_member_;
  bool in_data_ = false;
  std::size_t depth_ = 0;
  std::string text_;
};

CLERK_FUZZ_CHECKER std::vector<std::string> tokens_of(std::string_view json, bool data_member) {
  json::parse_options opts;
  opts.max_depth = 32;
  json::basic_parser<tokens> p(opts, data_member);
  boost::system::error_code ec;
  p.write_some(false, json.data(), json.size(), ec);
  FUZZ_CHECK(!ec);
  return std::move(p.handler().list);
}

CLERK_FUZZ_CHECKER bool has_repeats(std::string_view body) {
  json::parse_options opts;
  opts.max_depth = 32;
  json::basic_parser<repeats> p(opts);
  boost::system::error_code ec;
  p.write_some(false, body.data(), body.size(), ec);
  return p.handler().found;
}

CLERK_FUZZ_CHECKER bool string_or_absent(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr || v->is_string();
}

// Whether `body` is a Clerk event the engine reads (default limits: depth 32;
// no string of a fuzz input reaches 64 KiB).
CLERK_FUZZ_CHECKER bool is_event(std::string_view body, json::value& dom) {
  json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  dom = json::parse(body, ec, {}, opts);
  if (ec || !dom.is_object() || has_repeats(body))
    return false;
  const json::object& o = dom.get_object();
  const json::value* type = o.if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string().empty() || !o.contains("data"))
    return false;
  if (!string_or_absent(o, "object") || !string_or_absent(o, "instance_id"))
    return false;
  if (const json::value* t = o.if_contains("timestamp")) {
    // Unix milliseconds, any int64 (a clerk::timestamp).
    if (!t->is_int64())
      return false;
  }
  if (const json::value* a = o.if_contains("event_attributes")) {
    if (!a->is_object())
      return false;
    if (const json::value* r = a->get_object().if_contains("http_request")) {
      if (!r->is_object() || !string_or_absent(r->get_object(), "client_ip") ||
          !string_or_absent(r->get_object(), "user_agent"))
        return false;
    }
  }
  return true;
}

// ---- the target ------------------------------------------------------------

struct input {
  unsigned char mode0 = 0, mode1 = 0;
  std::string secret, id, timestamp, signatures, body;
};

input read_input(std::string_view in) {
  input r;
  const std::string_view mode = clerk_fuzz::take_line(in);
  r.mode0 = mode.size() > 0 ? static_cast<unsigned char>(mode[0]) : 0;
  r.mode1 = mode.size() > 1 ? static_cast<unsigned char>(mode[1]) : 0;
  r.secret = clerk_fuzz::take_line(in);
  r.id = clerk_fuzz::take_line(in);
  r.timestamp = clerk_fuzz::take_line(in);
  r.signatures = clerk_fuzz::take_line(in);
  r.body = in;
  return r;
}

std::string spaced(std::string_view v, bool around) {
  return around ? " \t" + std::string(v) + "\t " : std::string(v);
}

// A secret's or a signature's base64 (16 characters or more of its alphabet)
// must not be in `message`, unless `spelt_by` (the id and body, which a
// message may quote) holds it.
CLERK_FUZZ_CHECKER void check_quiet(std::string_view message, std::string_view hidden,
                                    std::string_view spelt_by) {
  if (hidden.size() < 16)
    return;
  for (char c : hidden)
    if (b64_value(c) < 0 && c != '=')
      return;
  if (spelt_by.find(hidden) == std::string_view::npos)
    FUZZ_CHECK_MSG(message.find(hidden) == std::string_view::npos, message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const input in = read_input(clerk_fuzz::as_text(data, size));
  const bool webhook_family = in.mode0 & 1, upper = in.mode0 & 2, spaces = in.mode0 & 4;
  clerk::webhook_options options;
  if (in.mode0 & 8)
    options.limits.max_body_bytes = 256;
  static constexpr std::int64_t tolerances[] = {300, 0, 10, 86400};
  options.tolerance = std::chrono::seconds(tolerances[(in.mode0 >> 4) & 3]);
  const bool no_id = in.mode0 & 64, no_signature = in.mode0 & 128, no_timestamp = in.mode1 & 1;

  // The secret: the library's verdict against the oracle's decoding.
  auto secret = clerk::webhook_secret::make(in.secret);
  const auto key = decode_key(in.secret);
  const bool key_ok = key && key->size() >= 16;
  FUZZ_CHECK(secret.has_value() == key_ok);
  if (!secret) {
    FUZZ_CHECK(secret.error().as_invalid_webhook() != nullptr &&
               secret.error().as_invalid_webhook()->reason ==
                   clerk::webhook_reason::secret_invalid);
    check_quiet(secret.error().message(),
                in.secret.size() > 6 ? std::string_view(in.secret).substr(6) : "", "");
    return 0;
  }
  FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(secret->key().data()),
                              secret->key().size()) == *key);

  // The headers, with "$" standing for the genuine signature.
  const std::string_view id = trimmed(in.id), stamp = trimmed(in.timestamp);
  const std::string genuine =
      genuine_base64(*key, std::string(id) + "." + std::string(stamp) + "." + in.body);
  std::string signatures;
  for (char c : in.signatures)
    c == '$' ? signatures += genuine : signatures += c;
  const std::string prefix =
      webhook_family ? (upper ? "WEBHOOK-" : "webhook-") : (upper ? "SVIX-" : "svix-");
  clerk::header_list headers;
  headers.add("Content-Type", "application/json");
  if (!no_id)
    headers.add(prefix + (upper ? "ID" : "id"), spaced(in.id, spaces));
  if (!no_timestamp)
    headers.add(prefix + (upper ? "TIMESTAMP" : "timestamp"), spaced(in.timestamp, spaces));
  if (!no_signature)
    headers.add(prefix + (upper ? "SIGNATURE" : "signature"), spaced(signatures, spaces));

  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(now_s)) +
                   std::chrono::milliseconds(in.mode1 >> 1);  // under a second: floored
  auto e = clerk::verify_webhook(headers, in.body, *secret, now, clerk::openssl_hmac{}, options);
  auto again =
      clerk::verify_webhook(headers, in.body, *secret, now, clerk::openssl_hmac{}, options);
  FUZZ_CHECK(e == again);

  // The oracle's verdict, in the library's order.
  using reason = clerk::webhook_reason;
  std::optional<reason> expected;
  json::value dom;
  const std::string_view sig_value = trimmed(signatures);
  if (in.body.size() > options.limits.max_body_bytes) {
    expected = reason::body_too_large;
  } else if (no_id || no_timestamp || no_signature || id.empty() || stamp.empty() ||
             sig_value.empty()) {
    expected = reason::missing_headers;
  } else if (const auto seconds = seconds_of(stamp); !seconds) {
    expected = reason::timestamp_malformed;
  } else if (static_cast<__int128>(now_s) - *seconds > tolerances[(in.mode0 >> 4) & 3]) {
    expected = reason::timestamp_too_old;
  } else if (static_cast<__int128>(*seconds) - now_s > tolerances[(in.mode0 >> 4) & 3]) {
    expected = reason::timestamp_too_new;
  } else {
    bool match = false;
    for (std::string_view rest = sig_value; !match;) {
      const auto space = rest.find(' ');
      match = rest.substr(0, space) == "v1," + genuine;
      if (space == std::string_view::npos)
        break;
      rest.remove_prefix(space + 1);
    }
    if (!match)
      expected = reason::no_matching_signature;
    else if (!is_event(in.body, dom))
      expected = reason::payload_invalid;
  }

  if (!expected) {
    FUZZ_CHECK_MSG(e.has_value(), e ? "" : e.error().message());
    const json::object& o = dom.get_object();
    FUZZ_CHECK(e->id == id);
    FUZZ_CHECK(e->type == std::string_view(o.at("type").get_string()));
    // data's text as sent: a part of the body, holding the member's tokens.
    FUZZ_CHECK(in.body.find(e->data.text()) != std::string::npos);
    FUZZ_CHECK(tokens_of(e->data.text(), false) == tokens_of(in.body, true));
    if (const json::value* t = o.if_contains("timestamp"))
      FUZZ_CHECK(e->timestamp.time_since_epoch().count() == t->to_number<std::int64_t>());
    if (const json::value* obj = o.if_contains("object"))
      FUZZ_CHECK(e->object == std::string_view(obj->get_string()));
    return 0;
  }
  FUZZ_CHECK_MSG(e.has_error(), clerk::to_string(*expected));
  const clerk::invalid_webhook* w = e.error().as_invalid_webhook();
  FUZZ_CHECK(w != nullptr);
  FUZZ_CHECK_MSG(w->reason == *expected,
                 std::string(clerk::to_string(*expected)) + " expected; " + e.error().message());
  const std::string m = e.error().message();
  FUZZ_CHECK(!clerk_fuzz::has_control(m));
  const std::string spelt = std::string(id) + in.body;
  check_quiet(m, genuine, spelt);
  check_quiet(m, std::string_view(in.secret).substr(in.secret.starts_with("whsec_") ? 6 : 0),
              spelt);
  for (std::string_view rest = sig_value; !rest.empty();) {
    const auto space = rest.find(' ');
    const std::string_view entry = rest.substr(0, space);
    if (entry.starts_with("v1,"))
      check_quiet(m, entry.substr(3), spelt);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return 0;
}
