// Webhooks: verifying the events Clerk delivers (user.created,
// session.created, ...), networkless.
//
// Clerk sends its webhooks through Svix, signed as Standard Webhooks v1: an
// HMAC-SHA256, keyed with the endpoint's signing secret, over
// "<id>.<timestamp>.<body>". The core reads the headers, checks the
// timestamp against the clock the caller passes, asks an HMAC adapter (a type
// satisfying clerk::hmac_sha256) for the MAC, compares it in constant time
// with each v1 signature and reads the event. The adapter is the one place
// crypto lives (clerk::openssl_hmac in <clerk/crypto/openssl.hpp>, or the
// user's own). Nothing here reads a clock, opens a socket or links a crypto
// library, and none of the Backend API's headers is included.
//
//   auto secret = clerk::webhook_secret::make(signing_secret);  // "whsec_..."
//   auto e = clerk::verify_webhook(headers, body, *secret, std::chrono::system_clock::now(),
//                                  clerk::openssl_hmac{});
//   if (!e) return 400;  // "invalid webhook: no-matching-signature: ..."
//   if (e->type == "user.created") auto user = e->data_as<my_app::user>();
#ifndef CLERK_WEBHOOKS_HPP
#define CLERK_WEBHOOKS_HPP

#include <clerk/config.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/detail/model_info.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/timestamp.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// ---- the MAC: the one place crypto lives ----------------------------------

// An HMAC-SHA256 adapter: writes into `out` the MAC, under `key`, of the
// concatenation of `message`'s parts; returns false when it could not compute
// it (the verifier then refuses with hmac_failed).
template <class H>
concept hmac_sha256 = requires(const H& h, std::span<const unsigned char> key,
                               std::span<const std::string_view> message,
                               std::span<unsigned char, 32> out) {
  { h.mac(key, message, out) } -> std::same_as<bool>;
};

// ---- the signing secret ---------------------------------------------------

// An endpoint's signing secret, as Clerk's dashboard shows it ("whsec_..."):
// a clerk::secret (printed [redacted], compared in constant time, wiped)
// whose reveal() is the text it was made from, holding the HMAC key it
// decodes to, wiped as well.
class webhook_secret : public secret {
 public:
  // The shortest key accepted: Svix's are 24 bytes, the Standard Webhooks
  // specification asks for 24 to 64; under 16 is not a signing secret.
  static constexpr std::size_t min_key_bytes = 16;

  // "whsec_" (optional) then the standard base64 of the key, padded, as
  // Svix's libraries read it. An error of kind invalid_webhook
  // (secret_invalid) for anything else, or a key under min_key_bytes; the
  // secret is not repeated in it.
  static result<webhook_secret> make(std::string_view signing_secret);

  // The HMAC key: the secret's base64, decoded.
  std::span<const unsigned char> key() const noexcept {
    auto k = key_.reveal();
    return {reinterpret_cast<const unsigned char*>(k.data()), k.size()};
  }

 private:
  webhook_secret(std::string_view text, std::string&& key) : secret(text), key_(std::move(key)) {}
  secret key_;
};

// ---- the event ------------------------------------------------------------

// Where the request that caused the event came from, as Clerk saw it (empty
// when Clerk itself caused it).
struct webhook_http_request {
  std::string client_ip;
  std::string user_agent;

  friend bool operator==(const webhook_http_request&, const webhook_http_request&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using r = webhook_http_request;
    return model("http_request", field("client_ip", &r::client_ip, absent_in_response),
                 field("user_agent", &r::user_agent, absent_in_response));
  }
};

struct webhook_event_attributes {
  webhook_http_request http_request;

  friend bool operator==(const webhook_event_attributes&,
                         const webhook_event_attributes&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using a = webhook_event_attributes;
    return model("event_attributes", field("http_request", &a::http_request, absent_in_response));
  }
};

// A verified Clerk event. Members Clerk leaves out keep their defaults; only
// type and data are required.
struct webhook_event {
  // The delivery's message id (svix-id): the same on every retry of one
  // message, so the key to deduplicate deliveries. Not part of the body.
  std::string id;
  std::string type;                // "user.created", "session.created", ...
  std::string object;              // "event"
  ::clerk::timestamp timestamp{};  // when Clerk made the event (Unix milliseconds)
  std::string instance_id;         // "ins_..."
  webhook_event_attributes event_attributes;
  raw_json data;  // the event's object (a user, a session, ...): its JSON text as sent

  // `data` read into a declared model (the Backend API's clerk::backend::user,
  // or one of yours), by the one engine. An invalid_webhook error
  // (payload_invalid) naming the member at fault when it is not one.
  template <detail::declared_model M>
  result<M> data_as(const response_limits& limits = {}) const;

