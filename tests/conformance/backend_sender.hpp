// What test_conformance_backend.cpp sends each generated operation through:
// a clerk::client over a transport to Prism that adds the Prefer header of
// the round (none: the document's examples; "dynamic=true, seed=N": an answer
// Prism makes up from the schema). Each part of backend_calls.hpp compiles
// in a unit of its own (test_conformance_backend_1.cpp, _2.cpp); only the
// template below is compiled there, the rest once in the main unit.
#ifndef CLERK_TESTS_CONFORMANCE_BACKEND_SENDER_HPP
#define CLERK_TESTS_CONFORMANCE_BACKEND_SENDER_HPP

#include <clerk/client.hpp>
#include <clerk/transport.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace clerk_test {

// The round being sent, and what Prism answered to its last request.
struct prism_round {
  std::string prefer{};  // the Prefer header's value, or empty
  int status = 0;
  std::string violations{}, body{};  // violations: Prism's sl-violations header
};

struct prism_transport {
  prism_round* round;
  clerk::transport_result operator()(const clerk::http_request& r) const;
};

using prism_client = clerk::client<prism_transport>;

// Sends every operation once with Prism's static answer, then `dynamic`
// times with its dynamic ones; record() (the main unit) judges each answer,
// given the error when the library did not give the response_type.
struct backend_sender {
  const prism_client& client;
  prism_round& round;
  int dynamic;

  static void record(std::string_view call, int seed, const prism_round& answer,
                     const clerk::error* refused);

  template <class Op>
  void operator()(std::string_view call, const Op& op) const {
    for (int seed = 0; seed <= dynamic; ++seed) {
      round.prefer = seed == 0 ? "" : "dynamic=true, seed=" + std::to_string(seed);
      auto answer = client.send(op);
      record(call, seed, round, answer ? nullptr : &answer.error());
    }
  }
};

// Each sends its part of backend_calls.hpp, and returns how many operations
// that part holds.
std::size_t send_backend_calls_1(const backend_sender& s);
std::size_t send_backend_calls_2(const backend_sender& s);

}  // namespace clerk_test

#endif
