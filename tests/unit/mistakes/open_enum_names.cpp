// expect: `names` must hold one wire name for each enumerator
#include <clerk/model.hpp>

#include <string_view>

namespace mistake_open_enum_names {
class status : public clerk::open_enum<status> {
 public:
  enum class kind { unknown, pending, accepted, revoked };
#ifdef CLERK_MISTAKE
  static constexpr std::string_view names[] = {"pending", "accepted"};
#else
  static constexpr std::string_view names[] = {"pending", "accepted", "revoked"};
#endif
  using open_enum::open_enum;
};
struct m {
  status s;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m", field("status", &m::s));
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_open_enum_names
