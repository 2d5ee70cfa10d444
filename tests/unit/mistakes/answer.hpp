// The answer every mistaken operation here declares: a model no mistake is
// about.
#ifndef CLERK_TESTS_MISTAKES_ANSWER_HPP
#define CLERK_TESTS_MISTAKES_ANSWER_HPP

#include <clerk/model.hpp>

#include <string>

namespace mistakes {
struct answer {
  std::string id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("answer", field("id", &answer::id));
  }
};
}  // namespace mistakes

#endif
