// Authorization on a verified session: may this user do that? Clerk's has(),
// with the semantics of @clerk/shared's createCheckAuthorization (what
// @clerk/backend's auth object calls), over the claims the session verifier
// returns. No crypto, no clock, no I/O: a pure function of the claims.
//
//   if (!clerk::has(claims, {.permission = "org:invoices:create"}))
//     return reply(403, "forbidden");
//   if (!clerk::has(claims, {.reverification = clerk::reverification_policy::strict}))
//     return reply(clerk::reverification_error_status,
//                  clerk::reverification_error_body(clerk::reverification_policy::strict));
#ifndef CLERK_AUTHORIZATION_HPP
#define CLERK_AUTHORIZATION_HPP

#include <clerk/detail/decl.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Which factors a reverification needs (Clerk's SessionVerificationLevel).
enum class reverification_level { first_factor, second_factor, multi_factor };

// How recently the user must have verified, and with which factors.
class reverification_policy {
 public:
  // A custom policy: `level` within `after`. An `after` of zero or less is
  // never met (has() fails), as @clerk/shared refuses such a config.
  constexpr reverification_policy(reverification_level level, std::chrono::minutes after) noexcept
      : level_(level), after_(after) {}

  // @clerk/shared's presets: multi_factor within 10 minutes; second_factor
  // within 10, 60 and 1,440 minutes.
  static const reverification_policy strict_mfa, strict, moderate, lax;

  constexpr reverification_level level() const noexcept { return level_; }
  constexpr std::chrono::minutes after() const noexcept { return after_; }
  // "strict_mfa", "strict", "moderate" or "lax" for a preset; "" for a custom policy.
  constexpr std::string_view preset() const noexcept { return preset_; }

  friend constexpr bool operator==(const reverification_policy&,
                                   const reverification_policy&) = default;

 private:
  constexpr reverification_policy(reverification_level level, std::chrono::minutes after,
                                  std::string_view preset) noexcept
      : level_(level), after_(after), preset_(preset) {}
  reverification_level level_;
  std::chrono::minutes after_;
  std::string_view preset_{};
};

inline constexpr reverification_policy reverification_policy::strict_mfa{
    reverification_level::multi_factor, std::chrono::minutes(10), "strict_mfa"};
inline constexpr reverification_policy reverification_policy::strict{
    reverification_level::second_factor, std::chrono::minutes(10), "strict"};
inline constexpr reverification_policy reverification_policy::moderate{
    reverification_level::second_factor, std::chrono::minutes(60), "moderate"};
inline constexpr reverification_policy reverification_policy::lax{
    reverification_level::second_factor, std::chrono::minutes(1440), "lax"};

// What to check; every member set must pass, and at least one must be set.
struct authorization_check {
  // The active organization's role: "admin" or "org:admin" (one "org:" is
  // implied, as many as given are one).
  std::optional<std::string> role{};
  // One of the organization's permissions: "org:invoices:create".
  std::optional<std::string> permission{};
  // A feature of fea: "dashboard" (the organization's or the user's),
  // "o:dashboard" or "org:dashboard" or "organization:dashboard" (the
  // organization's), "u:export" or "user:export" (the user's).
  std::optional<std::string> feature{};
  // A plan of pla, scoped as a feature is: "pro", "o:team", "u:free".
  std::optional<std::string> plan{};
  // The factors verified recently enough, by fva.
  std::optional<reverification_policy> reverification{};
};

// True when the session's claims grant everything `check` asks, exactly as
// @clerk/shared 4.41's createCheckAuthorization decides over the options
// @clerk/backend gives it. False (fail closed) when nothing is asked, when
// user_id is empty, and for any dimension whose claims are missing or
// malformed: role and permission need an active organization (its role
// non-empty); feature and plan a non-empty fea or pla whose every element
// is "scope:name" (a scope of the request other than o, org,
// organization, u, user fails); reverification an fva of two ages, each -1
// or above, not both -1.
CLERK_BACKEND_DECL bool has(const session_claims& claims, const authorization_check& check);

// The status of the answer that asks for a reverification: 403 Forbidden.
inline constexpr int reverification_error_status = 403;

// The body of that answer (Content-Type: application/json), which Clerk's
// frontend SDKs (useReverification) read to open the reverification flow:
//   {"clerk_error":{"type":"forbidden","reason":"reverification-error",
//    "metadata":{"reverification":"strict"}}}
// A preset is named; a custom policy is {"level":"first_factor","afterMinutes":30}.
// This is @clerk/shared's reverificationError shape. Clerk's Go middleware
// sends the same envelope but its policy as {"AfterMinutes":10,"Level":...},
// which @clerk/shared's validateReverificationConfig does not read (the
// frontend then loses the level): this one it does.
CLERK_BACKEND_DECL std::string reverification_error_body(const reverification_policy& policy);

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/authorization.ipp>
#endif

#endif
