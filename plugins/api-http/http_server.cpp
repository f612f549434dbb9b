#include "http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace bciin::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  std::function<std::string(int, const std::string&, const std::string&)> error_body;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::mutex streams_mu;
  std::set<std::shared_ptr<Session>> streams;
  uint16_t port = 0;
  bool started = false;

  void Accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server) : stream_(std::move(socket)), server_(server) {}

  void Run() { Read(); }

  // Queues one server-sent event (called from any thread).
  void Push(std::string chunk) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), chunk = std::move(chunk)]() mutable {
      if (self->queue_.size() >= 256) {  // a reader that does not keep up is dropped
        self->Close();
        return;
      }
      self->queue_.push_back(std::move(chunk));
      if (self->queue_.size() == 1) self->WriteQueued();
    });
  }

  // The path of the event stream this session serves ("" for a plain session).
  const std::string& stream_path() const { return stream_path_; }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      Close();
      return;
    }
    if (ec == http::error::body_limit) {
      Reply(413, server_->error_body(413, "body_too_large",
                                     "request body over " + std::to_string(server_->options.max_body_bytes) + " bytes"),
            false);
      return;
    }
    if (ec) {
      if (ec.category() == beast::error_code(http::error::bad_target).category())
        Reply(400, server_->error_body(400, "bad_request", "malformed HTTP request: " + ec.message()), false);
      else
        Close();
      return;
    }
    auto& req = parser_->get();
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.body = std::move(req.body());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    bool keep_alive = req.keep_alive();
    if (r.method == "GET" && r.target == server_->options.stream_path) {
      StartStream(r.target, ": bciin block stream\n\n");
      return;
    }
    if (HttpResponse first; r.method == "GET" && server_->options.stream_filter && server_->options.stream_filter(r, &first)) {
      if (first.status != 200) Reply(first.status, std::move(first.body), false);
      else StartStream(r.target.substr(0, r.target.find('?')), ": bciin event stream\n\n" + first.body);
      return;
    }
    HttpResponse resp;
    try {
      resp = server_->handler(r);
    } catch (const std::exception& e) {
      resp = {500, "application/json", server_->error_body(500, "internal", e.what())};
    }
    response_ = http::response<http::string_body>(static_cast<http::status>(resp.status), 11);
    response_.set(http::field::content_type, resp.content_type);
    response_.set(http::field::server, "bciin-api");
    response_.body() = std::move(resp.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
      if (ec || !keep_alive) {
        self->Close();
        return;
      }
      self->Read();
    });
  }

  void Reply(int status, std::string body, bool keep_alive) {
    response_ = http::response<http::string_body>(static_cast<http::status>(status), 11);
    response_.set(http::field::content_type, "application/json");
    response_.body() = std::move(body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) self->Close();
      else self->LingeringClose();
    });
  }

  // After an error reply to a request that was not read to its end (a body over the limit, a malformed
  // request): stop sending, then read and drop what the client still sends, for a short while, before
  // closing. Closing a socket with unread data makes the kernel reset the connection, and a client still
  // writing its body then loses the reply it has not read yet.
  void LingeringClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kLingerBytes) {
        self->Close();
        return;
      }
      self->Drain();
    });
  }

  void StartStream(std::string path, std::string first) {
    stream_path_ = std::move(path);
    {
      std::lock_guard lock(server_->streams_mu);
      if (server_->streams.size() >= server_->options.max_streams) {
        Reply(503, server_->error_body(503, "busy", "too many open event streams"), false);
        return;
      }
      server_->streams.insert(shared_from_this());
    }
    stream_.expires_never();
    queue_.push_back(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: keep-alive\r\n\r\n" + first);
    WriteQueued();
    // Detect the client closing: a read that completes (or fails) ends the stream.
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code) {
      self->EndStream();
    });
  }

  void EndStream() {
    Close();
    std::lock_guard lock(server_->streams_mu);
    server_->streams.erase(shared_from_this());
  }

  void WriteQueued() {
    asio::async_write(stream_.socket(), asio::buffer(queue_.front()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) {
                          self->EndStream();
                          return;
                        }
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) self->WriteQueued();
                      });
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  static constexpr std::chrono::seconds kLingerTime{2};
  static constexpr uint64_t kLingerBytes = 64 << 20;
  std::array<char, 16 * 1024> drain_;
  uint64_t drained_ = 0;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::deque<std::string> queue_;
  std::string stream_path_;  // set before the session joins the server's streams
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), this)->Run();
    if (acceptor.is_open()) Accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, Handler handler,
                       std::function<std::string(int, const std::string&, const std::string&)> error_body)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->error_body = std::move(error_body);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return Status::InvalidArgument("bad listen address " + impl_->options.address);
  tcp::endpoint ep(address, impl_->options.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::IoError("cannot listen on " + impl_->options.address + ":" + std::to_string(impl_->options.port) +
                           ": " + ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  for (unsigned i = 0; i < std::max(1u, impl_->options.threads); ++i)
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  impl_->started = true;
  return Status();
}

void HttpServer::Stop() {
  if (!impl_->started) return;
  impl_->started = false;
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  {
    std::lock_guard lock(impl_->streams_mu);
    for (auto& s : impl_->streams) s->Close();
    impl_->streams.clear();
  }
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Complete what was cancelled so that no handler keeps a session alive.
  impl_->io.restart();
  impl_->io.poll();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Broadcast(const std::string& event, const std::string& data) {
  BroadcastTo(impl_->options.stream_path, event, data);
}

bool HttpServer::HasBlockStreams() const {
  std::lock_guard lock(impl_->streams_mu);
  for (auto& s : impl_->streams)
    if (s->stream_path() == impl_->options.stream_path) return true;
  return false;
}

void HttpServer::BroadcastTo(const std::string& path, const std::string& event, const std::string& data) {
  std::string chunk = "event: " + event + "\ndata: " + data + "\n\n";
  std::lock_guard lock(impl_->streams_mu);
  for (auto& s : impl_->streams)
    if (s->stream_path() == path) s->Push(chunk);
}

}  // namespace bciin::api
