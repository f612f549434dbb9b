// A configurable test plugin: its behaviour (fail in create or start, provide a service, use one)
// is chosen at compile time by FIXTURE_* definitions, so each fixture is a real, separately
// built plugin that the host tests load as an operator's node would.
#include <bciin/abi.h>
// Pretend to be built against another ABI, to test that the host refuses it.
#ifdef FIXTURE_ABI_MAJOR
#undef BCIIN_ABI_MAJOR
#define BCIIN_ABI_MAJOR FIXTURE_ABI_MAJOR
#endif
#ifdef FIXTURE_ABI_MINOR
#undef BCIIN_ABI_MINOR
#define BCIIN_ABI_MINOR FIXTURE_ABI_MINOR
#endif
#include <bciin/sdk/plugin.hpp>

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

// A trivial service table: returns a number, so a dependent plugin can prove it found it.
struct fixture_counter_service {
  bciin_service_header header;
  int64_t (*value)(void* instance);
};

class FixturePlugin : public bciin::sdk::Plugin {
 public:
  explicit FixturePlugin(bciin::sdk::Host host) : Plugin(host) {
#ifdef FIXTURE_THROW_IN_CREATE
    throw std::runtime_error("fixture refuses to be created");
#endif
    value_ = host.GetInt("value", 7);
    service_.header = {sizeof(service_), "fixture.counter/1", "1.2.0", this};
    service_.value = [](void* self) -> int64_t { return static_cast<FixturePlugin*>(self)->value_; };
#ifdef FIXTURE_USES_COUNTER
    auto* svc = reinterpret_cast<const fixture_counter_service*>(
        host.FindService("fixture.counter/1", "1.0.0"));
    if (!svc) throw bciin::sdk::Error(bciin::Status::NotFound("fixture.counter/1 is not available"));
    host.Info("counter says " + std::to_string(svc->value(svc->header.instance)));
#endif
  }

  void Start() override {
#ifdef FIXTURE_FAIL_IN_START
    throw bciin::sdk::Error(bciin::Status::IoError("fixture cannot start"));
#endif
    host().Info("started " FIXTURE_NAME);
  }

  void Stop() override { host().Info("stopped " FIXTURE_NAME); }

  const bciin_service_header* Service(std::string_view id) override {
    return id == "fixture.counter/1" ? &service_.header : nullptr;
  }

 private:
  int64_t value_ = 0;
  fixture_counter_service service_{};
};

}  // namespace

BCIIN_PLUGIN(FixturePlugin)
