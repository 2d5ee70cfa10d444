// <clerk/webhooks.hpp> without crypto: the secret, the error kind, every
// refusal made before the MAC (the adapter is not even asked), and what the
// core asks of the HMAC adapter. The MAC itself, Svix's vectors and the
// signature checks are in tests/integration/test_webhooks.cpp (OpenSSL).
#include <clerk/webhooks.hpp>

#include "support.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr std::string_view svix_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const auto at_1614265330 = std::chrono::system_clock::time_point(1614265330s);

clerk::webhook_secret test_secret() {
  auto s = clerk::webhook_secret::make(svix_secret);
  REQUIRE(s.has_value());
  return *s;
}

// An HMAC adapter that writes a fixed MAC and records what it was asked: the
// core's side of the contract, without crypto. `fail` makes it report a
// failure.
struct recording_hmac {
  struct call {
    std::string key, message;
  };
  std::vector<call>* calls;
  bool fail = false;
  bool mac(std::span<const unsigned char> key, std::span<const std::string_view> message,
           std::span<unsigned char, 32> out) const {
    call c{std::string(reinterpret_cast<const char*>(key.data()), key.size()), {}};
    for (auto part : message)
      c.message += part;
    calls->push_back(std::move(c));
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<unsigned char>(i);
    return !fail;
  }
};
static_assert(clerk::hmac_sha256<recording_hmac>);

// base64 of the bytes 0, 1, ..., 31: what recording_hmac's MAC is sent as.
constexpr std::string_view recorded_signature = "v1,AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

clerk::header_list svix(std::string_view id, std::string_view timestamp,
                        std::string_view signature) {
  return {{"svix-id", std::string(id)},
          {"svix-timestamp", std::string(timestamp)},
          {"svix-signature", std::string(signature)}};
}

const std::string event_body =
    R"({"data":{"id":"user_1","object":"user"},"object":"event","type":"user.created",)"
    R"("timestamp":1654012591835,"instance_id":"ins_1"})";

// The refusal of `headers` and `body` at 1614265330 with the default options,
// checked to come before any MAC was asked for.
clerk::invalid_webhook refused_before_mac(const clerk::header_list& headers,
                                          std::string_view body = event_body,
                                          const clerk::webhook_options& options = {}) {
  std::vector<recording_hmac::call> calls;
  auto e = clerk::verify_webhook(headers, body, test_secret(), at_1614265330,
                                 recording_hmac{&calls}, options);
  REQUIRE(e.has_error());
  CHECK(calls.empty());
  const clerk::invalid_webhook* w = e.error().as_invalid_webhook();
  REQUIRE_MESSAGE(w != nullptr, e.error().message());
  return *w;
}

}  // namespace

