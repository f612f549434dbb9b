// Topic-based publish/subscribe between plugins (and the host). Deliveries run on the work pool,
// so a slow subscriber never blocks a publisher.
#pragma once

#include "work_pool.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace bciin::host {

class EventBus {
 public:
  using Handler = std::function<void(const std::string& topic, std::string_view payload)>;

  explicit EventBus(WorkPool* pool) : pool_(pool) {}

  // `topic` is an exact topic, or a prefix ending in ".*" ("device.*"). Returns an id > 0.
  uint64_t Subscribe(const std::string& topic, Handler handler);
  // After this returns the handler is not running (unless called from inside it) and never runs
  // again.
  void Unsubscribe(uint64_t id);
  // Copies the payload and schedules one delivery per matching subscriber. Returns the number of
  // subscribers scheduled, or -1 when the pool no longer takes work.
  int Publish(const std::string& topic, std::string_view payload);

 private:
  struct Subscriber {
    std::string pattern;
    Handler handler;
    std::mutex running;  // held while the handler runs
    std::atomic<bool> active{true};
    std::atomic<std::thread::id> runner{};
  };
  static bool Matches(const std::string& pattern, const std::string& topic);

  WorkPool* pool_;
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace bciin::host
