// expect: this member type has no JSON kind
#include <clerk/model.hpp>

namespace mistake_no_json_kind {
struct m {
#ifdef CLERK_MISTAKE
  float ratio = 0;  // a float: use double
#else
  double ratio = 0;
#endif
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m", field("ratio", &m::ratio));
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_no_json_kind
