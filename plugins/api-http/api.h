// Api: the calls of the JSON API (docs/api.md), from an HTTP request to a response. Errors are
// {"error": {"code": "<stable code>", "message": "..."}} with the matching HTTP status.
#pragma once

#include "http_server.h"

#include <bciin/p2p_service.h>
#include <bciin/sdk/chain_service.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace bciin::api {

struct ApiContext {
  sdk::ChainClient chain;
  const bciin_p2p_service* p2p = nullptr;            // may be null (no p2p plugin)
  std::function<nlohmann::json()> plugins;           // the loaded plugins
  std::string token;                                 // required for write and admin calls
};

// The body of an error response.
std::string ErrorBody(int status, const std::string& code, const std::string& message);

class Api {
 public:
  explicit Api(ApiContext context) : c_(std::move(context)) {}
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Route(const HttpRequest& r, const std::string& path, const std::string& query) const;
  bool Authorized(const HttpRequest& r) const;

  ApiContext c_;
};

}  // namespace bciin::api
