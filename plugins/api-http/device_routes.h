// The device calls of the JSON API (/v1/devices..., docs/api.md "Devices"): a thin layer over the
// node's device manager, reached through the host service bciin.devices/1. Every call maps the
// manager's Status to an HTTP status and a stable JSON code (device_not_found, device_busy,
// program_rejected with the G-code line and reason, ...).
//
// Events: the plugin hands every bus event "device.NAME.KIND" to OnEvent, which feeds the
// console calls waiting for a reply and names the stream (/v1/devices/NAME/events) it goes to.
#pragma once

#include "http_server.h"

#include <bciin/devices_service.h>
#include <bciin/sdk/status.hpp>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::api {

class DeviceRoutes {
 public:
  explicit DeviceRoutes(const bciin_devices_service* service) : service_(service) {}

  // Answers a call under /v1/devices; `p` is the split path ("v1", "devices", NAME, ...).
  // `authorized`: the request carries the API token, which every POST needs.
  HttpResponse Handle(const HttpRequest& r, const std::vector<std::string>& p, const std::string& query,
                      bool authorized);

  // HttpServerOptions::stream_filter for GET /v1/devices/NAME/events: the stream starts with the
  // device's current state and job progress; an unknown device is refused with 404.
  bool OpenStream(const HttpRequest& r, HttpResponse* first);

  // A bus event: for "device.NAME.KIND" sets the stream path and the event name ("state",
  // "progress", "console", "telemetry", "driver") and returns true.
  bool OnEvent(std::string_view topic, const std::string& payload, std::string* path, std::string* event);

 private:
  struct Waiter {
    std::string device;
    std::vector<std::string> lines;
  };

  Status Call(const char* op, const nlohmann::json& request, nlohmann::json* reply) const;
  HttpResponse Console(const std::string& name, const nlohmann::json& body, const std::string& query);

  const bciin_devices_service* service_;
  std::mutex mu_;  // guards waiters_ and their lines
  std::condition_variable arrived_;
  std::list<Waiter*> waiters_;  // console calls collecting the device's replies
};

}  // namespace bciin::api