TEST_CASE("a signing secret is read with or without whsec_") {
  auto with = clerk::webhook_secret::make("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  auto without = clerk::webhook_secret::make("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(with.has_value());
  REQUIRE(without.has_value());
  // base64 of 24 bytes: 31 f2 90 f5 bf 06 ...
  REQUIRE(with->key().size() == 24);
  CHECK(with->key()[0] == 0x31);
  CHECK(with->key()[1] == 0xf2);
  CHECK(std::equal(with->key().begin(), with->key().end(), without->key().begin(),
                   without->key().end()));
  CHECK(with->reveal() == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");  // the text it was made from
  // 16 bytes, the shortest accepted, padded as base64 is.
  auto padded = clerk::webhook_secret::make("whsec_AAAAAAAAAAAAAAAAAAAAAA==");
  REQUIRE(padded.has_value());
  CHECK(padded->key().size() == 16);
}

TEST_CASE("a signing secret that is not base64 of a long enough key is refused, unrepeated") {
  for (std::string_view bad :
       {"", "whsec_", "whsec_not base64!", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=", "whsec_MfKQ9r8GKYqrTwjU-D8ILPZIo2LaLaSw",
        "whsec_c2hvcnQ=", "whsec_AAAAAAAAAAAAAAAAAAAA", "whsec_AAAAAAAAAAAAAAAAAAAAAA",
        " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}) {
    CAPTURE(bad);
    auto s = clerk::webhook_secret::make(bad);
    REQUIRE(s.has_error());
    const clerk::invalid_webhook* w = s.error().as_invalid_webhook();
    REQUIRE(w != nullptr);
    CHECK(w->reason == clerk::webhook_reason::secret_invalid);
    const std::string m = s.error().message();
    CHECK(m.starts_with("invalid webhook: secret-invalid: "));
    if (bad.size() > 6)
      CHECK(m.find(bad.substr(6)) == std::string::npos);
  }
  auto short_key = clerk::webhook_secret::make("whsec_c2hvcnQ=");  // "short": 5 bytes
  REQUIRE(short_key.has_error());
  CHECK(short_key.error().message() ==
        "invalid webhook: secret-invalid: the signing secret's key is 5 bytes; at least 16 are "
        "required");
}

TEST_CASE("a signing secret prints as [redacted] and is a clerk::secret") {
  const clerk::webhook_secret s = test_secret();
  std::ostringstream os;
  os << s;
  CHECK(os.str() == "[redacted]");
  const clerk::secret& base = s;  // what a function taking any secret accepts
  CHECK(base.reveal() == svix_secret);
  CHECK(s == test_secret());
}

TEST_CASE("invalid_webhook is an error kind of its own, printed on one line") {
  clerk::error e =
      clerk::invalid_webhook{clerk::webhook_reason::missing_headers, "svix-id,\nsvix-signature"};
  CHECK(e.kind() == clerk::error_kind::invalid_webhook);
  REQUIRE(e.as_invalid_webhook() != nullptr);
  CHECK(e.as_invalid_webhook()->detail == "svix-id,\nsvix-signature");
  CHECK(e.as_invalid_token() == nullptr);
  CHECK(e.as_invalid_request() == nullptr);
  CHECK(e.http_status() == 0);
  CHECK(e.clerk_trace_id().empty());
  CHECK_FALSE(e.retry_after().has_value());
  CHECK(e.message() == "invalid webhook: missing-headers: svix-id,\\nsvix-signature");
  std::ostringstream os;
  os << e;
  CHECK(os.str() == e.message());
  CHECK(e == clerk::error(clerk::invalid_webhook{clerk::webhook_reason::missing_headers,
                                                 "svix-id,\nsvix-signature"}));
  CHECK_FALSE(
      e == clerk::error(clerk::invalid_webhook{clerk::webhook_reason::missing_headers, "svix-id"}));
  CHECK_FALSE(e == clerk::error(clerk::invalid_token{}));
  // A detail that quotes something secret-shaped is redacted when printed.
  clerk::error k = clerk::invalid_webhook{clerk::webhook_reason::payload_invalid,
                                          "sk_test_4eC39HqLyjWDarjtT1zdp7dc"};
  CHECK(k.message().find("4eC39HqLyjWDarjtT1zdp7dc") == std::string::npos);
}

TEST_CASE("every webhook reason has its own spelling") {
  using r = clerk::webhook_reason;
  CHECK(clerk::to_string(r::missing_headers) == "missing-headers");
  CHECK(clerk::to_string(r::timestamp_malformed) == "timestamp-malformed");
  CHECK(clerk::to_string(r::timestamp_too_old) == "timestamp-too-old");
  CHECK(clerk::to_string(r::timestamp_too_new) == "timestamp-too-new");
  CHECK(clerk::to_string(r::no_matching_signature) == "no-matching-signature");
  CHECK(clerk::to_string(r::secret_invalid) == "secret-invalid");
  CHECK(clerk::to_string(r::body_too_large) == "body-too-large");
  CHECK(clerk::to_string(r::payload_invalid) == "payload-invalid");
  CHECK(clerk::to_string(r::hmac_failed) == "hmac-failed");
}

TEST_CASE("missing webhook headers are named, from the family that came closest") {
  using r = clerk::webhook_reason;
  auto none = refused_before_mac({{"Content-Type", "application/json"}});
  CHECK(none.reason == r::missing_headers);
  CHECK(none.detail ==
        "svix-id, svix-timestamp and svix-signature (or webhook-id, webhook-timestamp and "
        "webhook-signature)");
  CHECK(refused_before_mac({{"svix-id", "msg_1"}}).detail == "svix-timestamp, svix-signature");
  CHECK(refused_before_mac({{"svix-id", "msg_1"}, {"svix-timestamp", "1614265330"}}).detail ==
        "svix-signature");
  CHECK(refused_before_mac({{"webhook-id", "msg_1"}, {"webhook-signature", "v1,x"}}).detail ==
        "webhook-timestamp");
  // An empty value, or only spaces, is no value.
  CHECK(refused_before_mac(svix("msg_1", " \t", "v1,x")).detail == "svix-timestamp (empty)");
  CHECK(refused_before_mac(svix("", "1614265330", "")).detail ==
        "svix-id (empty), svix-signature (empty)");
  // Two incomplete families are not mixed into one.
  CHECK(refused_before_mac(
            {{"svix-id", "msg_1"}, {"svix-timestamp", "1614265330"}, {"webhook-signature", "v1,x"}})
            .detail == "svix-signature");
}

TEST_CASE("a timestamp that is not a plain decimal count of seconds is malformed") {
  for (std::string_view bad : {"+1614265330", "-1614265330", "01614265330", "1614265330.0", "1.6e9",
                               "0x60379C72", "1614265330s", "1614 265330", "abc", "١٦١٤٢٦٥٣٣٠",
                               "9223372036854775808", "99999999999999999999"}) {
    CAPTURE(bad);
    auto w = refused_before_mac(svix("msg_1", bad, "v1,x"));
    CHECK(w.reason == clerk::webhook_reason::timestamp_malformed);
    CHECK(w.detail == "svix-timestamp is not a decimal count of seconds");
  }
  auto w = refused_before_mac(
      {{"webhook-id", "msg_1"}, {"webhook-timestamp", "1e9"}, {"webhook-signature", "v1,x"}});
  CHECK(w.detail == "webhook-timestamp is not a decimal count of seconds");
}

TEST_CASE("a timestamp more than the tolerance from now is refused, either way") {
  using r = clerk::webhook_reason;
  auto old = refused_before_mac(svix("msg_1", "1614265029", "v1,x"));  // 301 s before
  CHECK(old.reason == r::timestamp_too_old);
  CHECK(old.detail == "1614265029 is more than 300 s before now");
  auto ahead = refused_before_mac(svix("msg_1", "1614265631", "v1,x"));  // 301 s after
  CHECK(ahead.reason == r::timestamp_too_new);
  CHECK(ahead.detail == "1614265631 is more than 300 s after now");
  CHECK(refused_before_mac(svix("msg_1", "0", "v1,x")).reason == r::timestamp_too_old);
  CHECK(refused_before_mac(svix("msg_1", "9223372036854775807", "v1,x")).reason ==
        r::timestamp_too_new);
  // A tolerance of the caller's.
  clerk::webhook_options tight;
  tight.tolerance = 10s;
  CHECK(refused_before_mac(svix("msg_1", "1614265319", "v1,x"), event_body, tight).reason ==
        r::timestamp_too_old);
  CHECK(refused_before_mac(svix("msg_1", "1614265341", "v1,x"), event_body, tight).reason ==
        r::timestamp_too_new);
}

TEST_CASE("the tolerance is checked against now floored to the second, and a far clock") {
  std::vector<recording_hmac::call> calls;
  const auto s = test_secret();
  // 300.999 s after the timestamp is within 300 s, as Svix counts (now
  // floored to the second); 301 s is not.
  auto edge = clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature), event_body, s,
                                    at_1614265330 + 300999ms, recording_hmac{&calls});
  CHECK_MESSAGE(edge.has_value(), (edge ? "" : edge.error().message()));
  auto past = clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature), event_body, s,
                                    at_1614265330 + 301s, recording_hmac{&calls});
  REQUIRE(past.has_error());
  CHECK(past.error().as_invalid_webhook()->reason == clerk::webhook_reason::timestamp_too_old);
  // A clock set far before 1970 cannot wrap the difference.
  auto far = clerk::verify_webhook(
      svix("msg_1", "9223372036854775807", recorded_signature), event_body, s,
      std::chrono::system_clock::time_point(std::chrono::system_clock::duration::min()),
      recording_hmac{&calls});
  REQUIRE(far.has_error());
  CHECK(far.error().as_invalid_webhook()->reason == clerk::webhook_reason::timestamp_too_new);
}

