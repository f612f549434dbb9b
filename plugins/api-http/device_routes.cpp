#include "device_routes.h"

#include "api.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>

namespace bciin::api {

using nlohmann::json;

namespace {

constexpr int64_t kConsoleWaitDefaultMs = 1000, kConsoleWaitMaxMs = 10000, kConsoleQuietMs = 300;
constexpr uint64_t kMaxCopies = 10000;

HttpResponse Json(int status, const json& j) { return {status, "application/json", j.dump()}; }

HttpResponse Error(int status, const std::string& code, const std::string& message, const json& extra = {}) {
  if (extra.empty()) return {status, "application/json", ErrorBody(status, code, message)};
  json body = json::parse(ErrorBody(status, code, message));
  body["error"].update(extra);
  return Json(status, body);
}

// "job 'x' refused, nothing was sent: line 5: arc G2 has neither I/J nor R; line 9: ..." gives
// line 5 and its reason: drivers name the first offending line this way (gcode::Program::Summary).
json RejectedLine(const std::string& message) {
  for (size_t at = message.find("line "); at != std::string::npos; at = message.find("line ", at + 1)) {
    const char* begin = message.data() + at + 5;
    const char* end = message.data() + message.size();
    uint64_t line = 0;
    auto [p, ec] = std::from_chars(begin, end, line);
    if (ec != std::errc() || end - p < 2 || p[0] != ':' || p[1] != ' ') continue;
    std::string reason(p + 2, end);
    reason = reason.substr(0, reason.find("; line "));
    return {{"line", line}, {"reason", reason}};
  }
  return json::object();
}

// A device call's failure as an API error. `job_call`: check/submit, whose refusals are 422.
HttpResponse DeviceError(const Status& s, bool job_call) {
  switch (s.code()) {
    case BCIIN_ERR_NOT_FOUND: return Error(404, "device_not_found", s.message());
    case BCIIN_ERR_INVALID_ARGUMENT:
      if (job_call) return Error(422, "program_rejected", s.message(), RejectedLine(s.message()));
      return Error(400, "invalid_argument", s.message());
    case BCIIN_ERR_BUSY: return Error(409, "device_busy", s.message());
    case BCIIN_ERR_REJECTED: return Error(409, "invalid_state", s.message());
    case BCIIN_ERR_UNSUPPORTED: return Error(501, "unsupported", s.message());
    case BCIIN_ERR_TIMEOUT: return Error(504, "device_timeout", s.message());
    case BCIIN_ERR_IO: return Error(502, "device_io", s.message());
    default: return Error(500, "device_error", s.ToString());
  }
}

bool Truthy(const std::string& v) { return v == "1" || v == "true" || v == "yes"; }

std::string Event(const std::string& name, const json& data) { return "event: " + name + "\ndata: " + data.dump() + "\n\n"; }

}  // namespace

Status DeviceRoutes::Call(const char* op, const json& request, json* reply) const {
  std::string text = request.dump(), out;
  bciin_error e{};
  int32_t rc = service_->call(service_->header.instance, op,
                              bciin_span{reinterpret_cast<const uint8_t*>(text.data()), text.size()},
                              bciin_sink{&out, [](void* c, const uint8_t* d, size_t n) {
                                           static_cast<std::string*>(c)->append(reinterpret_cast<const char*>(d), n);
                                         }},
                              &e);
  if (rc != BCIIN_OK) return Status(static_cast<bciin_status_code>(rc), e.message);
  *reply = out.empty() ? json::object() : json::parse(out, nullptr, false);
  if (reply->is_discarded()) return Status::Internal(std::string("the device service answered '") + op + "' with bad JSON");
  return Status();
}

HttpResponse DeviceRoutes::Handle(const HttpRequest& r, const std::vector<std::string>& p, const std::string& query,
                                  bool authorized) {
  const bool get = r.method == "GET", post = r.method == "POST";
  const std::string path = r.target.substr(0, r.target.find('?'));
  if (!service_) return Error(404, "devices_unavailable", "this node offers no device service (bciin.devices/1)");
  if (!get && !post) return Error(405, "method_not_allowed", r.method + " is not allowed on " + path);
  if (post && !authorized)
    return Error(401, "unauthorized", "this call needs 'Authorization: Bearer <token>' (the token file in the data dir)");
  auto wrong_method = [&] { return Error(405, "method_not_allowed", r.method + " is not allowed on " + path); };
  json reply;

  if (p.size() == 2) {  // GET /v1/devices
    if (!get) return wrong_method();
    if (Status s = Call("list", json::object(), &reply); !s.ok()) return DeviceError(s, false);
    return Json(200, reply);
  }
  const std::string& name = p[2];
  const json device{{"device", name}};
  json body = json::object();
  if (post && !r.body.empty()) {
    body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return Error(400, "invalid_json", "the body is not a JSON object");
  }

  if (p.size() == 3) {  // GET /v1/devices/NAME: summary, telemetry and what the device is
    if (!get) return wrong_method();
    if (Status s = Call("status", device, &reply); !s.ok()) return DeviceError(s, false);
    json info;
    Status d = Call("describe", device, &info);
    reply["info"] = d.ok() ? info : json(nullptr);
    if (!d.ok()) reply["info_error"] = d.message();
    return Json(200, reply);
  }
  if (p.size() != 4) return Error(404, "unknown_call", "no such call: " + r.method + " " + path);
  const std::string& what = p[3];

  if (what == "job" || what == "telemetry") {
    if (!get) return wrong_method();
    Status s = Call(what == "job" ? "progress" : "telemetry", device, &reply);
    if (s.is(BCIIN_ERR_BUSY) && what == "job") {  // the driver is restarting: its last report
      json summary;
      if (Call("status", device, &summary).ok()) return Json(200, summary["job"]);
    }
    if (!s.ok()) return DeviceError(s, false);
    return Json(200, reply);
  }

  if (what == "jobs") {
    if (!post) return wrong_method();
    auto program = body.find("program");
    if (program == body.end() || !program->is_string())
      return Error(400, "invalid_argument", "missing string field 'program' (the G-code text)");
    if (auto n = body.find("name"); n != body.end() && !n->is_string())
      return Error(400, "invalid_argument", "field 'name' must be a string");
    json job{{"program", *program}, {"name", body.value("name", "")}, {"copies", 1}};
    if (auto c = body.find("copies"); c != body.end()) {
      if (!c->is_number_unsigned() || c->get<uint64_t>() < 1 || c->get<uint64_t>() > kMaxCopies)
        return Error(400, "invalid_argument", "field 'copies' must be a whole number from 1 to " + std::to_string(kMaxCopies));
      job["copies"] = *c;
    }
    if (auto params = body.find("params"); params != body.end()) {
      bool ok = params->is_object() && std::all_of(params->begin(), params->end(), [](const json& v) { return v.is_string(); });
      if (!ok) return Error(400, "invalid_argument", "field 'params' must be an object of strings");
      job["params"] = *params;
    }
    const bool dry_run = Truthy(QueryParam(query, "dry_run")) || (body.contains("dry_run") && body["dry_run"] == true);
    if (Status s = Call(dry_run ? "check" : "submit", {{"device", name}, {"job", job}}, &reply); !s.ok())
      return DeviceError(s, true);
    if (dry_run) return Json(200, json{{"device", name}, {"dry_run", true}, {"ok", true}});
    json out{{"device", name}, {"job_id", reply.value("job_id", uint64_t{0})}, {"copies", job["copies"]}};
    if (json progress; Call("progress", device, &progress).ok()) out["job"] = progress;
    return Json(202, out);
  }

  if (what == "console") {
    if (!post) return wrong_method();
    return Console(name, body, query);
  }

  static const char* const kActions[] = {"pause", "resume", "cancel", "estop", "reset"};
  if (std::find(std::begin(kActions), std::end(kActions), what) != std::end(kActions)) {
    if (!post) return wrong_method();
    if (Status s = Call(what.c_str(), device, &reply); !s.ok()) return DeviceError(s, false);
    return Json(200, json{{"device", name}, {"action", what}, {"ok", true}});
  }
  return Error(404, "unknown_call", "no such call: " + r.method + " " + path);
}

HttpResponse DeviceRoutes::Console(const std::string& name, const json& body, const std::string& query) {
  auto line = body.find("line");
  if (line == body.end() || !line->is_string())
    return Error(400, "invalid_argument", "missing string field 'line' (the command to send)");
  int64_t wait_ms = kConsoleWaitDefaultMs;
  if (auto w = body.find("wait_ms"); w != body.end()) {
    if (!w->is_number_unsigned()) return Error(400, "invalid_argument", "field 'wait_ms' must be a whole number");
    wait_ms = static_cast<int64_t>(std::min<uint64_t>(w->get<uint64_t>(), kConsoleWaitMaxMs));
  } else if (std::string q = QueryParam(query, "wait_ms"); !q.empty()) {
    wait_ms = std::min<int64_t>(std::atoll(q.c_str()), kConsoleWaitMaxMs);
  }

  // Listen before sending, so that no reply is missed.
  Waiter waiter{name, {}};
  {
    std::lock_guard lock(mu_);
    waiters_.push_back(&waiter);
  }
  json ignored;
  Status s = Call("console", {{"device", name}, {"line", *line}}, &ignored);
  std::unique_lock lock(mu_);
  if (s.ok() && wait_ms > 0) {
    // Until wait_ms has passed, or kConsoleQuietMs after the last reply line.
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(wait_ms);
    size_t seen = 0;
    while (Clock::now() < deadline) {
      auto until = seen == 0 ? deadline : std::min(deadline, Clock::now() + std::chrono::milliseconds(kConsoleQuietMs));
      if (!arrived_.wait_until(lock, until, [&] { return waiter.lines.size() > seen; })) {
        if (seen > 0) break;
        continue;
      }
      seen = waiter.lines.size();
    }
  }
  waiters_.remove(&waiter);
  lock.unlock();
  if (!s.ok()) return DeviceError(s, false);
  return Json(200, json{{"device", name}, {"sent", *line}, {"replies", waiter.lines}});
}

bool DeviceRoutes::OpenStream(const HttpRequest& r, HttpResponse* first) {
  const std::vector<std::string> p = Split(r.target.substr(0, r.target.find('?')));
  if (p.size() != 4 || p[0] != "v1" || p[1] != "devices" || p[3] != "events") return false;
  if (!service_) {
    *first = Error(404, "devices_unavailable", "this node offers no device service (bciin.devices/1)");
    return true;
  }
  json summary;
  if (Status s = Call("status", {{"device", p[2]}}, &summary); !s.ok()) {
    *first = DeviceError(s, false);
    return true;
  }
  json state = summary["status"];
  first->status = 200;
  first->body = Event("state", state) + Event("progress", summary["job"]);
  return true;
}

bool DeviceRoutes::OnEvent(std::string_view topic, const std::string& payload, std::string* path, std::string* event) {
  constexpr std::string_view kPrefix = "device.";
  if (topic.substr(0, kPrefix.size()) != kPrefix) return false;
  size_t dot = topic.rfind('.');
  if (dot < kPrefix.size() + 1) return false;
  const std::string name(topic.substr(kPrefix.size(), dot - kPrefix.size()));
  *event = std::string(topic.substr(dot + 1));
  *path = "/v1/devices/" + name + "/events";
  if (*event == "console") {
    json j = json::parse(payload, nullptr, false);
    if (j.is_object() && j.value("direction", "") == "received") {
      std::lock_guard lock(mu_);
      bool any = false;
      for (Waiter* w : waiters_)
        if (w->device == name) {
          w->lines.push_back(j.value("line", ""));
          any = true;
        }
      if (any) arrived_.notify_all();
    }
  }
  return true;
}

}  // namespace bciin::api
