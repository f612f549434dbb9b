// The cnc-grbl plugin: provides bciin.device-driver/1 for CNC machines running GRBL 1.1.
#include "grbl_device.h"

#include <bciin/sdk/device.hpp>
#include <bciin/sdk/plugin.hpp>

namespace {

class GrblDriver : public bciin::sdk::DeviceDriver {
 public:
  explicit GrblDriver(bciin::sdk::Host host) : host_(host) {}

  bciin::Status Open(const bciin::sdk::DeviceConfig& config, bciin::sdk::DeviceEvents events,
                     std::unique_ptr<bciin::sdk::Device>* out) override {
    bciin::sdk::Host host = host_;
    *out = std::make_unique<bciin::grbl::GrblDevice>(
        config, events, [host](bciin_log_level level, const std::string& message) { host.Log(level, message); });
    return bciin::Status::Ok();
  }

 private:
  bciin::sdk::Host host_;
};

class GrblPlugin : public bciin::sdk::Plugin {
 public:
  explicit GrblPlugin(bciin::sdk::Host host) : Plugin(host), driver_(host), service_(&driver_) {}

  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_DEVICE_DRIVER_SERVICE_ID ? service_.header() : nullptr;
  }

 private:
  GrblDriver driver_;
  bciin::sdk::DeviceDriverService service_;
};

}  // namespace

BCIIN_PLUGIN(GrblPlugin)
