// expect: clerk::decl::json_array_body takes one field, a std::vector member
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <string>
#include <vector>

namespace mistake_json_array_body_not_array {
struct op {
  std::string name;
  std::vector<std::string> names;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::post, path("/things/bulk"),
                    json_array_body(field("name", &op::name)));
#else
    return endpoint(clerk::http_method::post, path("/things/bulk"),
                    json_array_body(field("names", &op::names)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_json_array_body_not_array
