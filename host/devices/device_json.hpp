// JSON forms of the device service's types: the worker protocol uses them, and so can the HTTP
// API, so that what an operator sees is what the driver reported.
#pragma once

#include <bciin/sdk/device.hpp>

#include <nlohmann/json.hpp>

namespace bciin::devices {

nlohmann::json ToJson(const sdk::DeviceInfo& info);
nlohmann::json ToJson(const sdk::DeviceStatus& status);
nlohmann::json ToJson(const sdk::JobProgress& progress);
nlohmann::json ToJson(const sdk::TelemetryValue& value);
nlohmann::json ToJson(const sdk::JobSpec& job);
nlohmann::json ToJson(const sdk::DeviceConfig& config);

// The inverse conversions throw nlohmann::json::exception on malformed input.
sdk::DeviceInfo InfoFromJson(const nlohmann::json& j);
sdk::DeviceStatus StatusFromJson(const nlohmann::json& j);
sdk::JobProgress ProgressFromJson(const nlohmann::json& j);
sdk::TelemetryValue TelemetryFromJson(const nlohmann::json& j);
sdk::JobSpec JobFromJson(const nlohmann::json& j);
sdk::DeviceConfig ConfigFromJson(const nlohmann::json& j);

// "idle" -> BCIIN_DEVICE_IDLE; unknown names give BCIIN_DEVICE_DISCONNECTED.
bciin_device_state DeviceStateFromName(const std::string& name);
bciin_job_state JobStateFromName(const std::string& name);

}  // namespace bciin::devices
