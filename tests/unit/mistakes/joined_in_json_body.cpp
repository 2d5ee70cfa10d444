// expect: comma_separated and space_separated apply to a query or form, not a JSON body
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <string>
#include <vector>

namespace mistake_joined_in_json_body {
struct op {
  std::vector<std::string> scopes;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::post, path("/things"),
                    json_body(field("scopes", &op::scopes, comma_separated)));
#else
    return endpoint(clerk::http_method::post, path("/things"),
                    form_body(field("scopes", &op::scopes, comma_separated)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_joined_in_json_body
