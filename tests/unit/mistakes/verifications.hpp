// Two kinds of verification the variant mistakes here switch between, told
// apart by "object" as Clerk's are.
#ifndef CLERK_TESTS_MISTAKES_VERIFICATIONS_HPP
#define CLERK_TESTS_MISTAKES_VERIFICATIONS_HPP

#include <clerk/model.hpp>

#include <string>

namespace mistakes {
struct otp {
  std::string status;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("otp", constant("object", "verification_otp"), field("status", &otp::status));
  }
};
struct link {
  std::string status;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("link", constant("object", "verification_link"), field("status", &link::status));
  }
};
}  // namespace mistakes

#endif
