#include "devices_service.hpp"

#include "device_json.hpp"

namespace bciin::devices {

namespace {

nlohmann::json SummaryJson(const DeviceSummary& s) {
  return {{"name", s.name},
          {"driver", s.driver},
          {"port", s.port},
          {"driver_running", s.driver_running},
          {"worker_pid", s.worker_pid},
          {"restarts", s.restarts},
          {"last_failure", s.last_failure},
          {"status", ToJson(s.status)},
          {"job", ToJson(s.progress)}};
}

}  // namespace

DevicesService::DevicesService(DeviceManager* manager) : manager_(manager) {
  table_.header = {sizeof(table_), BCIIN_DEVICES_SERVICE_ID, BCIIN_DEVICES_SERVICE_VERSION, this};
  table_.call = [](void* self, const char* operation, bciin_span request, bciin_sink reply,
                   bciin_error* error) -> int32_t {
    try {
      nlohmann::json req = request.size == 0 ? nlohmann::json::object()
                                             : nlohmann::json::parse(request.data, request.data + request.size);
      nlohmann::json out;
      Status s = static_cast<DevicesService*>(self)->Call(operation ? operation : "", req, &out);
      if (!s.ok()) return s.ToError(error);
      std::string text = out.dump();
      if (reply.write) reply.write(reply.context, reinterpret_cast<const uint8_t*>(text.data()), text.size());
      return BCIIN_OK;
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("malformed request: ") + e.what()).ToError(error);
    }
  };
}

Status DevicesService::Call(const std::string& op, const nlohmann::json& request, nlohmann::json* reply) {
  if (op == "list") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : manager_->List()) list.push_back(SummaryJson(s));
    *reply = {{"devices", list}};
    return Status();
  }
  if (!request.is_object() || !request.contains("device") || !request["device"].is_string())
    return Status::InvalidArgument("request needs \"device\": the device's name");
  const std::string name = request["device"].get<std::string>();

  if (op == "status") {
    DeviceSummary summary;
    BCIIN_RETURN_IF_ERROR(manager_->Summary(name, &summary));
    *reply = SummaryJson(summary);
    std::vector<sdk::TelemetryValue> values;
    if (manager_->Telemetry(name, &values).ok()) {
      nlohmann::json t = nlohmann::json::array();
      for (const auto& v : values) t.push_back(ToJson(v));
      (*reply)["telemetry"] = t;
    }
    return Status();
  }
  if (op == "describe") {
    sdk::DeviceInfo info;
    BCIIN_RETURN_IF_ERROR(manager_->Describe(name, &info));
    *reply = ToJson(info);
    return Status();
  }
  if (op == "telemetry") {
    std::vector<sdk::TelemetryValue> values;
    BCIIN_RETURN_IF_ERROR(manager_->Telemetry(name, &values));
    nlohmann::json t = nlohmann::json::array();
    for (const auto& v : values) t.push_back(ToJson(v));
    *reply = {{"values", t}};
    return Status();
  }
  if (op == "check" || op == "submit") {
    if (!request.contains("job")) return Status::InvalidArgument("request needs \"job\": {name, program, copies, params}");
    sdk::JobSpec job = JobFromJson(request["job"]);
    if (op == "check") {
      BCIIN_RETURN_IF_ERROR(manager_->CheckJob(name, job));
      *reply = {{"ok", true}};
      return Status();
    }
    uint64_t job_id = 0;
    BCIIN_RETURN_IF_ERROR(manager_->SubmitJob(name, job, &job_id));
    *reply = {{"job_id", job_id}};
    return Status();
  }
  if (op == "progress") {
    sdk::JobProgress progress;
    BCIIN_RETURN_IF_ERROR(manager_->GetProgress(name, &progress));
    *reply = ToJson(progress);
    return Status();
  }
  if (op == "console") {
    if (!request.contains("line") || !request["line"].is_string())
      return Status::InvalidArgument("request needs \"line\": the line to send");
    BCIIN_RETURN_IF_ERROR(manager_->ConsoleSend(name, request["line"].get<std::string>()));
    *reply = {{"ok", true}};
    return Status();
  }
  Status (DeviceManager::*action)(const std::string&) = nullptr;
  if (op == "pause") action = &DeviceManager::Pause;
  else if (op == "resume") action = &DeviceManager::Resume;
  else if (op == "cancel") action = &DeviceManager::Cancel;
  else if (op == "estop") action = &DeviceManager::EmergencyStop;
  else if (op == "reset") action = &DeviceManager::Reset;
  if (!action) return Status::NotFound("no device operation '" + op + "'");
  BCIIN_RETURN_IF_ERROR((manager_->*action)(name));
  *reply = {{"ok", true}};
  return Status();
}

}  // namespace bciin::devices
