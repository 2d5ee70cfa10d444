// What the JWT verifiers' unit tests share: a key adapter of their own (real
// RSA is the OpenSSL adapter's, tested in tests/integration) whose kid
// "ins_1" accepts exactly the signature "good-signature", and a JWT of any
// header and payload text.
#ifndef CLERK_TESTS_UNIT_JWT_TEST_KEYS_HPP
#define CLERK_TESTS_UNIT_JWT_TEST_KEYS_HPP

#include <clerk/session_tokens.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clerk_test {

inline constexpr std::string_view good_signature = "good-signature";

// Counts its calls, to show what is refused before any key is touched.
struct jwt_test_keys {
  std::vector<std::string> kids{"ins_1"};
  mutable int calls = 0;
  clerk::key_check verify(std::string_view kid, std::string_view alg, std::string_view input,
                          std::span<const unsigned char> sig) const {
    ++calls;
    CHECK(alg == "RS256");
    CHECK(std::count(input.begin(), input.end(), '.') == 1);
    if (std::find(kids.begin(), kids.end(), kid) == kids.end())
      return clerk::key_check::unknown_kid;
    std::string_view s(reinterpret_cast<const char*>(sig.data()), sig.size());
    return s == good_signature ? clerk::key_check::valid : clerk::key_check::bad_signature;
  }
  static clerk::result<jwt_test_keys> from_jwks(const clerk::jwks& set) {
    auto usable = clerk::rs256_keys(set);
    if (!usable)
      return std::move(usable).error();
    jwt_test_keys k;
    k.kids.clear();
    for (const auto& u : *usable)
      k.kids.push_back(u.kid);
    return k;
  }
};
static_assert(clerk::session_keys<jwt_test_keys>);

// The JWT of this header and payload text, as written, and signature bytes.
inline std::string signed_jwt(std::string_view header, std::string_view payload,
                              std::string_view signature = good_signature) {
  return b64url(header) + '.' + b64url(payload) + '.' + b64url(signature);
}

}  // namespace clerk_test

#endif