TEST_CASE("a negative tolerance is an invalid_request") {
  std::vector<recording_hmac::call> calls;
  clerk::webhook_options o;
  o.tolerance = -1s;
  auto e = clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature), event_body,
                                 test_secret(), at_1614265330, recording_hmac{&calls}, o);
  REQUIRE(e.has_error());
  REQUIRE(e.error().as_invalid_request() != nullptr);
  CHECK(e.error().as_invalid_request()->field == "tolerance");
  CHECK(calls.empty());
}

TEST_CASE("a body over max_body_bytes is refused before anything else is read") {
  clerk::webhook_options o;
  o.limits.max_body_bytes = 64;
  const std::string body(65, ' ');
  auto w = refused_before_mac({}, body, o);  // not even the headers are looked at
  CHECK(w.reason == clerk::webhook_reason::body_too_large);
  CHECK(w.detail == "the body is 65 bytes, more than max_body_bytes (64)");
  // The default: 1 MiB, as for Clerk's answers.
  CHECK(refused_before_mac({}, std::string((1u << 20) + 1, ' ')).reason ==
        clerk::webhook_reason::body_too_large);
}

TEST_CASE("the adapter is asked for the MAC of id.timestamp.body under the decoded key") {
  std::vector<recording_hmac::call> calls;
  const auto s = test_secret();
  // Surrounding spaces are not part of a header's value; names are any case.
  clerk::header_list h{{"Svix-Id", " msg_1 "},
                       {"SVIX-TIMESTAMP", "1614265330\t"},
                       {"svix-signature", std::string(recorded_signature)}};
  auto e = clerk::verify_webhook(h, event_body, s, at_1614265330, recording_hmac{&calls});
  REQUIRE_MESSAGE(e.has_value(), (e ? "" : e.error().message()));
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].message == "msg_1.1614265330." + event_body);
  CHECK(calls[0].key == std::string(reinterpret_cast<const char*>(s.key().data()), s.key().size()));
  CHECK(e->id == "msg_1");
  CHECK(e->type == "user.created");
  CHECK(e->object == "event");
  CHECK(e->instance_id == "ins_1");
  CHECK(e->timestamp == clerk::timestamp(1654012591835ms));
  CHECK(e->data.text() == R"({"id":"user_1","object":"user"})");
  // sign_webhook asks for the same MAC and writes it as Svix does.
  auto signature = clerk::sign_webhook("msg_1", std::chrono::sys_seconds(1614265330s), event_body,
                                       s, recording_hmac{&calls});
  REQUIRE(signature.has_value());
  CHECK(*signature == recorded_signature);
  CHECK(calls.back().message == calls[0].message);
}

