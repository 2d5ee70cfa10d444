// The SignInToken model, declared once: the engine parses, writes and prints it.
#ifndef CLERK_SIGN_IN_TOKEN_HPP
#define CLERK_SIGN_IN_TOKEN_HPP

#include <clerk/model.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// pending, accepted, revoked; a status this version does not know is kept as
// its text with value() == unknown.
class sign_in_token_status : public open_enum<sign_in_token_status> {
 public:
  enum class kind { unknown, pending, accepted, revoked };
  static constexpr kind unknown = kind::unknown, pending = kind::pending, accepted = kind::accepted,
                        revoked = kind::revoked;
  static constexpr std::string_view names[] = {"pending", "accepted", "revoked"};
  using open_enum::open_enum;
};

struct sign_in_token {
  std::string id;  // "sit_..."
  sign_in_token_status status;
  std::string user_id;
  std::optional<secret> token;  // the JWT; absent after revoke
  std::optional<secret> url;    // the sign-in URL carrying the ticket; absent or null
  timestamp created_at{};
  timestamp updated_at{};

  static constexpr auto describe() {
    using namespace decl;
    using t = sign_in_token;
    return model("sign_in_token", constant("object", "sign_in_token"),
                 field("id", &t::id, non_empty), field("status", &t::status),
                 field("user_id", &t::user_id), field("token", &t::token),
                 field("url", &t::url, printed_as_url), field("created_at", &t::created_at),
                 field("updated_at", &t::updated_at));
  }

  friend bool operator==(const sign_in_token&, const sign_in_token&) = default;
  // One line; the token and the ticket in the URL are redacted.
  friend std::ostream& operator<<(std::ostream& os, const sign_in_token& t) { return print(os, t); }
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
