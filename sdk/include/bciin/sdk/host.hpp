// bciin::sdk::Host: the C++ face of the host table a plugin receives in create().
//
// Every call goes through the C ABI (bciin_host_api); this class only adds types: strings in and
// out, typed options, RAII subscriptions and std::function work items. It is cheap to copy.
#pragma once

#include <bciin/abi.h>
#include <bciin/sdk/status.hpp>

#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::sdk {
inline namespace v1 {

// Thrown by SDK helpers inside plugin code; the BCIIN_PLUGIN entry point turns it (and any other
// exception) into a bciin_error at the boundary, so it never reaches the host.
class Error : public std::runtime_error {
 public:
  explicit Error(Status status) : std::runtime_error(status.ToString()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// Throws Error when `status` is not ok. For plugin code that prefers exceptions.
inline void ThrowIfError(const Status& status) {
  if (!status.ok()) throw Error(status);
}

namespace detail {
inline void AppendToString(void* context, const uint8_t* data, size_t size) {
  static_cast<std::string*>(context)->append(reinterpret_cast<const char*>(data), size);
}
}  // namespace detail

// A subscription that ends when this object is destroyed (or reset()).
class Subscription {
 public:
  Subscription() = default;
  Subscription(const bciin_host_api* api, bciin_host* host, uint64_t id,
               std::unique_ptr<std::function<void(std::string_view, bciin_span)>> fn)
      : api_(api), host_(host), id_(id), fn_(std::move(fn)) {}
  Subscription(Subscription&& other) noexcept { *this = std::move(other); }
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      api_ = other.api_;
      host_ = other.host_;
      id_ = other.id_;
      fn_ = std::move(other.fn_);
      other.id_ = 0;
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }

  void reset() {
    if (id_ != 0) api_->unsubscribe(host_, id_);
    id_ = 0;
    fn_.reset();
  }
  bool active() const { return id_ != 0; }

 private:
  const bciin_host_api* api_ = nullptr;
  bciin_host* host_ = nullptr;
  uint64_t id_ = 0;
  std::unique_ptr<std::function<void(std::string_view, bciin_span)>> fn_;
};

class Host {
 public:
  Host(const bciin_host_api* api, bciin_host* host) : api_(api), host_(host) {}

  const bciin_host_api* api() const { return api_; }
  bciin_host* handle() const { return host_; }

  void Log(bciin_log_level level, std::string_view message) const {
    std::string line(message);
    api_->log(host_, level, line.c_str());
  }
  void Trace(std::string_view m) const { Log(BCIIN_LOG_TRACE, m); }
  void Debug(std::string_view m) const { Log(BCIIN_LOG_DEBUG, m); }
  void Info(std::string_view m) const { Log(BCIIN_LOG_INFO, m); }
  void Warn(std::string_view m) const { Log(BCIIN_LOG_WARN, m); }
  void Error(std::string_view m) const { Log(BCIIN_LOG_ERROR, m); }

  // All values of an option (declared defaults included); empty when unset without default.
  std::vector<std::string> OptionValues(const std::string& name) const {
    std::vector<std::string> values;
    uint32_t n = api_->option_count(host_, name.c_str());
    for (uint32_t i = 0; i < n; ++i) {
      std::string value;
      if (api_->option_get(host_, name.c_str(), i, bciin_sink{&value, &detail::AppendToString}) ==
          BCIIN_OK)
        values.push_back(std::move(value));
    }
    return values;
  }

  // The (last) value of an option, or nullopt when unset and without a default.
  std::optional<std::string> Option(const std::string& name) const {
    auto values = OptionValues(name);
    if (values.empty()) return std::nullopt;
    return values.back();
  }

  // Typed access. The host has already checked each value against the declared type, so a
  // parse failure here means the plugin asked for the wrong type: that is an Error.
  std::string GetString(const std::string& name, std::string fallback = {}) const {
    auto v = Option(name);
    return v ? *v : fallback;
  }
  int64_t GetInt(const std::string& name, int64_t fallback = 0) const {
    return Parse<int64_t>(name, fallback);
  }
  uint64_t GetUint(const std::string& name, uint64_t fallback = 0) const {
    return Parse<uint64_t>(name, fallback);
  }
  double GetDouble(const std::string& name, double fallback = 0) const {
    auto v = Option(name);
    if (!v) return fallback;
    try {
      return std::stod(*v);
    } catch (const std::exception&) {
      throw sdk::Error(Status::InvalidArgument("option '" + name + "' is not a number: " + *v));
    }
  }
  bool GetBool(const std::string& name, bool fallback = false) const {
    auto v = Option(name);
    if (!v) return fallback;
    if (*v == "true" || *v == "1" || *v == "yes" || *v == "on") return true;
    if (*v == "false" || *v == "0" || *v == "no" || *v == "off") return false;
    throw sdk::Error(Status::InvalidArgument("option '" + name + "' is not a boolean: " + *v));
  }

  // The service `id` with version >= min_version, or nullptr.
  const bciin_service_header* FindService(const std::string& id,
                                          const std::string& min_version = "0.0.0") const {
    return api_->find_service(host_, id.c_str(), min_version.c_str());
  }

  Status Publish(const std::string& topic, std::string_view payload) const {
    bciin_span span{reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    int32_t rc = api_->publish(host_, topic.c_str(), span);
    return rc == BCIIN_OK ? Status() : Status(static_cast<bciin_status_code>(rc), "publish " + topic);
  }

  // Subscribes `fn(topic, payload)`; the subscription ends with the returned object.
  Subscription Subscribe(const std::string& topic,
                         std::function<void(std::string_view, bciin_span)> fn) const {
    auto holder =
        std::make_unique<std::function<void(std::string_view, bciin_span)>>(std::move(fn));
    uint64_t id = api_->subscribe(
        host_, topic.c_str(),
        [](void* user, const char* t, bciin_span payload) {
          try {
            (*static_cast<std::function<void(std::string_view, bciin_span)>*>(user))(t, payload);
          } catch (...) {
            // An exception must not unwind into the host; the handler's owner logs its own.
          }
        },
        holder.get());
    if (id == 0) throw sdk::Error(Status::Internal("subscribe to " + topic + " failed"));
    return Subscription(api_, host_, id, std::move(holder));
  }

  // Runs `work` on a host worker thread. Exceptions thrown by `work` are logged and dropped.
  Status Post(std::function<void()> work) const {
    struct Item {
      std::function<void()> fn;
      const bciin_host_api* api;
      bciin_host* host;
    };
    auto* item = new Item{std::move(work), api_, host_};
    int32_t rc = api_->post(
        host_,
        [](void* user) {
          std::unique_ptr<Item> owned(static_cast<Item*>(user));
          try {
            owned->fn();
          } catch (const std::exception& e) {
            std::string m = std::string("posted work threw: ") + e.what();
            owned->api->log(owned->host, BCIIN_LOG_ERROR, m.c_str());
          } catch (...) {
            owned->api->log(owned->host, BCIIN_LOG_ERROR, "posted work threw a non-standard exception");
          }
        },
        item);
    if (rc != BCIIN_OK) {
      delete item;
      return Status(static_cast<bciin_status_code>(rc), "post: the host is shutting down");
    }
    return Status();
  }

  std::string DataDir() const { return api_->data_dir(host_); }

 private:
  template <typename T>
  T Parse(const std::string& name, T fallback) const {
    auto v = Option(name);
    if (!v) return fallback;
    T out{};
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || ptr != v->data() + v->size())
      throw sdk::Error(Status::InvalidArgument("option '" + name + "' is not an integer: " + *v));
    return out;
  }

  const bciin_host_api* api_;
  bciin_host* host_;
};

}  // namespace v1
}  // namespace bciin::sdk
