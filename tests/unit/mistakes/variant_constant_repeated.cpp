// expect: under one name, each with its own value
#include "verifications.hpp"

#include <variant>

namespace mistake_variant_constant_repeated {
#ifdef CLERK_MISTAKE
using verification =
    std::variant<mistakes::otp, mistakes::otp, clerk::raw_json>;  // one value twice
#else
using verification = std::variant<mistakes::otp, mistakes::link, clerk::raw_json>;
#endif
struct m {
  verification current;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m", field("verification", &m::current));
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_variant_constant_repeated
