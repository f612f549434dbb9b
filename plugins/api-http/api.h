// Api: the calls of the JSON API (docs/api.md), from an HTTP request to a response. Errors are
// {"error": {"code": "<stable code>", "message": "..."}} with the matching HTTP status.
#pragma once

#include "http_server.h"

#include <bciin/p2p_service.h>
#include <bciin/sdk/chain_service.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bciin::api {

class DeviceRoutes;

struct ApiContext {
  sdk::ChainClient chain;
  const bciin_p2p_service* p2p = nullptr;            // may be null (no p2p plugin)
  std::function<nlohmann::json()> plugins;           // the loaded plugins
  std::string token;                                 // required for write and admin calls
  std::shared_ptr<DeviceRoutes> devices;             // /v1/devices; null without bciin.devices/1
};

// The body of an error response.
std::string ErrorBody(int status, const std::string& code, const std::string& message);
// The non-empty segments of a path ("/v1/blocks/head" -> v1, blocks, head).
std::vector<std::string> Split(const std::string& path);
// The value of `name` in a query string ("true" for a bare name; "" when absent).
std::string QueryParam(const std::string& query, const std::string& name);

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
