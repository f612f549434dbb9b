// DeviceRoutes over a scripted bciin.devices/1 table: every failure of the device service maps to
// its HTTP status and stable code, a refused program names its line, and a node without the
// service answers 404 devices_unavailable.
#include "device_routes.h"

#include "api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>

namespace bciin::api {
namespace {

using nlohmann::json;

// A device service that answers every call with the scripted code, message and reply, and
// remembers the last operation and request.
struct ScriptedService {
  int32_t code = BCIIN_OK;
  std::string message;
  std::string reply = "{}";
  std::string last_op;
  json last_request;
  std::atomic<int> calls{0};
  bciin_devices_service table{};

  ScriptedService() {
    table.header = {sizeof(table), BCIIN_DEVICES_SERVICE_ID, BCIIN_DEVICES_SERVICE_VERSION, this};
    table.call = [](void* self, const char* op, bciin_span request, bciin_sink out, bciin_error* error) -> int32_t {
      auto* s = static_cast<ScriptedService*>(self);
      s->last_op = op;
      s->last_request = json::parse(request.data, request.data + request.size);
      ++s->calls;
      if (s->code != BCIIN_OK) {
        error->code = s->code;
        std::snprintf(error->message, sizeof error->message, "%s", s->message.c_str());
        return s->code;
      }
      out.write(out.context, reinterpret_cast<const uint8_t*>(s->reply.data()), s->reply.size());
      return BCIIN_OK;
    };
  }
};

HttpResponse Call(DeviceRoutes& routes, const std::string& method, const std::string& target,
                  const std::string& body = "", bool authorized = true) {
  HttpRequest r{method, target, body, {}};
  std::string path = target.substr(0, target.find('?'));
  std::string query = path.size() < target.size() ? target.substr(path.size() + 1) : "";
  return routes.Handle(r, Split(path), query, authorized);
}

json Error(const HttpResponse& r) { return json::parse(r.body)["error"]; }

TEST(DeviceRoutesTest, ServiceFailuresMapToStableCodes) {
  ScriptedService service;
  DeviceRoutes routes(&service.table);
  const struct {
    int32_t code;
    int status;
    const char* api_code;
  } cases[] = {{BCIIN_ERR_NOT_FOUND, 404, "device_not_found"}, {BCIIN_ERR_BUSY, 409, "device_busy"},
               {BCIIN_ERR_REJECTED, 409, "invalid_state"},     {BCIIN_ERR_UNSUPPORTED, 501, "unsupported"},
               {BCIIN_ERR_IO, 502, "device_io"},               {BCIIN_ERR_TIMEOUT, 504, "device_timeout"},
               {BCIIN_ERR_INTERNAL, 500, "device_error"},      {BCIIN_ERR_INVALID_ARGUMENT, 400, "invalid_argument"}};
  for (const auto& c : cases) {
    service.code = c.code;
    service.message = "scripted failure";
    HttpResponse r = Call(routes, "POST", "/v1/devices/p1/pause");
    EXPECT_EQ(r.status, c.status) << c.api_code;
    EXPECT_EQ(Error(r)["code"], c.api_code);
    EXPECT_NE(Error(r)["message"].get<std::string>().find("scripted failure"), std::string::npos);
  }
  EXPECT_EQ(service.last_op, "pause");
  EXPECT_EQ(service.last_request, json({{"device", "p1"}}));
}

TEST(DeviceRoutesTest, RefusedProgramNamesItsFirstLine) {
  ScriptedService service;
  DeviceRoutes routes(&service.table);
  service.code = BCIIN_ERR_INVALID_ARGUMENT;
  service.message = "submit job: job 'x' refused, nothing was sent: line 12: arc G2 has neither I/J nor R; line 40: non-ASCII byte";
  HttpResponse r = Call(routes, "POST", "/v1/devices/p1/jobs", R"({"name": "x", "program": "G2\n", "copies": 3})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Error(r)["code"], "program_rejected");
  EXPECT_EQ(Error(r)["line"], 12);
  EXPECT_EQ(Error(r)["reason"], "arc G2 has neither I/J nor R");
  EXPECT_EQ(service.last_op, "submit");
  EXPECT_EQ(service.last_request["job"]["copies"], 3);
  EXPECT_EQ(service.last_request["job"]["name"], "x");

  // Without a "line N: reason" the refusal has no line.
  service.message = "job 'x' has no commands";
  r = Call(routes, "POST", "/v1/devices/p1/jobs?dry_run=1", R"({"program": ""})");
  EXPECT_EQ(r.status, 422);
  EXPECT_FALSE(Error(r).contains("line"));
  EXPECT_EQ(service.last_op, "check");
}

TEST(DeviceRoutesTest, RequestsAreCheckedBeforeTheServiceIsCalled) {
  ScriptedService service;
  DeviceRoutes routes(&service.table);
  EXPECT_EQ(Call(routes, "POST", "/v1/devices/p1/cancel", "", false).status, 401);
  EXPECT_EQ(Call(routes, "POST", "/v1/devices/p1/jobs", R"({"program": "G28", "copies": -1})").status, 400);
  EXPECT_EQ(Call(routes, "POST", "/v1/devices/p1/jobs", R"({"program": "G28", "params": {"a": 1}})").status, 400);
  EXPECT_EQ(Call(routes, "POST", "/v1/devices/p1/jobs", R"({"program": "G28", "name": 7})").status, 400);
  EXPECT_EQ(Call(routes, "POST", "/v1/devices/p1/console", R"({"wait_ms": 5})").status, 400);
  EXPECT_EQ(Call(routes, "DELETE", "/v1/devices/p1").status, 405);
  EXPECT_EQ(Call(routes, "GET", "/v1/devices/p1/jobs").status, 405);
  EXPECT_EQ(Call(routes, "GET", "/v1/devices/p1/job/extra").status, 404);
  EXPECT_TRUE(service.last_op.empty()) << service.last_op;

  HttpResponse ok = Call(routes, "POST", "/v1/devices/p1/jobs",
                         R"({"program": "G28\n", "params": {"material": "PLA"}, "dry_run": true})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(service.last_op, "check");
  EXPECT_EQ(service.last_request["job"]["params"]["material"], "PLA");
}

TEST(DeviceRoutesTest, ConsoleCollectsTheDevicesRepliesUntilQuiet) {
  ScriptedService service;
  DeviceRoutes routes(&service.table);
  std::thread device([&] {
    while (service.calls == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::string path, event;
    routes.OnEvent("device.p2.console", R"({"direction": "received", "line": "other device"})", &path, &event);
    routes.OnEvent("device.p1.console", R"({"direction": "sent", "line": "M115"})", &path, &event);
    routes.OnEvent("device.p1.console", R"({"direction": "received", "line": "FIRMWARE_NAME:x"})", &path, &event);
    routes.OnEvent("device.p1.console", R"({"direction": "received", "line": "Cap:ARCS:1"})", &path, &event);
    EXPECT_EQ(path, "/v1/devices/p1/events");
    EXPECT_EQ(event, "console");
  });
  HttpResponse r = Call(routes, "POST", "/v1/devices/p1/console", R"({"line": "M115", "wait_ms": 10000})");
  device.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["replies"], json({"FIRMWARE_NAME:x", "Cap:ARCS:1"}));
  std::string path, event;
  EXPECT_FALSE(routes.OnEvent("chain.block", "{}", &path, &event));
}

TEST(DeviceRoutesTest, WithoutTheDeviceServiceEveryCallIs404) {
  DeviceRoutes routes(nullptr);
  HttpResponse r = Call(routes, "GET", "/v1/devices");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Error(r)["code"], "devices_unavailable");
  HttpResponse first;
  EXPECT_TRUE(routes.OpenStream({"GET", "/v1/devices/p1/events", "", {}}, &first));
  EXPECT_EQ(first.status, 404);
  EXPECT_FALSE(routes.OpenStream({"GET", "/v1/events/blocks", "", {}}, &first));
}

}  // namespace
}  // namespace bciin::api
