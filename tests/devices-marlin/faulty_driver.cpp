// test-faulty-driver: a device driver that crashes or hangs on request, to prove the node
// survives its drivers. Options of its [device.NAME] section:
//   crash_on = open | submit | status     (raise SIGSEGV in that call)
//   hang_on  = submit | status            (never return from that call)
#include <bciin/sdk/device.hpp>
#include <bciin/sdk/plugin.hpp>

#include <chrono>
#include <csignal>
#include <thread>

namespace {

using namespace bciin;

void Misbehave(const sdk::DeviceConfig& c, const std::string& where) {
  if (c.Get("crash_on") == where) std::raise(SIGSEGV);
  if (c.Get("hang_on") == where) {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

class FaultyDevice : public sdk::Device {
 public:
  FaultyDevice(sdk::DeviceConfig c, sdk::DeviceEvents events) : config_(std::move(c)) {
    sdk::DeviceStatus s;
    s.state = BCIIN_DEVICE_IDLE;
    s.message = "ready";
    events.State(s);
  }
  sdk::DeviceInfo Describe() override {
    sdk::DeviceInfo i;
    i.model = "faulty";
    return i;
  }
  sdk::DeviceStatus GetStatus() override {
    Misbehave(config_, "status");
    sdk::DeviceStatus s;
    s.state = BCIIN_DEVICE_IDLE;
    return s;
  }
  Status CheckJob(const sdk::JobSpec&) override { return Status::Ok(); }
  Status SubmitJob(const sdk::JobSpec&, uint64_t* id) override {
    Misbehave(config_, "submit");
    *id = 1;
    return Status::Ok();
  }
  sdk::JobProgress GetProgress() override { return {}; }

 private:
  sdk::DeviceConfig config_;
};

class FaultyDriver : public sdk::DeviceDriver {
 public:
  Status Open(const sdk::DeviceConfig& c, sdk::DeviceEvents events, std::unique_ptr<sdk::Device>* out) override {
    Misbehave(c, "open");
    *out = std::make_unique<FaultyDevice>(c, events);
    return Status::Ok();
  }
};

class FaultyPlugin : public sdk::Plugin {
 public:
  explicit FaultyPlugin(sdk::Host host) : Plugin(host), service_(&driver_) {}
  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_DEVICE_DRIVER_SERVICE_ID ? service_.header() : nullptr;
  }

 private:
  FaultyDriver driver_;
  sdk::DeviceDriverService service_;
};

}  // namespace

BCIIN_PLUGIN(FaultyPlugin)
