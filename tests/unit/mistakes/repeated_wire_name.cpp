// expect: two fields of one object have the same wire name
#include <clerk/model.hpp>

#include <optional>
#include <string>

namespace mistake_repeated_wire_name {
struct m {
  std::string id;
  std::optional<std::string> other;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("m", field("id", &m::id), field("id", &m::other));
#else
    return model("m", field("id", &m::id), field("other_id", &m::other));
#endif
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_repeated_wire_name