  friend bool operator==(const webhook_event&, const webhook_event&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using e = webhook_event;
    // The id is not in the body: the verifier hands it over as a header of
    // this name.
    return model("webhook_event", from_header("id", &e::id), field("type", &e::type, non_empty),
                 field("object", &e::object, absent_in_response),
                 field("timestamp", &e::timestamp, absent_in_response),
                 field("instance_id", &e::instance_id, absent_in_response),
                 field("event_attributes", &e::event_attributes, absent_in_response),
                 field("data", &e::data));
  }
  // One line for a log, token-shaped strings redacted.
  friend std::ostream& operator<<(std::ostream& os, const webhook_event& e) { return print(os, e); }
};

// ---- verification ---------------------------------------------------------

struct webhook_options {
  // How far the timestamp may be from now, either way (Svix's default).
  // Negative is an invalid_request.
  std::chrono::seconds tolerance{std::chrono::minutes(5)};
  // max_body_bytes caps the body before the MAC is computed; the others
  // bound the reading of the event, as they bound an answer's.
  response_limits limits{};
};

namespace detail {
// An HMAC adapter, type-erased: the verifier is compiled once for all of them.
struct hmac_ref {
  const void* self;
  bool (*mac)(const void* self, std::span<const unsigned char> key,
              std::span<const std::string_view> message, std::span<unsigned char, 32> out);
};
template <hmac_sha256 H>
hmac_ref make_hmac_ref(const H& h) {
  return {&h, [](const void* self, std::span<const unsigned char> key,
                 std::span<const std::string_view> message, std::span<unsigned char, 32> out) {
            return static_cast<const H*>(self)->mac(key, message, out);
          }};
}
CLERK_BACKEND_DECL result<webhook_event> verify_webhook(const header_list& headers,
                                                        std::string_view body,
                                                        const webhook_secret& secret,
                                                        std::chrono::system_clock::time_point now,
                                                        const hmac_ref& hmac,
                                                        const webhook_options& options);
CLERK_BACKEND_DECL result<std::string> sign_webhook(std::string_view id,
                                                    std::chrono::sys_seconds timestamp,
                                                    std::string_view body,
                                                    const webhook_secret& secret,
                                                    const hmac_ref& hmac);
// `text` as the model described by `info`: the first problem, or nullopt.
CLERK_BACKEND_DECL std::optional<error> read_data(const model_info& info, void* obj,
                                                  std::string_view text,
                                                  const response_limits& limits);
}  // namespace detail

// The event of a delivery when its signature is genuine and current; else an
// invalid_webhook error whose reason says why (or, for a negative tolerance,
// an invalid_request). The rules, in order: the body within
// limits.max_body_bytes; the svix-id, svix-timestamp and svix-signature
// headers, or else the webhook-* ones, all present and not empty (surrounding
// spaces are not part of a value); the timestamp a decimal count of seconds
// without sign or leading zero, at most `tolerance` from `now` either way;
// one "v1,<base64>" entry of the space-separated signature list equal, in
// constant time, to the HMAC-SHA256 of "<id>.<timestamp>.<body>" under the
// secret's key (other versions are skipped; any match passes, as while a
// secret is rotated); then the body a JSON object with a non-empty string
// "type" and a "data". Pure: `now` is the caller's.
template <hmac_sha256 H>
result<webhook_event> verify_webhook(const header_list& headers, std::string_view body,
                                     const webhook_secret& secret,
                                     std::chrono::system_clock::time_point now, const H& hmac,
                                     const webhook_options& options = {}) {
  return detail::verify_webhook(headers, body, secret, now, detail::make_hmac_ref(hmac), options);
}

// The signature header's value Svix would send for this message,
// "v1,<base64 of the HMAC-SHA256 of id.timestamp.body>": for tests and fakes
// of a sender (the fake Clerk signs with it). An invalid_webhook error
// (hmac_failed) when the adapter fails.
template <hmac_sha256 H>
result<std::string> sign_webhook(std::string_view id, std::chrono::sys_seconds timestamp,
                                 std::string_view body, const webhook_secret& secret,
                                 const H& hmac) {
  return detail::sign_webhook(id, timestamp, body, secret, detail::make_hmac_ref(hmac));
}

template <detail::declared_model M>
result<M> webhook_event::data_as(const response_limits& limits) const {
  M m{};
  if (auto e = detail::read_data(*detail::info_ptr<M>(), &m, data.text(), limits))
    return std::move(*e);
  return m;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/webhooks.ipp>
#endif

#endif
