// expect: clerk::decl::present_or_null applies to a std::optional member
#include <clerk/model.hpp>

#include <optional>
#include <string>

namespace mistake_present_or_null_required {
struct m {
  std::string id;
  std::optional<std::string> name;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("m", field("id", &m::id, present_or_null));
#else
    return model("m", field("id", &m::id), field("name", &m::name, present_or_null));
#endif
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_present_or_null_required
