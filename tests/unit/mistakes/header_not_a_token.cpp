// expect: clerk::decl::headers takes scalar fields named by HTTP tokens
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <optional>
#include <string>

namespace mistake_header_not_a_token {
struct op {
  std::optional<std::string> origin;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::get, path("/things"),
                    headers(field("Origin:", &op::origin)));
#else
    return endpoint(clerk::http_method::get, path("/things"),
                    headers(field("Origin", &op::origin)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_header_not_a_token
