// The C++ driver base through the C table and back through DeviceHandle, as the worker uses it.
#include <bciin/sdk/device.hpp>

#include <gtest/gtest.h>

using namespace bciin;
using namespace bciin::sdk;

namespace {

class FakeDevice : public Device {
 public:
  explicit FakeDevice(DeviceEvents events) : events_(events) {}
  DeviceInfo Describe() override {
    DeviceInfo i;
    i.model = "fake";
    i.capabilities = BCIIN_DEVICE_CAP_JOBS;
    return i;
  }
  DeviceStatus GetStatus() override {
    DeviceStatus s;
    s.state = BCIIN_DEVICE_IDLE;
    s.message = std::string(400, 'm');  // longer than the C buffer: truncated, not overflowed
    return s;
  }
  Status CheckJob(const JobSpec& job) override {
    return job.program.empty() ? Status::InvalidArgument("line 1: empty") : Status::Ok();
  }
  Status SubmitJob(const JobSpec& job, uint64_t* id) override {
    if (job.params.at("material") != "PLA" || job.copies != 3) return Status::InvalidArgument("params");
    *id = 42;
    events_.Telemetry({TelemetryValue::Number("hotend.temperature", "Cel", 200.5)});
    events_.Console(BCIIN_CONSOLE_RECEIVED, "ok");
    return Status::Ok();
  }
  JobProgress GetProgress() override {
    JobProgress p;
    p.job_id = 42;
    p.lines_done = 7;
    return p;
  }
  Status Pause() override { throw std::runtime_error("boom"); }

 private:
  DeviceEvents events_;
};

class FakeDriver : public DeviceDriver {
 public:
  Status Open(const DeviceConfig& c, DeviceEvents events, std::unique_ptr<Device>* out) override {
    if (c.Get("speed") != "fast" || c.port != "/dev/fake") return Status::InvalidArgument("config");
    *out = std::make_unique<FakeDevice>(events);
    return Status::Ok();
  }
};

struct Seen {
  double temperature = 0;
  std::string console;
};

TEST(DeviceService, RoundTripThroughTheCTable) {
  FakeDriver driver;
  DeviceDriverService service(&driver);
  auto* table = reinterpret_cast<const bciin_device_driver_service*>(service.header());
  EXPECT_STREQ(table->header.id, BCIIN_DEVICE_DRIVER_SERVICE_ID);

  Seen seen;
  bciin_device_listener l{sizeof(l), &seen, nullptr, nullptr,
                          [](void* u, const bciin_telemetry_value* v, uint32_t n) {
                            ASSERT_EQ(n, 1u);
                            EXPECT_STREQ(v[0].unit, "Cel");
                            static_cast<Seen*>(u)->temperature = v[0].number;
                          },
                          [](void* u, int32_t, const char* line) { static_cast<Seen*>(u)->console = line; }};
  DeviceConfig config;
  config.name = "p";
  config.port = "/dev/fake";
  config.options["speed"] = "fast";
  DeviceHandle h;
  ASSERT_TRUE(DeviceHandle::Open(table, config, l, &h).ok());

  DeviceInfo info;
  ASSERT_TRUE(h.Describe(&info).ok());
  EXPECT_EQ(info.model, "fake");
  DeviceStatus st;
  ASSERT_TRUE(h.GetStatus(&st).ok());
  EXPECT_EQ(st.state, BCIIN_DEVICE_IDLE);
  EXPECT_EQ(st.message.size(), 255u);

  JobSpec job;
  job.program = "G28\n";
  job.params["material"] = "PLA";
  job.copies = 3;
  uint64_t id = 0;
  ASSERT_TRUE(h.SubmitJob(job, &id).ok());
  EXPECT_EQ(id, 42u);
  EXPECT_EQ(seen.temperature, 200.5);
  EXPECT_EQ(seen.console, "ok");
  job.program.clear();
  auto s = h.CheckJob(job);
  EXPECT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT));
  EXPECT_NE(s.message().find("line 1: empty"), std::string::npos);

  s = h.Pause();  // an exception in the driver becomes an error at the boundary
  EXPECT_TRUE(s.is(BCIIN_ERR_INTERNAL));
  EXPECT_NE(s.message().find("boom"), std::string::npos);
  EXPECT_TRUE(h.Resume().is(BCIIN_ERR_UNSUPPORTED));

  JobProgress p;
  ASSERT_TRUE(h.GetProgress(&p).ok());
  EXPECT_EQ(p.lines_done, 7u);

  config.options["speed"] = "slow";
  DeviceHandle h2;
  EXPECT_TRUE(DeviceHandle::Open(table, config, l, &h2).is(BCIIN_ERR_INVALID_ARGUMENT));
}

TEST(DeviceService, OlderCallerStructIsFilledOnlyUpToItsSize) {
  bciin_device_status big = detail::ToC(DeviceStatus{BCIIN_DEVICE_RUNNING, 9, 1, "m"});
  bciin_device_status small{};
  small.size = offsetof(bciin_device_status, job_id);  // a caller built before job_id existed
  small.job_id = 77;
  detail::FillSized(&small, big);
  EXPECT_EQ(small.state, BCIIN_DEVICE_RUNNING);
  EXPECT_EQ(small.job_id, 77u);
  EXPECT_EQ(small.size, offsetof(bciin_device_status, job_id));
}

}  // namespace
