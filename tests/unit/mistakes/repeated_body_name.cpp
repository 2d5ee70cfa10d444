// expect: two fields of one object have the same wire name
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <optional>
#include <string>

namespace mistake_repeated_body_name {
struct op {
  std::string user_id;
  std::optional<std::string> org_id;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::post, path("/things"),
                    json_body(field("user_id", &op::user_id), field("user_id", &op::org_id)));
#else
    return endpoint(clerk::http_method::post, path("/things"),
                    json_body(field("user_id", &op::user_id), field("org_id", &op::org_id)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_repeated_body_name
