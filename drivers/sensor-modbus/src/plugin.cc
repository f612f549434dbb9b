// The sensor-modbus plugin: provides bciin.device-driver/1 for sensors read over Modbus RTU.
#include "sensor_device.h"

#include <bciin/sdk/device.hpp>
#include <bciin/sdk/plugin.hpp>

namespace {

class ModbusDriver : public bciin::sdk::DeviceDriver {
 public:
  explicit ModbusDriver(bciin::sdk::Host host) : host_(host) {}

  bciin::Status Open(const bciin::sdk::DeviceConfig& config, bciin::sdk::DeviceEvents events,
                     std::unique_ptr<bciin::sdk::Device>* out) override {
    bciin::sdk::Host host = host_;
    *out = std::make_unique<bciin::modbus::ModbusSensorDevice>(
        config, events, [host](bciin_log_level level, const std::string& message) { host.Log(level, message); });
    return bciin::Status::Ok();
  }

 private:
  bciin::sdk::Host host_;
};

class ModbusPlugin : public bciin::sdk::Plugin {
 public:
  explicit ModbusPlugin(bciin::sdk::Host host) : Plugin(host), driver_(host), service_(&driver_) {}

  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_DEVICE_DRIVER_SERVICE_ID ? service_.header() : nullptr;
  }

 private:
  ModbusDriver driver_;
  bciin::sdk::DeviceDriverService service_;
};

}  // namespace

BCIIN_PLUGIN(ModbusPlugin)
