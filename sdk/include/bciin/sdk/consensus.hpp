// C++ faces of bciin.consensus/1 (consensus.h): ConsensusClient for the engine,
// ConsensusBackend + ConsensusServiceTable for consensus plugins. Header-only.
#pragma once

#include <bciin/consensus.h>
#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace bciin::sdk {
inline namespace v1 {

namespace consdetail {
inline void AppendTo(void* context, const uint8_t* data, size_t size) {
  static_cast<std::string*>(context)->append(reinterpret_cast<const char*>(data), size);
}
inline Status FromC(int32_t rc, const bciin_error& e) {
  return rc == BCIIN_OK ? Status() : Status::FromError(e);
}
}  // namespace consdetail

// Ancestor lookup handed to the consensus service: fn(height, &out) -> Status.
using AncestorFn = std::function<Status(uint64_t height, bciin_consensus_header* out)>;

class ConsensusClient {
 public:
  ConsensusClient() = default;
  explicit ConsensusClient(const bciin_consensus_service* s) : s_(s) {}
  static Status From(const bciin_service_header* header, ConsensusClient* out) {
    if (header == nullptr) return Status::NotFound("no " BCIIN_CONSENSUS_SERVICE_ID " service");
    if (std::string_view(header->id) != BCIIN_CONSENSUS_SERVICE_ID ||
        header->size < sizeof(bciin_consensus_service))
      return Status::Unsupported(std::string("not a " BCIIN_CONSENSUS_SERVICE_ID " table: ") + header->id);
    *out = ConsensusClient(reinterpret_cast<const bciin_consensus_service*>(header));
    return Status();
  }
  bool valid() const { return s_ != nullptr; }
  const bciin_consensus_service* table() const { return s_; }

  Status NextFields(const bciin_consensus_header& parent, uint64_t time_ms,
                    const AncestorFn& ancestors, std::string* fields) const {
    fields->clear();
    Chain c(ancestors);
    bciin_error e{};
    return consdetail::FromC(s_->next_fields(s_->header.instance, &parent, time_ms, c.get(),
                                             bciin_sink{fields, &consdetail::AppendTo}, &e),
                             e);
  }
  Status CheckSeal(const bciin_consensus_header& header, const bciin_consensus_header& parent,
                   const AncestorFn& ancestors) const {
    Chain c(ancestors);
    bciin_error e{};
    return consdetail::FromC(s_->check_seal(s_->header.instance, &header, &parent, c.get(), &e), e);
  }
  Status Weight(const bciin_consensus_header& header, uint64_t* weight) const {
    bciin_error e{};
    return consdetail::FromC(s_->weight(s_->header.instance, &header, weight, &e), e);
  }
  Status ProduceSeal(const bciin_consensus_header& header, const std::function<bool()>& cancelled,
                     std::string* seal) const {
    seal->clear();
    bciin_cancel cancel{const_cast<std::function<bool()>*>(&cancelled), [](void* ctx) -> int32_t {
                          return (*static_cast<std::function<bool()>*>(ctx))() ? 1 : 0;
                        }};
    bciin_error e{};
    return consdetail::FromC(s_->produce_seal(s_->header.instance, &header, &cancel,
                                              bciin_sink{seal, &consdetail::AppendTo}, &e),
                             e);
  }
  uint64_t NextBlockTime(const bciin_consensus_header& parent, uint64_t now_ms) const {
    return s_->next_block_time(s_->header.instance, &parent, now_ms);
  }

 private:
  class Chain {
   public:
    explicit Chain(const AncestorFn& fn) : fn_(fn) {
      c_.context = this;
      c_.ancestor = [](void* ctx, uint64_t h, bciin_consensus_header* out, bciin_error* e) -> int32_t {
        auto* self = static_cast<Chain*>(ctx);
        if (!self->fn_) return Status::NotFound("no ancestors available").ToError(e);
        try {
          return self->fn_(h, out).ToError(e);
        } catch (const std::exception& ex) {
          return Status::Internal(ex.what()).ToError(e);
        }
      };
    }
    const bciin_consensus_chain* get() const { return &c_; }

   private:
    const AncestorFn& fn_;
    bciin_consensus_chain c_{};
  };

  const bciin_consensus_service* s_ = nullptr;
};

// What a consensus plugin implements.
class ConsensusBackend {
 public:
  virtual ~ConsensusBackend() = default;
  virtual Status NextFields(const bciin_consensus_header& parent, uint64_t time_ms,
                            const bciin_consensus_chain& chain, std::string* fields) = 0;
  virtual Status CheckSeal(const bciin_consensus_header& header,
                           const bciin_consensus_header& parent,
                           const bciin_consensus_chain& chain) = 0;
  virtual Status Weight(const bciin_consensus_header& header, uint64_t* weight) = 0;
  virtual Status ProduceSeal(const bciin_consensus_header& header, const bciin_cancel& cancel,
                             std::string* seal) = 0;
  virtual uint64_t NextBlockTime(const bciin_consensus_header& parent, uint64_t now_ms) = 0;
};

class ConsensusServiceTable {
 public:
  explicit ConsensusServiceTable(ConsensusBackend* b,
                                 const char* version = BCIIN_CONSENSUS_SERVICE_VERSION) {
    t_.header = {sizeof(bciin_consensus_service), BCIIN_CONSENSUS_SERVICE_ID, version, b};
    t_.next_fields = [](void* inst, const bciin_consensus_header* parent, uint64_t time_ms,
                        const bciin_consensus_chain* chain, bciin_sink out, bciin_error* e) -> int32_t {
      return Guard(e, [&] {
        std::string fields;
        Status s = B(inst)->NextFields(*parent, time_ms, *chain, &fields);
        if (s.ok()) out.write(out.context, reinterpret_cast<const uint8_t*>(fields.data()), fields.size());
        return s;
      });
    };
    t_.check_seal = [](void* inst, const bciin_consensus_header* h, const bciin_consensus_header* p,
                       const bciin_consensus_chain* chain, bciin_error* e) -> int32_t {
      return Guard(e, [&] { return B(inst)->CheckSeal(*h, *p, *chain); });
    };
    t_.weight = [](void* inst, const bciin_consensus_header* h, uint64_t* w, bciin_error* e) -> int32_t {
      return Guard(e, [&] { return B(inst)->Weight(*h, w); });
    };
    t_.produce_seal = [](void* inst, const bciin_consensus_header* h, const bciin_cancel* c,
                         bciin_sink out, bciin_error* e) -> int32_t {
      return Guard(e, [&] {
        std::string seal;
        Status s = B(inst)->ProduceSeal(*h, *c, &seal);
        if (s.ok()) out.write(out.context, reinterpret_cast<const uint8_t*>(seal.data()), seal.size());
        return s;
      });
    };
    t_.next_block_time = [](void* inst, const bciin_consensus_header* p, uint64_t now) -> uint64_t {
      try {
        return B(inst)->NextBlockTime(*p, now);
      } catch (...) {
        return UINT64_MAX;
      }
    };
  }
  const bciin_consensus_service* table() const { return &t_; }
  const bciin_service_header* header() const { return &t_.header; }

 private:
  static ConsensusBackend* B(void* inst) { return static_cast<ConsensusBackend*>(inst); }
  template <class Fn>
  static int32_t Guard(bciin_error* e, Fn&& fn) noexcept {
    try {
      return fn().ToError(e);
    } catch (const std::exception& ex) {
      return Status::Internal(std::string("consensus: ") + ex.what()).ToError(e);
    } catch (...) {
      return Status::Internal("consensus: a non-standard exception").ToError(e);
    }
  }
  bciin_consensus_service t_{};
};

}  // namespace v1
}  // namespace bciin::sdk