TEST_CASE("only v1 entries of the space-separated list are compared, whole") {
  std::vector<recording_hmac::call> calls;
  const auto s = test_secret();
  auto verdict = [&](std::string signatures) {
    auto e = clerk::verify_webhook(svix("msg_1", "1614265330", signatures), event_body, s,
                                   at_1614265330, recording_hmac{&calls});
    return e ? std::string("ok") : e.error().message();
  };
  const std::string good(recorded_signature);
  const std::string other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
  CHECK(verdict(good) == "ok");
  CHECK(verdict(other + " v2,abc " + good) == "ok");  // rotation: any match passes
  CHECK(verdict("v1a,x  " + good + " ") == "ok");     // empty entries skipped
  CHECK(verdict(other) ==
        "invalid webhook: no-matching-signature: none of the 1 v1 signatures in svix-signature "
        "is this message's");
  CHECK(verdict(other + " " + other) ==
        "invalid webhook: no-matching-signature: none of the 2 v1 signatures in svix-signature "
        "is this message's");
  CHECK(verdict("v2," + good.substr(3) + " v1a," + good.substr(3)) ==
        "invalid webhook: no-matching-signature: svix-signature holds no v1 signature");
  // Not the same text: another case, no padding, a suffix, a comma instead
  // of a space, a prefix glued on.
  std::string upper = good;
  upper[5] = 'a';
  const std::vector<std::string> near_misses = {upper,
                                                good.substr(0, good.size() - 1),
                                                good + ",v1",
                                                good + "," + other,
                                                "v1," + good,
                                                "V1" + good.substr(2),
                                                "v1, " + good.substr(3),
                                                "v1,"};
  for (const std::string& near : near_misses) {
    CAPTURE(near);
    CHECK(verdict(near).starts_with("invalid webhook: no-matching-signature: "));
  }
}

TEST_CASE("an adapter that fails gives hmac_failed, never a match") {
  std::vector<recording_hmac::call> calls;
  auto e = clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature), event_body,
                                 test_secret(), at_1614265330, recording_hmac{&calls, true});
  REQUIRE(e.has_error());
  CHECK(e.error().message() ==
        "invalid webhook: hmac-failed: the HMAC adapter could not compute the MAC");
  auto s = clerk::sign_webhook("msg_1", std::chrono::sys_seconds(1614265330s), event_body,
                               test_secret(), recording_hmac{&calls, true});
  REQUIRE(s.has_error());
  CHECK(s.error().as_invalid_webhook()->reason == clerk::webhook_reason::hmac_failed);
}

