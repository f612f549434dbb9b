#include "sensor_device.h"

#include <fmt/format.h>

#include <stdexcept>

namespace bciin::modbus {
namespace {

using std::chrono::milliseconds;

std::vector<Channel> ChannelsOrThrow(const sdk::DeviceConfig& config) {
  std::vector<Channel> channels;
  Status s = ChannelsFromOptions(config.options, &channels);
  if (!s.ok()) throw std::invalid_argument(fmt::format("device {}: {}", config.name, s.message()));
  return channels;
}

LinkSettings LinkFromConfig(const sdk::DeviceConfig& config) {
  if (config.port.empty()) throw std::invalid_argument(fmt::format("device {}: no port", config.name));
  LinkSettings l;
  l.port = config.port;
  l.baud = config.baud ? static_cast<int>(config.baud) : 19200;
  std::string parity = config.Get("parity", "N");
  if (parity != "N" && parity != "E" && parity != "O")
    throw std::invalid_argument(fmt::format("device {}: parity must be N, E or O", config.name));
  l.parity = parity[0];
  l.data_bits = static_cast<int>(config.GetNumber("data_bits", 8));
  l.stop_bits = static_cast<int>(config.GetNumber("stop_bits", 1));
  l.response_timeout = milliseconds(static_cast<long>(config.GetNumber("response_timeout_ms", 500)));
  if (l.response_timeout < milliseconds(10))
    throw std::invalid_argument(fmt::format("device {}: response_timeout_ms must be at least 10", config.name));
  return l;
}

}  // namespace

ModbusSensorDevice::ModbusSensorDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log)
    : ModbusSensorDevice(config, events, std::move(log), NewLibModbusLink(LinkFromConfig(config))) {}

ModbusSensorDevice::ModbusSensorDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log,
                                       std::unique_ptr<ModbusLink> link)
    : config_(config),
      events_(events),
      log_(std::move(log)),
      link_(std::move(link)),
      poller_(ChannelsOrThrow(config), static_cast<int>(config.GetNumber("failures_unreachable", 3)),
              link_.get()) {
  poll_interval_ = milliseconds(static_cast<long>(config.GetNumber("poll_interval_ms", 1000)));
  reconnect_interval_ = milliseconds(static_cast<long>(config.GetNumber("reconnect_interval_ms", 1000)));
  if (poll_interval_.count() < 0 || reconnect_interval_.count() < 0)
    throw std::invalid_argument(fmt::format("device {}: intervals must not be negative", config.name));
  thread_ = std::thread([this] { Run(); });
}

ModbusSensorDevice::~ModbusSensorDevice() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ModbusSensorDevice::Run() {
  using Clock = std::chrono::steady_clock;
  std::string last_message;
  int last_state = -1;
  auto next = Clock::now();
  std::vector<Reading> readings;
  while (!stop_) {
    std::vector<sdk::TelemetryValue> telemetry;
    sdk::DeviceStatus status;
    bool opened_failed = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      bool was_open = link_->connected();
      Status s = poller_.PollOnce(&readings);
      if (!s.ok()) {
        if (port_open_ && log_) log_(BCIIN_LOG_WARN, fmt::format("{}: {}", config_.name, s.message()));
        port_open_ = false;
        port_error_ = s.message();
        opened_failed = true;
      } else {
        if (!was_open && !port_open_ && poller_.cycles() > 1) ++reconnects_;
        port_open_ = true;
        port_error_.clear();
        auto ts = sdk::TelemetryValue::NowUs();
        for (const Reading& r : readings) {
          const Channel& c = poller_.channels()[r.channel];
          telemetry.push_back(sdk::TelemetryValue::Number(c.name, c.unit, r.value, ts));
        }
        for (const auto& [id, st] : poller_.slaves()) {
          sdk::TelemetryValue h = sdk::TelemetryValue::Number(fmt::format("slave{}.health", id), "1", 0, ts);
          h.type = BCIIN_TELEMETRY_TEXT;
          h.text = std::string(HealthName(st.health));
          telemetry.push_back(std::move(h));
        }
      }
      status = StatusLocked();
    }
    if (status.state != last_state || status.message != last_message) {
      last_state = status.state;
      last_message = status.message;
      if (log_) log_(BCIIN_LOG_INFO, fmt::format("{}: {}", config_.name, status.message));
      events_.State(status);
    }
    if (!telemetry.empty()) events_.Telemetry(telemetry);
    next += opened_failed ? reconnect_interval_ : poll_interval_;
    auto now = Clock::now();
    if (next < now) next = now;  // late: do not burst to catch up
    while (!stop_ && Clock::now() < next) std::this_thread::sleep_for(std::min(milliseconds(10), std::chrono::duration_cast<milliseconds>(next - Clock::now()) + milliseconds(1)));
  }
}

sdk::DeviceStatus ModbusSensorDevice::StatusLocked() const {
  sdk::DeviceStatus s;
  s.reconnects = reconnects_;
  if (!port_open_) {
    s.state = BCIIN_DEVICE_DISCONNECTED;
    s.message = port_error_.empty() ? "connecting" : port_error_;
  } else if (poller_.AnyUnreachable()) {
    s.state = BCIIN_DEVICE_OFFLINE;
    s.message = poller_.Summary();
  } else if (poller_.AnyException()) {
    s.state = BCIIN_DEVICE_ERROR;
    s.message = poller_.Summary();
  } else {
    s.state = BCIIN_DEVICE_IDLE;
    s.message = poller_.Summary();
  }
  return s;
}

sdk::DeviceStatus ModbusSensorDevice::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  return StatusLocked();
}

sdk::DeviceInfo ModbusSensorDevice::Describe() {
  std::lock_guard<std::mutex> lock(mu_);
  sdk::DeviceInfo info;
  info.model = "Modbus RTU sensors";
  info.protocol = "modbus-rtu";
  info.capabilities = BCIIN_DEVICE_CAP_TELEMETRY;
  std::string caps;
  for (const Channel& c : poller_.channels())
    caps += fmt::format("{}{}:slave={}:fc={}:reg={}:{}", caps.empty() ? "" : ",", c.name, c.slave, c.function, c.reg, c.unit);
  info.firmware_caps = caps;
  return info;
}

std::map<int, SlaveState> ModbusSensorDevice::Slaves() {
  std::lock_guard<std::mutex> lock(mu_);
  return poller_.slaves();
}

uint64_t ModbusSensorDevice::Cycles() {
  std::lock_guard<std::mutex> lock(mu_);
  return poller_.cycles();
}

}  // namespace bciin::modbus
