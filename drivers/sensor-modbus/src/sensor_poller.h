// SensorPoller: one poll cycle over a device's register map, and the health of each slave.
//
// A slave answering is "online". A failed read (timeout, bad CRC) makes it "failing"; after
// `failures_unreachable` failed cycles in a row it is "unreachable", and the poller closes the
// link so that the next cycle opens the port again (a replugged adapter or a restarted
// simulator). The first good answer after that makes it "online" again ("recovered"). A Modbus
// exception is an answer: the slave stays online and the channel reports the exception.
// Not thread-safe.
#pragma once

#include "modbus_link.h"
#include "register_map.h"

#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bciin::modbus {

enum class Health { kUnknown, kOnline, kFailing, kUnreachable };
std::string_view HealthName(Health h);

struct SlaveState {
  Health health = Health::kUnknown;
  int consecutive_failures = 0;
  uint64_t reads = 0;
  uint64_t failures = 0;
  uint64_t exceptions = 0;
  uint64_t recoveries = 0;
  std::string last_error;      // empty when the last read of every group was good
  double last_latency_ms = 0;  // of the last good read
  double total_latency_ms = 0; // over good reads
  uint64_t good_reads = 0;
};

struct Reading {
  size_t channel;  // index into the channel list
  double value;
};

class SensorPoller {
 public:
  // `link` must outlive the poller.
  SensorPoller(std::vector<Channel> channels, int failures_unreachable, ModbusLink* link);

  // Reads every group once. Fills `*readings` with the values read. Returns IoError when the
  // port cannot be opened (nothing was read), else ok (per-slave problems are in slaves()).
  Status PollOnce(std::vector<Reading>* readings);

  const std::vector<Channel>& channels() const { return channels_; }
  const std::map<int, SlaveState>& slaves() const { return slaves_; }
  uint64_t cycles() const { return cycles_; }

  bool AnyUnreachable() const;
  bool AnyException() const { return exception_in_last_cycle_; }
  // "slave 1 unreachable: slave 1 fc04 reg 1+2: no answer (3 failed polls in a row)", or
  // "reading 2 channels from 1 slave(s)".
  std::string Summary() const;

 private:
  std::vector<Channel> channels_;
  std::vector<ReadGroup> groups_;
  int failures_unreachable_;
  ModbusLink* link_;
  std::map<int, SlaveState> slaves_;
  uint64_t cycles_ = 0;
  bool exception_in_last_cycle_ = false;
  std::string last_exception_;
};

}  // namespace bciin::modbus
