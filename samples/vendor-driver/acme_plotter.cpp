// acme-plotter: a sample device driver for an imaginary pen plotter, as a vendor starts one.
//
// The plotter here is simulated inside the driver (one "line" of the job takes `line_ms`), so
// the sample runs without hardware; replace Step() with your port I/O. Everything else is what
// a real driver needs: options from [device.NAME], a worker thread, states, jobs with copies,
// pause/resume/cancel/emergency stop, progress and telemetry events, a console.
#include <bciin/sdk/device.hpp>
#include <bciin/sdk/plugin.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

namespace {

using bciin::Status;
namespace sdk = bciin::sdk;
using Clock = std::chrono::steady_clock;

class AcmePlotter : public sdk::Device {
 public:
  AcmePlotter(const sdk::DeviceConfig& config, sdk::DeviceEvents events)
      : config_(config), events_(events),
        line_ms_(static_cast<int>(config.GetNumber("line_ms", 5))) {
    status_.state = BCIIN_DEVICE_IDLE;
    status_.message = "ready";
    events_.State(status_);
    thread_ = std::thread([this] { Run(); });
  }
  ~AcmePlotter() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  sdk::DeviceInfo Describe() override {
    sdk::DeviceInfo i;
    i.model = "ACME Plotter P1";
    i.firmware = "acme-sim 1.0";
    i.protocol = "acme/1";
    i.capabilities = BCIIN_DEVICE_CAP_JOBS | BCIIN_DEVICE_CAP_PAUSE | BCIIN_DEVICE_CAP_EMERGENCY_STOP |
                     BCIIN_DEVICE_CAP_TELEMETRY | BCIIN_DEVICE_CAP_CONSOLE | BCIIN_DEVICE_CAP_MOTION;
    return i;
  }
  sdk::DeviceStatus GetStatus() override {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  // Validate everything before anything moves; name the line and the reason.
  Status CheckJob(const sdk::JobSpec& job) override {
    std::istringstream in(job.program);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      for (char c : line) {
        if (static_cast<unsigned char>(c) >= 0x80) return Status::InvalidArgument("line " + std::to_string(n) + ": non-ASCII byte");
      }
    }
    return job.program.empty() ? Status::InvalidArgument("empty program") : Status::Ok();
  }
  Status SubmitJob(const sdk::JobSpec& job, uint64_t* job_id) override {
    BCIIN_RETURN_IF_ERROR(CheckJob(job));
    std::lock_guard<std::mutex> lock(mu_);
    if (status_.state != BCIIN_DEVICE_IDLE) return Status::Busy("the plotter is not idle");
    lines_.clear();
    std::istringstream in(job.program);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) lines_.push_back(l);
    }
    progress_ = sdk::JobProgress{};
    progress_.job_id = *job_id = ++last_job_;
    progress_.state = BCIIN_JOB_RUNNING;
    progress_.copies = job.copies;
    progress_.copy = 1;
    progress_.lines_total = lines_.size();
    started_ = Clock::now();
    SetState(BCIIN_DEVICE_RUNNING, "plotting " + job.name);
    cv_.notify_all();
    return Status::Ok();
  }
  Status Pause() override { return Transition(BCIIN_JOB_RUNNING, BCIIN_JOB_PAUSED, BCIIN_DEVICE_PAUSED, "paused"); }
  Status Resume() override { return Transition(BCIIN_JOB_PAUSED, BCIIN_JOB_RUNNING, BCIIN_DEVICE_RUNNING, "running"); }
  Status Cancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.state != BCIIN_JOB_RUNNING && progress_.state != BCIIN_JOB_PAUSED) return Status::Rejected("no job");
    Finish(BCIIN_JOB_CANCELLED, "cancelled");
    return Status::Ok();
  }
  Status EmergencyStop() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.state == BCIIN_JOB_RUNNING || progress_.state == BCIIN_JOB_PAUSED) Finish(BCIIN_JOB_FAILED, "emergency stop");
    SetState(BCIIN_DEVICE_STOPPED, "emergency stop: reset before the next job");
    return Status::Ok();
  }
  Status Reset() override {
    std::lock_guard<std::mutex> lock(mu_);
    SetState(BCIIN_DEVICE_IDLE, "ready");
    return Status::Ok();
  }
  sdk::JobProgress GetProgress() override {
    std::lock_guard<std::mutex> lock(mu_);
    return progress_;
  }
  Status ConsoleSend(const std::string& line) override {
    events_.Console(BCIIN_CONSOLE_SENT, line);
    events_.Console(BCIIN_CONSOLE_RECEIVED, "ok");  // the imaginary firmware's answer
    return Status::Ok();
  }

 private:
  // Called with mu_ held.
  void SetState(bciin_device_state s, const std::string& message) {
    status_.state = s;
    status_.message = message;
    status_.job_id = progress_.job_id;
    events_.State(status_);
  }
  void Finish(bciin_job_state s, const std::string& message) {
    progress_.state = s;
    progress_.message = message;
    progress_.remaining_ms = 0;
    events_.Progress(progress_);
    SetState(BCIIN_DEVICE_IDLE, message);
  }
  Status Transition(bciin_job_state from, bciin_job_state to, bciin_device_state device, const char* message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.state != from) return Status::Rejected(std::string("cannot go to ") + message + " now");
    progress_.state = to;
    SetState(device, message);
    events_.Progress(progress_);
    cv_.notify_all();
    return Status::Ok();
  }

  // The worker thread: one job line per step. Replace the sleep with writing the line to the
  // port and waiting for the device's acknowledgement.
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (progress_.state != BCIIN_JOB_RUNNING) {
        cv_.wait_for(lock, std::chrono::milliseconds(200));
        continue;
      }
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(line_ms_));  // Step()
      lock.lock();
      if (progress_.state != BCIIN_JOB_RUNNING) continue;
      if (++progress_.lines_done >= progress_.lines_total) {
        if (progress_.copy < progress_.copies) {
          ++progress_.copy;
          progress_.lines_done = 0;
        } else {
          Finish(BCIIN_JOB_COMPLETED, "completed");
          continue;
        }
      }
      uint64_t left = (progress_.copies - progress_.copy) * progress_.lines_total + progress_.lines_total - progress_.lines_done;
      progress_.remaining_ms = static_cast<int64_t>(left) * line_ms_;
      progress_.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
      events_.Progress(progress_);
      events_.Telemetry({sdk::TelemetryValue::Number("pen.position", "1", static_cast<double>(progress_.lines_done))});
    }
  }

  sdk::DeviceConfig config_;
  sdk::DeviceEvents events_;
  const int line_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  sdk::DeviceStatus status_;
  sdk::JobProgress progress_;
  std::vector<std::string> lines_;
  uint64_t last_job_ = 0;
  Clock::time_point started_;
  std::thread thread_;
};

class AcmeDriver : public sdk::DeviceDriver {
 public:
  Status Open(const sdk::DeviceConfig& config, sdk::DeviceEvents events, std::unique_ptr<sdk::Device>* out) override {
    *out = std::make_unique<AcmePlotter>(config, events);
    return Status::Ok();
  }
};

class AcmePlugin : public sdk::Plugin {
 public:
  explicit AcmePlugin(sdk::Host host) : Plugin(host), service_(&driver_) {}
  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_DEVICE_DRIVER_SERVICE_ID ? service_.header() : nullptr;
  }

 private:
  AcmeDriver driver_;
  sdk::DeviceDriverService service_;
};

}  // namespace

BCIIN_PLUGIN(AcmePlugin)
