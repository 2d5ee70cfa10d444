// expect: clerk::decl::printed_as_url applies to a clerk::secret
#include <clerk/model.hpp>

#include <string>

namespace mistake_printed_as_url_on_string {
struct m {
  std::string url;
  clerk::secret ticket_url;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return model("m", field("url", &m::url, printed_as_url));
#else
    return model("m", field("url", &m::url), field("ticket_url", &m::ticket_url, printed_as_url));
#endif
  }
};
inline const auto& info = clerk::detail::info_of<m>;
}  // namespace mistake_printed_as_url_on_string
