// The fake Clerk served over HTTP (examples/fake_clerk_http.hpp, and the
// fake_clerk_server program): what reaches the fake, and the command line.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/fakes/fake_clerk.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include <chrono>
#include <string>

TEST_CASE("a method the fake does not serve is answered 405, never passed on as GET") {
  clerk::fakes::fake_clerk fake;
  clerk_test::fake_clerk_server server(fake);
  httplib::Client client(server.origin());
  auto head = client.Head("/v1/sign_in_tokens");
  REQUIRE(head);
  CHECK(head->status == 405);
  CHECK(head->get_header_value("Allow") == "GET, POST, PUT, PATCH, DELETE");
  auto options = client.Options("/v1/sign_in_tokens");
  REQUIRE(options);
  CHECK(options->status == 405);
  CHECK(fake.request_count() == 0);
}

TEST_CASE("fake_clerk_server refuses a --port beyond 65535, however many digits") {
  for (const char* port : {"65536", "18446744073709559696", "99999999999999999999999"}) {
    CAPTURE(port);
    auto r = clerk_test::run_process(CLERK_FAKE_SERVER_PATH, {"--port", port},
                                     {"PATH=/usr/bin:/bin"}, std::chrono::seconds(10));
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--port wants a number from 0 to 65535") != std::string::npos);
  }
}
