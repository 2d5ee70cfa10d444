// Definitions for <clerk/webhooks.hpp>.
#ifndef CLERK_IMPL_WEBHOOKS_IPP
#define CLERK_IMPL_WEBHOOKS_IPP

#include <clerk/detail/response.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/publishable_key.hpp>
#include <clerk/webhooks.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

CLERK_BACKEND_DECL result<webhook_secret> webhook_secret::make(std::string_view signing_secret) {
  auto refuse = [](std::string why) {
    return error(invalid_webhook{webhook_reason::secret_invalid, std::move(why)});
  };
  std::string_view encoded = signing_secret;
  if (encoded.starts_with("whsec_"))
    encoded.remove_prefix(6);
  std::string key;
  key.reserve(encoded.size() / 4 * 3);  // decoded in place: no copy of the key left behind
  // Padded, as Svix's libraries require: one spelling of a key.
  if (encoded.empty() || encoded.size() % 4 != 0 || !detail::base64_decode(encoded, key)) {
    detail::wipe(key.data(), key.size());
    return refuse("the signing secret is not whsec_ followed by standard base64");
  }
  if (key.size() < min_key_bytes) {
    const std::size_t n = key.size();
    detail::wipe(key.data(), key.size());
    return refuse("the signing secret's key is " + std::to_string(n) + " bytes; at least " +
                  std::to_string(min_key_bytes) + " are required");
  }
  return webhook_secret(signing_secret, std::move(key));
}

namespace detail {

// The three headers of one family ("svix-" or "webhook-"): their values
// without surrounding spaces, whether each header is there at all, and how
// many are there and not empty.
inline constexpr std::string_view webhook_header_suffixes[3] = {"id", "timestamp", "signature"};
struct webhook_headers {
  std::string_view prefix;
  std::string_view values[3];
  bool found[3] = {false, false, false};
  int present = 0;

  std::string name(int i) const {
    return std::string(prefix) + std::string(webhook_header_suffixes[i]);
  }
};

inline webhook_headers read_webhook_headers(const header_list& headers, std::string_view prefix) {
  webhook_headers out;
  out.prefix = prefix;
  for (int i = 0; i < 3; ++i) {
    const std::string_view suffix = webhook_header_suffixes[i];
    for (const auto& h : headers) {
      // Names in any case, as HTTP stacks hand them over.
      if (h.name.size() == prefix.size() + suffix.size() && istarts_with(h.name, prefix) &&
          iequals(std::string_view(h.name).substr(prefix.size()), suffix)) {
        out.found[i] = true;
        out.values[i] = trim_ows(h.value);
        break;
      }
    }
    if (!out.values[i].empty())
      ++out.present;
  }
  return out;
}

// What is missing of the family that came closest.
inline std::string missing_headers(const webhook_headers& h) {
  if (h.present == 0 && !h.found[0] && !h.found[1] && !h.found[2])
    return "svix-id, svix-timestamp and svix-signature (or webhook-id, webhook-timestamp and "
           "webhook-signature)";
  std::string out;
  for (int i = 0; i < 3; ++i) {
    if (!h.values[i].empty())
      continue;
    out += out.empty() ? "" : ", ";
    out += h.name(i);
    if (h.found[i])
      out += " (empty)";
  }
  return out;
}

// Standard base64 with padding, as Svix writes a signature.
inline void append_base64(std::string& out, std::span<const unsigned char> in) {
  static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8 | in[i + 2];
    out += abc[v >> 18];
    out += abc[(v >> 12) & 63];
    out += abc[(v >> 6) & 63];
    out += abc[v & 63];
  }
  if (std::size_t rest = in.size() - i; rest > 0) {
    const std::uint32_t v =
        std::uint32_t{in[i]} << 16 | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0u);
    out += abc[v >> 18];
    out += abc[(v >> 12) & 63];
    out += rest == 2 ? abc[(v >> 6) & 63] : '=';
    out += '=';
  }
}

