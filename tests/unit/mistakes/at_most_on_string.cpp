// expect: clerk::decl::at_most applies to std::int64_t, double and
#include <clerk/model.hpp>

#include <string>

namespace mistake_at_most_on_string {
struct m {
  std::string name;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("m", field("name", &m::name, at_most(64)));
#else
    return model("m", field("name", &m::name, non_empty));
#endif
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_at_most_on_string
