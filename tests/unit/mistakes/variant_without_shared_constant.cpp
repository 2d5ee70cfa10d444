// expect: under one name, each with its own value
#include "verifications.hpp"

#include <string>
#include <variant>

namespace mistake_variant_without_shared_constant {
struct passkey {
  std::string status;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("passkey", constant("kind", "passkey"), field("status", &passkey::status));
#else
    return model("passkey", constant("object", "verification_passkey"),
                 field("status", &passkey::status));
#endif
  }
};
struct m {
  std::variant<mistakes::otp, passkey, clerk::raw_json> verification;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m", field("verification", &m::verification));
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_variant_without_shared_constant