// "v1,<base64 MAC>" of id.timestamp.body, into `out`; false when the adapter
// fails.
inline bool webhook_signature(std::string& out, std::string_view id, std::string_view timestamp,
                              std::string_view body, const webhook_secret& secret,
                              const hmac_ref& hmac) {
  const std::string_view message[] = {id, ".", timestamp, ".", body};
  std::array<unsigned char, 32> mac{};
  if (!hmac.mac(hmac.self, secret.key(), std::span<const std::string_view>(message), mac))
    return false;
  out.reserve(out.size() + 47);
  out += "v1,";
  append_base64(out, mac);
  return true;
}

inline error webhook_error(webhook_reason reason, std::string detail) {
  return error(invalid_webhook{reason, std::move(detail)});
}

// A count of seconds as Svix writes it: decimal digits, no sign, no leading
// zero (Svix signs the number it reads, so "0123" would be signed as "123"),
// at most what an int64 holds. Else nullopt.
inline std::optional<std::int64_t> webhook_seconds(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0'))
    return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (!is_digit(c) || __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v))
      return std::nullopt;
  }
  return v;
}

// The bytes a scan for the end of a JSON value stops at, outside strings.
inline constexpr auto json_structure = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view("\"{}[],"))
    t[c] = true;
  return t;
}();

// The value of the member `name` of the JSON object `json` (valid JSON,
// whitespace around the value left out), and how many members have that
// name; a text that is not an object has none.
struct member_text {
  std::string_view text;
  int count = 0;
};
inline member_text top_level_member(std::string_view json, std::string_view name) {
  constexpr std::string_view space = " \t\r\n";
  member_text out;
  std::size_t i = json.find_first_not_of(space);
  if (i == std::string_view::npos || json[i] != '{')
    return out;
  ++i;
  while (i < json.size()) {
    i = json.find_first_not_of(space, i);
    if (i == std::string_view::npos || json[i] != '"')
      return out;  // the closing brace
    const std::size_t key_end = skip_json_string(json, i);
    const bool wanted = json_string_is(json.substr(i + 1, key_end - i - 2), name);
    i = json.find_first_not_of(space, key_end);  // at the colon
    i = json.find_first_not_of(space, i + 1);    // at the value
    const std::size_t start = i;
    for (int depth = 0; i < json.size();) {
      while (i < json.size() && !json_structure[static_cast<unsigned char>(json[i])])
        ++i;
      if (i == json.size())
        break;
      const char c = json[i];
      if (c == '"') {
        i = skip_json_string(json, i);
        continue;
      }
      if (depth == 0 && (c == ',' || c == '}'))
        break;
      depth += c == '{' || c == '[';
      depth -= c == '}' || c == ']';
      ++i;
    }
    if (wanted) {
      std::string_view value = json.substr(start, i - start);
      out.text = value.substr(0, value.find_last_not_of(space) + 1);
      ++out.count;
    }
    ++i;  // past the comma (or the closing brace)
  }
  return out;
}

