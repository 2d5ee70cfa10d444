// expect: last alternative must be clerk::raw_json
#include "verifications.hpp"

#include <variant>

namespace mistake_variant_last_not_raw_json {
struct m {
#ifdef CLERK_MISTAKE
  std::variant<mistakes::otp, mistakes::link> verification;  // a new kind would have nowhere to go
#else
  std::variant<mistakes::otp, mistakes::link, clerk::raw_json> verification;
#endif
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m", field("verification", &m::verification));
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_variant_last_not_raw_json
