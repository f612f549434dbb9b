#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bciin::cli {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

Status HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                           HttpResult* out) const {
  std::string rest = url_;
  if (rest.rfind("http://", 0) == 0) rest = rest.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "bciin-cli");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    out->status = static_cast<int>(parser.get().result_int());
    out->body = nlohmann::json::parse(parser.get().body(), nullptr, false);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    unreachable_ = true;
    return Status::IoError("cannot reach the node at " + url_ + ": " + e.what());
  }
  return Status();
}

namespace {
Status Check(const HttpResult& r, nlohmann::json* out) {
  if (r.status >= 200 && r.status < 300) {
    *out = r.body;
    return Status();
  }
  std::string message = "HTTP " + std::to_string(r.status);
  if (r.body.is_object() && r.body.contains("error")) {
    const auto& e = r.body["error"];
    message = e.value("code", "error") + ": " + e.value("message", "");
  }
  bciin_status_code code = r.status == 404 ? BCIIN_ERR_NOT_FOUND
                           : r.status == 422 ? BCIIN_ERR_REJECTED
                           : r.status == 401 ? BCIIN_ERR_REJECTED
                                             : BCIIN_ERR_INVALID_ARGUMENT;
  return Status(code, message);
}
}  // namespace

Status HttpClient::Get(const std::string& target, nlohmann::json* out) const {
  HttpResult r;
  if (Status s = Request("GET", target, "", &r); !s.ok()) return s;
  return Check(r, out);
}

Status HttpClient::Post(const std::string& target, const nlohmann::json& body, nlohmann::json* out) const {
  HttpResult r;
  if (Status s = Request("POST", target, body.dump(), &r); !s.ok()) return s;
  return Check(r, out);
}

}  // namespace bciin::cli
