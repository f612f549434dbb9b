#include "modbus_link.h"

#include <fmt/format.h>
#include <modbus.h>

#include <cerrno>

namespace bciin::modbus {
namespace {

Status FromErrno(int err, std::string_view what) {
  const char* text = modbus_strerror(err);
  switch (err) {
    case EMBXILFUN: return Status::Rejected(fmt::format("{}: exception 01: {}", what, text));
    case EMBXILADD: return Status::Rejected(fmt::format("{}: exception 02: {}", what, text));
    case EMBXILVAL: return Status::Rejected(fmt::format("{}: exception 03: {}", what, text));
    case EMBXSFAIL: return Status::Rejected(fmt::format("{}: exception 04: {}", what, text));
    case EMBXACK: return Status::Rejected(fmt::format("{}: exception 05: {}", what, text));
    case EMBXSBUSY: return Status::Rejected(fmt::format("{}: exception 06: {}", what, text));
    case EMBXMEMPAR: return Status::Rejected(fmt::format("{}: exception 08: {}", what, text));
    case EMBXGPATH: return Status::Rejected(fmt::format("{}: exception 0A: {}", what, text));
    case EMBXGTAR: return Status::Rejected(fmt::format("{}: exception 0B: {}", what, text));
    case ETIMEDOUT: return Status::Timeout(fmt::format("{}: no answer", what));
    case EMBBADCRC: case EMBBADDATA: case EMBBADSLAVE: case EMBBADEXC: case EMBMDATA:
      return Status::Corruption(fmt::format("{}: {}", what, text));
    default: return Status::IoError(fmt::format("{}: {}", what, text));
  }
}

class LibModbusLink : public ModbusLink {
 public:
  explicit LibModbusLink(LinkSettings s) : settings_(std::move(s)) {}
  ~LibModbusLink() override { Close(); }

  Status Connect() override {
    Close();
    ctx_ = modbus_new_rtu(settings_.port.c_str(), settings_.baud, settings_.parity, settings_.data_bits,
                          settings_.stop_bits);
    if (!ctx_) return FromErrno(errno, "modbus_new_rtu " + settings_.port);
    auto ms = settings_.response_timeout.count();
    modbus_set_response_timeout(ctx_, static_cast<uint32_t>(ms / 1000), static_cast<uint32_t>((ms % 1000) * 1000));
    modbus_set_error_recovery(ctx_, MODBUS_ERROR_RECOVERY_PROTOCOL);
    if (modbus_connect(ctx_) != 0) {
      Status s = FromErrno(errno, "open " + settings_.port);
      modbus_free(ctx_);
      ctx_ = nullptr;
      return Status::IoError(s.message());
    }
    return Status::Ok();
  }

  void Close() override {
    if (!ctx_) return;
    modbus_close(ctx_);
    modbus_free(ctx_);
    ctx_ = nullptr;
  }

  bool connected() const override { return ctx_ != nullptr; }

  Status Read(int slave, int function, uint16_t start, uint16_t count, uint16_t* out) override {
    if (!ctx_) return Status::IoError("not connected");
    modbus_set_slave(ctx_, slave);
    int n = function == 3 ? modbus_read_registers(ctx_, start, count, out)
                          : modbus_read_input_registers(ctx_, start, count, out);
    if (n == count) return Status::Ok();
    if (n >= 0) return Status::Corruption(fmt::format("slave {}: {} registers instead of {}", slave, n, count));
    return FromErrno(errno, fmt::format("slave {} fc{:02d} reg {}+{}", slave, function, start, count));
  }

 private:
  LinkSettings settings_;
  modbus_t* ctx_ = nullptr;
};

}  // namespace

std::unique_ptr<ModbusLink> NewLibModbusLink(const LinkSettings& settings) {
  return std::make_unique<LibModbusLink>(settings);
}

}  // namespace bciin::modbus
