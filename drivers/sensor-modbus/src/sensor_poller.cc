#include "sensor_poller.h"

#include <fmt/format.h>

namespace bciin::modbus {

std::string_view HealthName(Health h) {
  switch (h) {
    case Health::kUnknown: return "unknown";
    case Health::kOnline: return "online";
    case Health::kFailing: return "failing";
    case Health::kUnreachable: return "unreachable";
  }
  return "?";
}

SensorPoller::SensorPoller(std::vector<Channel> channels, int failures_unreachable, ModbusLink* link)
    : channels_(std::move(channels)),
      groups_(GroupReads(channels_)),
      failures_unreachable_(failures_unreachable < 1 ? 1 : failures_unreachable),
      link_(link) {
  for (const Channel& c : channels_) slaves_[c.slave];
}

Status SensorPoller::PollOnce(std::vector<Reading>* readings) {
  readings->clear();
  if (!link_->connected()) BCIIN_RETURN_IF_ERROR(link_->Connect());
  ++cycles_;
  exception_in_last_cycle_ = false;
  // A slave's cycle fails if any of its groups fails to answer.
  std::map<int, std::string> failed;
  std::map<int, bool> answered;
  std::vector<uint16_t> regs;
  for (const ReadGroup& g : groups_) {
    SlaveState& st = slaves_[g.slave];
    regs.assign(g.count, 0);
    auto start = std::chrono::steady_clock::now();
    Status s = link_->Read(g.slave, g.function, g.start, g.count, regs.data());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ++st.reads;
    if (s.ok() || s.is(BCIIN_ERR_REJECTED)) {
      answered[g.slave] = true;
      st.last_latency_ms = ms;
      st.total_latency_ms += ms;
      ++st.good_reads;
    }
    if (s.ok()) {
      for (size_t i : g.channels) {
        const Channel& c = channels_[i];
        readings->push_back(Reading{i, c.Decode(std::span<const uint16_t>(regs).subspan(c.reg - g.start))});
      }
    } else if (s.is(BCIIN_ERR_REJECTED)) {
      ++st.exceptions;
      exception_in_last_cycle_ = true;
      last_exception_ = s.message();
    } else if (s.is(BCIIN_ERR_IO)) {
      link_->Close();
      failed[g.slave] = s.message();
      break;
    } else {
      ++st.failures;
      failed[g.slave] = s.message();
    }
  }
  for (auto& [id, st] : slaves_) {
    auto f = failed.find(id);
    if (f == failed.end()) {
      if (!answered.count(id)) continue;
      if (st.health == Health::kUnreachable) ++st.recoveries;
      st.health = Health::kOnline;
      st.consecutive_failures = 0;
      st.last_error = exception_in_last_cycle_ ? last_exception_ : "";
      continue;
    }
    st.last_error = f->second;
    ++st.consecutive_failures;
    st.health = st.consecutive_failures >= failures_unreachable_ ? Health::kUnreachable : Health::kFailing;
  }
  // Every slave unreachable: reopen the port next cycle (the adapter may be new).
  bool all_unreachable = !slaves_.empty();
  for (const auto& [id, st] : slaves_) all_unreachable &= st.health == Health::kUnreachable;
  if (all_unreachable) link_->Close();
  return Status::Ok();
}

bool SensorPoller::AnyUnreachable() const {
  for (const auto& [id, st] : slaves_)
    if (st.health == Health::kUnreachable) return true;
  return false;
}

std::string SensorPoller::Summary() const {
  for (const auto& [id, st] : slaves_) {
    if (st.health == Health::kUnreachable)
      return fmt::format("slave {} unreachable: {} ({} failed polls in a row)", id, st.last_error,
                         st.consecutive_failures);
  }
  if (exception_in_last_cycle_) return last_exception_;
  for (const auto& [id, st] : slaves_) {
    if (st.health == Health::kFailing)
      return fmt::format("slave {} failing: {} ({} in a row)", id, st.last_error, st.consecutive_failures);
  }
  return fmt::format("reading {} channel(s) from {} slave(s)", channels_.size(), slaves_.size());
}

}  // namespace bciin::modbus
