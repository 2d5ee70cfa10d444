// basic_result's accessors check their precondition with BOOST_ASSERT. Run by
// CTest with one argument, the accessor to misuse; compiled with NDEBUG
// undefined, so the assertion is on in every build type. An assertion ends in
// abort(), which the handler below turns into success; getting past the
// misuse (or crashing on it) fails.
#include <clerk/transport.hpp>

#include <csignal>
#include <cstdlib>
#include <string_view>

#include <unistd.h>

extern "C" void assertion_fired(int) {
  _exit(0);
}

int main(int argc, char** argv) {
  std::signal(SIGABRT, assertion_fired);
  std::string_view which = argc > 1 ? argv[1] : "";
  clerk::transport_result ok = clerk::http_response{200, {}, "body"};
  clerk::transport_result bad =
      clerk::transport_error{std::make_error_code(std::errc::timed_out), "timed out", false};
  volatile int sink = 0;
  if (which == "error")
    sink = ok.error().code.value();
  else if (which == "deref")
    sink = (*bad).status;
  else if (which == "arrow")
    sink = static_cast<int>(bad->body.size());
  else
    return 2;
  return sink == -1 ? 3 : 1;
}
