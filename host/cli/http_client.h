// A blocking HTTP/1.1 client for bciin-cli: one request per connection, JSON in and out.
#pragma once

#include <bciin/sdk/status.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace bciin::cli {

struct HttpResult {
  int status = 0;
  nlohmann::json body;  // discarded value when the body is not JSON
};

class HttpClient {
 public:
  // `url`: "http://host:port" (no path).
  HttpClient(std::string url, std::string token) : url_(std::move(url)), token_(std::move(token)) {}
  // IoError when the node cannot be reached; any HTTP status is a result.
  Status Request(const std::string& method, const std::string& target, const std::string& body, HttpResult* out) const;
  // GET or POST that must return 2xx; otherwise the API's error message becomes the Status.
  Status Get(const std::string& target, nlohmann::json* out) const;
  Status Post(const std::string& target, const nlohmann::json& body, nlohmann::json* out) const;
  // True once a request could not reach the node at all (connection refused, timeout).
  bool unreachable() const { return unreachable_; }

 private:
  std::string url_;
  std::string token_;
  mutable bool unreachable_ = false;
};

}  // namespace bciin::cli
