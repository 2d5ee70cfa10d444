// expect: is above its at_most
#include <clerk/model.hpp>

#include <cstdint>

namespace mistake_at_most_below_at_least {
struct m {
  std::int64_t limit = 0;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("m", field("limit", &m::limit, at_least(500), at_most(1)));
#else
    return model("m", field("limit", &m::limit, at_least(1), at_most(500)));
#endif
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_at_most_below_at_least
