// Part 1 of the generated Backend API's requests (backend_calls.hpp), sent
// to Prism by test_conformance_backend.cpp: a unit of its own, so that the
// two parts compile side by side.
#include "backend_calls.hpp"
#include "backend_sender.hpp"

std::size_t clerk_test::send_backend_calls_1(const backend_sender& s) {
  return backend_calls_1(s);
}
