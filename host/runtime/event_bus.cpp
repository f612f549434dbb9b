#include "event_bus.hpp"

#include <vector>

namespace bciin::host {

bool EventBus::Matches(const std::string& pattern, const std::string& topic) {
  if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0)
    return topic.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == topic;
}

uint64_t EventBus::Subscribe(const std::string& topic, Handler handler) {
  auto sub = std::make_shared<Subscriber>();
  sub->pattern = topic;
  sub->handler = std::move(handler);
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  subscribers_.emplace(id, std::move(sub));
  return id;
}

void EventBus::Unsubscribe(uint64_t id) {
  std::shared_ptr<Subscriber> sub;
  {
    std::lock_guard lock(mu_);
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return;
    sub = it->second;
    subscribers_.erase(it);
  }
  sub->active = false;
  // Wait for a running delivery to finish, unless we are that delivery.
  if (sub->runner.load() != std::this_thread::get_id()) std::lock_guard wait(sub->running);
}

int EventBus::Publish(const std::string& topic, std::string_view payload) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, sub] : subscribers_)
      if (Matches(sub->pattern, topic)) targets.push_back(sub);
  }
  auto data = std::make_shared<const std::string>(payload);
  int scheduled = 0;
  for (auto& sub : targets) {
    bool ok = pool_->Post([sub, topic, data] {
      std::lock_guard running(sub->running);
      if (!sub->active) return;
      sub->runner = std::this_thread::get_id();
      sub->handler(topic, *data);
      sub->runner = std::thread::id();
    });
    if (!ok) return -1;
    ++scheduled;
  }
  return scheduled;
}

}  // namespace bciin::host
