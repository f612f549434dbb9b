#include "device_json.hpp"

namespace bciin::devices {

using nlohmann::json;

bciin_device_state DeviceStateFromName(const std::string& name) {
  for (int s = BCIIN_DEVICE_DISCONNECTED; s <= BCIIN_DEVICE_OFFLINE; ++s) {
    if (name == sdk::DeviceStateName(static_cast<bciin_device_state>(s))) return static_cast<bciin_device_state>(s);
  }
  return BCIIN_DEVICE_DISCONNECTED;
}

bciin_job_state JobStateFromName(const std::string& name) {
  for (int s = BCIIN_JOB_NONE; s <= BCIIN_JOB_FAILED; ++s) {
    if (name == sdk::JobStateName(static_cast<bciin_job_state>(s))) return static_cast<bciin_job_state>(s);
  }
  return BCIIN_JOB_NONE;
}

json ToJson(const sdk::DeviceInfo& i) {
  return {{"model", i.model}, {"firmware", i.firmware}, {"protocol", i.protocol},
          {"capabilities", i.capabilities}, {"firmware_caps", i.firmware_caps}};
}
json ToJson(const sdk::DeviceStatus& s) {
  return {{"state", sdk::DeviceStateName(s.state)}, {"job_id", s.job_id}, {"reconnects", s.reconnects},
          {"message", s.message}};
}
json ToJson(const sdk::JobProgress& p) {
  return {{"job_id", p.job_id}, {"state", sdk::JobStateName(p.state)}, {"copies", p.copies},
          {"copy", p.copy}, {"lines_total", p.lines_total}, {"lines_done", p.lines_done},
          {"source_line", p.source_line}, {"elapsed_ms", p.elapsed_ms},
          {"remaining_ms", p.remaining_ms}, {"message", p.message}};
}
json ToJson(const sdk::TelemetryValue& v) {
  json j = {{"name", v.name}, {"unit", v.unit}, {"timestamp_us", v.timestamp_us}};
  switch (v.type) {
    case BCIIN_TELEMETRY_NUMBER: j["value"] = v.number; break;
    case BCIIN_TELEMETRY_INTEGER: j["value"] = v.integer; break;
    case BCIIN_TELEMETRY_BOOL: j["value"] = v.integer != 0; break;
    case BCIIN_TELEMETRY_TEXT: j["value"] = v.text; break;
  }
  return j;
}
json ToJson(const sdk::JobSpec& job) {
  return {{"name", job.name}, {"program", job.program}, {"params", job.params}, {"copies", job.copies}};
}
json ToJson(const sdk::DeviceConfig& c) {
  return {{"name", c.name}, {"port", c.port}, {"baud", c.baud}, {"options", c.options}};
}

sdk::DeviceInfo InfoFromJson(const json& j) {
  sdk::DeviceInfo i;
  i.model = j.at("model").get<std::string>();
  i.firmware = j.at("firmware").get<std::string>();
  i.protocol = j.at("protocol").get<std::string>();
  i.capabilities = j.at("capabilities").get<uint64_t>();
  i.firmware_caps = j.at("firmware_caps").get<std::string>();
  return i;
}
sdk::DeviceStatus StatusFromJson(const json& j) {
  sdk::DeviceStatus s;
  s.state = DeviceStateFromName(j.at("state").get<std::string>());
  s.job_id = j.at("job_id").get<uint64_t>();
  s.reconnects = j.at("reconnects").get<uint64_t>();
  s.message = j.at("message").get<std::string>();
  return s;
}
sdk::JobProgress ProgressFromJson(const json& j) {
  sdk::JobProgress p;
  p.job_id = j.at("job_id").get<uint64_t>();
  p.state = JobStateFromName(j.at("state").get<std::string>());
  p.copies = j.at("copies").get<uint32_t>();
  p.copy = j.at("copy").get<uint32_t>();
  p.lines_total = j.at("lines_total").get<uint64_t>();
  p.lines_done = j.at("lines_done").get<uint64_t>();
  p.source_line = j.at("source_line").get<uint32_t>();
  p.elapsed_ms = j.at("elapsed_ms").get<int64_t>();
  p.remaining_ms = j.at("remaining_ms").get<int64_t>();
  p.message = j.at("message").get<std::string>();
  return p;
}
sdk::TelemetryValue TelemetryFromJson(const json& j) {
  sdk::TelemetryValue v;
  v.name = j.at("name").get<std::string>();
  v.unit = j.at("unit").get<std::string>();
  v.timestamp_us = j.at("timestamp_us").get<int64_t>();
  const json& value = j.at("value");
  if (value.is_boolean()) {
    v.type = BCIIN_TELEMETRY_BOOL;
    v.integer = value.get<bool>();
  } else if (value.is_number_integer()) {
    v.type = BCIIN_TELEMETRY_INTEGER;
    v.integer = value.get<int64_t>();
  } else if (value.is_number()) {
    v.number = value.get<double>();
  } else {
    v.type = BCIIN_TELEMETRY_TEXT;
    v.text = value.get<std::string>();
  }
  return v;
}
sdk::JobSpec JobFromJson(const json& j) {
  sdk::JobSpec job;
  job.name = j.value("name", "");
  job.program = j.at("program").get<std::string>();
  job.params = j.value("params", std::map<std::string, std::string>{});
  job.copies = j.value("copies", 1u);
  return job;
}
sdk::DeviceConfig ConfigFromJson(const json& j) {
  sdk::DeviceConfig c;
  c.name = j.at("name").get<std::string>();
  c.port = j.value("port", "");
  c.baud = j.value("baud", 0u);
  c.options = j.value("options", std::map<std::string, std::string>{});
  return c;
}

}  // namespace bciin::devices
