// hello-cpp: a BCIIN plugin in C++ — one class and one macro line.
//
// It reads its options, uses the service hello.clock/1 (from the hello-c sample), provides its
// own service hello.greeter/1, and subscribes to the clock's "hello.tick" events.
#include "hello_clock.h"
#include "hello_greeter.h"

#include <bciin/sdk/plugin.hpp>

#include <atomic>
#include <string>

namespace {

class HelloPlugin : public bciin::sdk::Plugin {
 public:
  explicit HelloPlugin(bciin::sdk::Host host) : Plugin(host) {
    greeting_ = host.GetString("greeting");
    repeat_ = host.GetUint("repeat");
    // Required in the declaration, so the host created hello-c first; still, check it.
    clock_ = reinterpret_cast<const hello_clock_service*>(host.FindService(HELLO_CLOCK_SERVICE_ID, "1.0.0"));
    if (!clock_) throw bciin::sdk::Error(bciin::Status::NotFound("service hello.clock/1 is not available"));
    service_.header = {sizeof(service_), HELLO_GREETER_SERVICE_ID, "1.0.0", this};
    service_.greet = [](void* self, const char* name, bciin_sink out) -> int32_t {
      std::string text = static_cast<HelloPlugin*>(self)->Greet(name ? name : "");
      out.write(out.context, reinterpret_cast<const uint8_t*>(text.data()), text.size());
      return BCIIN_OK;
    };
  }

  void Start() override {
    host().Info(Greet("world") + " (the clock ticks every " +
                std::to_string(clock_->tick_ms(clock_->header.instance)) + " ms)");
    ticks_ = host().Subscribe("hello.tick", [this](std::string_view, bciin_span payload) {
      if (seen_.fetch_add(1) < repeat_)
        host().Info("tick " + std::string(reinterpret_cast<const char*>(payload.data), payload.size));
    });
  }

  void Stop() override {
    ticks_.reset();
    host().Info("saw " + std::to_string(seen_.load()) + " ticks; goodbye");
  }

  const bciin_service_header* Service(std::string_view id) override {
    return id == HELLO_GREETER_SERVICE_ID ? &service_.header : nullptr;
  }

 private:
  std::string Greet(const std::string& name) const { return greeting_ + ", " + name; }

  std::string greeting_;
  uint64_t repeat_ = 0;
  const hello_clock_service* clock_ = nullptr;
  hello_greeter_service service_{};
  bciin::sdk::Subscription ticks_;
  std::atomic<uint64_t> seen_{0};
};

}  // namespace

BCIIN_PLUGIN(HelloPlugin)
