// HttpServer: a small HTTP/1.1 server on Boost.Beast for the JSON API.
//
// Keep-alive connections, a body limit (larger bodies get 413 before they are read), and
// server-sent event streams: a GET on a stream path keeps the connection open and receives every
// event broadcast to that path (Broadcast: the block stream at `stream_path`; BroadcastTo: a path
// that `stream_filter` accepted, e.g. /v1/devices/NAME/events). Handlers run on the server's
// threads and must be thread-safe.
#pragma once

#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bciin::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  unsigned threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_streams = 64;
  std::string stream_path = "/v1/events/blocks";
  // Decides whether another GET opens a stream: false for a plain call; true to open one, with
  // `first->body` the events sent at once, or a non-200 `first->status` to refuse with `*first`.
  std::function<bool(const HttpRequest&, HttpResponse* first)> stream_filter;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // `error_body(status, code, message)` makes the JSON of an error the server raises itself.
  HttpServer(HttpServerOptions options, Handler handler,
             std::function<std::string(int, const std::string&, const std::string&)> error_body);
  ~HttpServer();

  Status Start();
  void Stop();
  uint16_t port() const;
  // Sends `data` as one event to every open stream of `stream_path`.
  void Broadcast(const std::string& event, const std::string& data);
  // Whether any stream of `stream_path` is open now, so that a caller can skip building an event
  // nobody would receive (a race with a stream opening just after is harmless: it starts with the
  // next event).
  bool HasBlockStreams() const;
  // Sends `data` as one event to every open stream of `path` (the request path, no query).
  void BroadcastTo(const std::string& path, const std::string& event, const std::string& data);

  struct Impl;  // the server's state (public for its sessions in http_server.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace bciin::api