TEST_CASE("a signed body that is not a Clerk event is payload_invalid, naming what is wrong") {
  std::vector<recording_hmac::call> calls;
  const auto s = test_secret();
  auto problem = [&](std::string_view body) {
    auto e = clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature), body, s,
                                   at_1614265330, recording_hmac{&calls});
    REQUIRE(e.has_error());
    REQUIRE(e.error().as_invalid_webhook() != nullptr);
    CHECK(e.error().as_invalid_webhook()->reason == clerk::webhook_reason::payload_invalid);
    return e.error().as_invalid_webhook()->detail;
  };
  CHECK(problem("") == "not a Clerk event: body is not valid JSON: incomplete JSON");
  CHECK(problem("not json").starts_with("not a Clerk event: body is not valid JSON"));
  CHECK(problem("[]") == "not a Clerk event: body is an array, expected a JSON object");
  CHECK(problem(R"({"data":{}})") == R"(not a Clerk event: missing field "type")");
  CHECK(problem(R"({"type":"user.created"})") == R"(not a Clerk event: missing field "data")");
  CHECK(problem(R"({"type":"","data":{}})") == R"(not a Clerk event: field "type" is empty)");
  CHECK(problem(R"({"type":7,"data":{}})") ==
        R"(not a Clerk event: field "type" is an integer, expected a string)");
  CHECK(problem(R"({"type":"a","type":"b","data":{}})") ==
        R"(not a Clerk event: duplicate field "type")");
  CHECK(problem(R"({"type":"a","data":{},"timestamp":"soon"})") ==
        R"(not a Clerk event: field "timestamp" is a string, expected an integer)");
  // Only type and data are required; the others keep their defaults.
  auto e = clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature),
                                 R"({"type":"user.deleted","data":null})", s, at_1614265330,
                                 recording_hmac{&calls});
  REQUIRE_MESSAGE(e.has_value(), (e ? "" : e.error().message()));
  CHECK(e->type == "user.deleted");
  CHECK(e->object.empty());
  CHECK(e->event_attributes.http_request.client_ip.empty());
}

TEST_CASE("data is kept as sent, found by its name however it is spelt, and only once") {
  std::vector<recording_hmac::call> calls;
  const auto s = test_secret();
  auto verify = [&](std::string_view body) {
    return clerk::verify_webhook(svix("msg_1", "1614265330", recorded_signature), body, s,
                                 at_1614265330, recording_hmac{&calls});
  };
  // Spacing, number spellings, repeated names and braces inside strings stay.
  auto e = verify(R"({ "type" : "x" , "data" : { "n" : 1.0e2, "k": 1, "k": [ ] ,)"
                  R"( "s": "}\"{,\\" } , "after": {"data": 2}})");
  REQUIRE_MESSAGE(e.has_value(), (e ? "" : e.error().message()));
  CHECK(e->data.text() == R"({ "n" : 1.0e2, "k": 1, "k": [ ] , "s": "}\"{,\\" })");
  // A name spelt with escapes is the same name.
  auto escaped = verify(R"({"type":"x","d\u0061t\u0061":[1,2]})");
  REQUIRE_MESSAGE(escaped.has_value(), (escaped ? "" : escaped.error().message()));
  CHECK(escaped->data.text() == "[1,2]");
  auto scalar = verify(R"({"data":"text","type":"x"})");
  REQUIRE(scalar.has_value());
  CHECK(scalar->data.text() == R"("text")");
  // Twice, or not at all, is not an event.
  for (std::string_view body :
       {R"({"type":"x","data":{},"data":{}})", R"({"type":"x","data":1,"d\u0061ta":2})"}) {
    auto twice = verify(body);
    REQUIRE(twice.has_error());
    CHECK(twice.error().message() ==
          R"(invalid webhook: payload-invalid: not a Clerk event: duplicate field "data")");
  }
  auto nested_only = verify(R"({"type":"x","other":{"data":1}})");
  REQUIRE(nested_only.has_error());
  CHECK(nested_only.error().message() ==
        R"(invalid webhook: payload-invalid: not a Clerk event: missing field "data")");
}
