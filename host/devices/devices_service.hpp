// The device manager offered to plugins as the C service bciin.devices/1 (JSON operations).
#pragma once

#include "device_manager.hpp"

#include <bciin/devices_service.h>

#include <nlohmann/json.hpp>

namespace bciin::devices {

class DevicesService {
 public:
  explicit DevicesService(DeviceManager* manager);
  const bciin_service_header* header() const { return &table_.header; }

  // The operation behind the C entry point, for host code and tests.
  Status Call(const std::string& operation, const nlohmann::json& request, nlohmann::json* reply);

 private:
  DeviceManager* manager_;
  bciin_devices_service table_{};
};

}  // namespace bciin::devices
