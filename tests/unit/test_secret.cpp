#include <clerk/secret.hpp>

#include "support.hpp"

#include <string>
#include <type_traits>
#include <utility>

TEST_CASE("a secret prints redacted and reveals its value only when asked") {
  clerk::secret s("sk_test_abc");
  CHECK(s.reveal() == "sk_test_abc");
  CHECK_FALSE(s.empty());
  CHECK(clerk_test::printed(s) == "[redacted]");
  CHECK(clerk::secret().empty());
  CHECK(clerk::secret("").reveal().empty());
}

TEST_CASE("secrets compare equal exactly when their bytes are equal") {
  CHECK(clerk::secret("sk_test_abc") == clerk::secret("sk_test_abc"));
  CHECK_FALSE(clerk::secret("sk_test_abc") == clerk::secret("sk_test_abd"));
  CHECK_FALSE(clerk::secret("sk_test_abc") == clerk::secret("sk_test_ab"));
  CHECK_FALSE(clerk::secret("sk_test_ab") == clerk::secret("sk_test_abc"));
  CHECK_FALSE(clerk::secret("x") == clerk::secret());
  CHECK(clerk::secret() == clerk::secret(""));
  CHECK(clerk::secret(std::string("a\0b", 3)) == clerk::secret(std::string("a\0b", 3)));
  CHECK_FALSE(clerk::secret(std::string("a\0b", 3)) == clerk::secret(std::string("a\0c", 3)));
}

TEST_CASE("copies are independent, moves leave the source empty") {
  clerk::secret a("sk_live_0123456789abcdef");
  clerk::secret b = a;
  CHECK(b == a);
  CHECK(b.reveal().data() != a.reveal().data());
  clerk::secret c = std::move(a);
  CHECK(c.reveal() == "sk_live_0123456789abcdef");
  CHECK(a.empty());  // what a move leaves is specified
  a = c;
  CHECK(a == c);
  a = clerk::secret("other");
  CHECK(a.reveal() == "other");
  static_assert(std::is_nothrow_move_constructible_v<clerk::secret>);
  static_assert(std::is_nothrow_move_assignable_v<clerk::secret>);
}

TEST_CASE("a string moved into a secret is wiped, a string copied from is not touched") {
  std::string moved = "sk_live_0123456789abcdefghijkl";
  clerk::secret s(std::move(moved));
  CHECK(s.reveal() == "sk_live_0123456789abcdefghijkl");
  CHECK(moved.find_first_not_of('\0') == std::string::npos);
  const std::string kept = "sk_live_0123456789abcdefghijkl";
  clerk::secret t(kept);
  CHECK(kept == "sk_live_0123456789abcdefghijkl");
}
