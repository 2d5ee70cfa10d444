// expect: must be declared models, at least one
#include "verifications.hpp"

#include <string>
#include <variant>

namespace mistake_variant_of_non_model {
struct m {
#ifdef CLERK_MISTAKE
  std::variant<mistakes::otp, std::string, clerk::raw_json> verification;  // a oneOf of kinds
#else
  std::variant<mistakes::otp, clerk::raw_json> verification;
#endif
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m", field("verification", &m::verification));
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_variant_of_non_model
