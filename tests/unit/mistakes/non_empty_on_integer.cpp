// expect: non_empty, may_be_empty and free_text apply to strings
#include <clerk/model.hpp>

#include <cstdint>

namespace mistake_non_empty_on_integer {
struct m {
  std::int64_t count = 0;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("m", field("count", &m::count, non_empty));
#else
    return model("m", field("count", &m::count, at_least(1)));
#endif
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_non_empty_on_integer
