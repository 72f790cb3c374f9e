// Router: which handler answers which URL, and the headers every response
// gets. The route table is at the top of router.cc; handlers live in files by
// area (api_handlers.cc, dockerflow_handlers.cc, static_files.cc).
#pragma once

#include "http/request.h"
#include "http/service_context.h"

namespace buildhub::http {

class Router final : public RequestHandler {
 public:
  explicit Router(ServiceContext context);

  // Routes the request, then adds the cross-cutting headers: CORS on /api/*
  // (and the v1 search path), security headers and X-Response-Time on
  // everything, the Content-Security-Policy outside /api; and writes one
  // "request.summary" log line.
  void Handle(const Request& request, Response* response) override;

  const ServiceContext& context() const { return context_; }

 private:
  Response Dispatch(const Request& request) const;

  const ServiceContext context_;
  std::string csp_;
};

}  // namespace buildhub::http