CLERK_BACKEND_DECL result<webhook_event> verify_webhook(
    const header_list& headers, std::string_view body, const webhook_secret& secret,
    std::chrono::system_clock::time_point now, const hmac_ref& hmac, const webhook_options& opt) {
  using reason = webhook_reason;
  if (opt.tolerance.count() < 0)
    return error(invalid_request{"tolerance", "must not be negative"});
  // 1. Size, before anything is hashed.
  if (body.size() > opt.limits.max_body_bytes)
    return webhook_error(reason::body_too_large, "the body is " + std::to_string(body.size()) +
                                                     " bytes, more than max_body_bytes (" +
                                                     std::to_string(opt.limits.max_body_bytes) +
                                                     ")");
  // 2. One complete family of headers: Svix's own names, else the standard's.
  webhook_headers h = read_webhook_headers(headers, "svix-");
  if (h.present < 3) {
    webhook_headers standard = read_webhook_headers(headers, "webhook-");
    if (standard.present == 3 || standard.present > h.present)
      h = standard;
  }
  if (h.present < 3)
    return webhook_error(reason::missing_headers, missing_headers(h));
  const std::string_view id = h.values[0], stamp = h.values[1], signatures = h.values[2];
  // 3. The timestamp, in Svix's tolerance window either way.
  const auto seconds = webhook_seconds(stamp);
  if (!seconds)
    return webhook_error(reason::timestamp_malformed,
                         h.name(1) + " is not a decimal count of seconds");
  const std::int64_t now_s =
      std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  const std::int64_t tolerance = opt.tolerance.count();
  // The header's value is at least 0: only a clock far before 1970 can take
  // the difference past 64 bits, which puts the timestamp ahead.
  std::int64_t ahead;
  if (__builtin_sub_overflow(*seconds, now_s, &ahead))
    ahead = INT64_MAX;
  if (ahead < -tolerance)
    return webhook_error(
        reason::timestamp_too_old,
        std::to_string(*seconds) + " is more than " + std::to_string(tolerance) + " s before now");
  if (ahead > tolerance)
    return webhook_error(reason::timestamp_too_new, std::to_string(*seconds) + " is more than " +
                                                        std::to_string(tolerance) + " s after now");
  // 4. The MAC, against each v1 entry.
  std::string expected;
  if (!webhook_signature(expected, id, stamp, body, secret, hmac))
    return webhook_error(reason::hmac_failed, "the HMAC adapter could not compute the MAC");
  std::size_t v1 = 0;
  bool matched = false;
  for (std::string_view rest = signatures; !rest.empty();) {
    const auto space = rest.find(' ');
    const std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (!entry.starts_with("v1,"))
      continue;
    ++v1;
    matched = equal_in_constant_time(entry, expected) || matched;
  }
  if (!matched)
    return webhook_error(reason::no_matching_signature,
                         v1 == 0 ? h.name(2) + " holds no v1 signature"
                                 : "none of the " + std::to_string(v1) + " v1 signatures in " +
                                       h.name(2) + " is this message's");
  // 5. The event, read by the one engine but for data, which is declared
  // last: the engine skips it, and its text is kept as sent (capturing it
  // token by token would cost twice the rest of the parse).
  webhook_event event;
  http_response r;
  r.headers.add("id", std::string(id));  // from_header("id", &webhook_event::id)
  r.body.assign(body);
  const model_info& full = info_of<webhook_event>;
  static_assert(info_of<webhook_event>.fields[info_of<webhook_event>.count - 1].name == "data");
  const model_info head{full.name, full.fields, full.count - 1};
  std::string problem;
  if (auto u = parse_model(head, &event, r, opt.limits))
    problem = std::move(u->problem);
  else if (auto data = top_level_member(body, "data"); data.count != 1)
    problem = data.count == 0 ? "missing field \"data\"" : "duplicate field \"data\"";
  else
    event.data = raw_json(std::string(data.text));
  if (!problem.empty())
    return webhook_error(reason::payload_invalid, "not a Clerk event: " + std::move(problem));
  return event;
}

CLERK_BACKEND_DECL result<std::string> sign_webhook(std::string_view id,
                                                    std::chrono::sys_seconds timestamp,
                                                    std::string_view body,
                                                    const webhook_secret& secret,
                                                    const hmac_ref& hmac) {
  std::string out;
  if (!webhook_signature(out, id, std::to_string(timestamp.time_since_epoch().count()), body,
                         secret, hmac))
    return webhook_error(webhook_reason::hmac_failed, "the HMAC adapter could not compute the MAC");
  return out;
}

CLERK_BACKEND_DECL std::optional<error> read_data(const model_info& info, void* obj,
                                                  std::string_view text,
                                                  const response_limits& limits) {
  http_response r;
  r.body.assign(text);
  if (auto u = parse_model(info, obj, r, limits))
    return webhook_error(webhook_reason::payload_invalid, "data: " + std::move(u->problem));
  return std::nullopt;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
