// Serves a clerk::fakes::fake_clerk over real HTTP with cpp-httplib: the
// glue the fake Clerk server and the integration tests share.
#ifndef CLERK_EXAMPLES_FAKE_CLERK_HTTP_HPP
#define CLERK_EXAMPLES_FAKE_CLERK_HTTP_HPP

#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/http.hpp>

#include <httplib.h>

#include <string>

namespace clerk_examples {

// Every request the server receives with one of clerk::http_method's
// methods, whatever its path, goes to the fake with its raw target (the fake
// decodes the token id itself); any other method (HEAD, OPTIONS, ...) is
// answered 405 here instead of reaching the fake as something else.
// Routes, not a pre-routing handler: cpp-httplib reads the body only for them.
inline void serve_fake_clerk(httplib::Server& server, clerk::fakes::fake_clerk fake) {
  auto handler = [fake](const httplib::Request& req, httplib::Response& res) {
    clerk::http_request r;
    r.method = *clerk::http::parse_method(req.method);  // (refused before routing if not)
    r.url = req.target.empty() ? req.path : req.target;
    for (const auto& [name, value] : req.headers)
      r.headers.add(name, value);
    r.body = req.body;
    auto answer = fake(r);
    if (!answer) {  // only in drop mode, which a socket cannot act out here
      res.status = 503;
      res.set_header("Connection", "close");
      return;
    }
    res.status = answer->status;
    std::string content_type;
    for (const auto& h : answer->headers) {
      if (clerk::detail::iequals(h.name, "content-type"))
        content_type = h.value;
      else
        res.set_header(h.name.c_str(), h.value);
    }
    res.set_content(answer->body, content_type.c_str());
  };
  const std::string any = R"([\s\S]*)";  // the decoded path may hold any byte
  server.Get(any, handler);
  server.Post(any, handler);
  server.Put(any, handler);
  server.Patch(any, handler);
  server.Delete(any, handler);
  // Before routing, since cpp-httplib would answer HEAD with the GET route.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (clerk::http::parse_method(req.method))
      return httplib::Server::HandlerResponse::Unhandled;
    res.status = 405;
    res.set_header("Allow", "GET, POST, PUT, PATCH, DELETE");
    return httplib::Server::HandlerResponse::Handled;
  });
}

}  // namespace clerk_examples

#endif
