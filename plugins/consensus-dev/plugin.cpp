// consensus-dev: a single-authority signature seal at a configurable interval (devnets, tests).
#include "dev_consensus.h"

#include <bciin/chain/address.h>
#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace {

using bciin::Status;
namespace chain = bciin::chain;

class ConsensusDevPlugin : public bciin::sdk::Plugin {
 public:
  explicit ConsensusDevPlugin(bciin::sdk::Host host) : Plugin(host) {
    bciin::consensus::DevConsensusOptions o;
    o.interval_ms = host.GetUint("interval-ms", 1000);
    std::string key_file = host.GetString("key-file");
    // A devnet must start with no configuration at all: without an authority or a key file,
    // this node is the authority, with its key kept in the data directory.
    if (key_file.empty() && host.GetString("authority").empty())
      key_file = (std::filesystem::path(host.DataDir()) / "consensus-dev.key").string();
    if (!key_file.empty()) {
      chain::KeyPair key = chain::KeyPair::Generate();
      if (std::filesystem::exists(key_file)) {
        bciin::sdk::ThrowIfError(chain::KeyPair::Load(key_file, &key));
      } else if (host.GetBool("create-key", true)) {
        bciin::sdk::ThrowIfError(key.Save(key_file));
        host.Warn(fmt::format("created a new authority key in {}", key_file));
      } else {
        throw bciin::sdk::Error(Status::NotFound("authority key file " + key_file + " does not exist"));
      }
      o.signer = key;
    }
    std::string authority = host.GetString("authority");
    if (!authority.empty()) {
      bciin::sdk::ThrowIfError(chain::DecodeId(chain::kAccountPrefix, authority, &o.authority).WithContext("option authority"));
      if (o.signer && o.signer->public_key() != o.authority)
        throw bciin::sdk::Error(Status::InvalidArgument("key-file " + key_file + " holds " +
                                                        chain::AccountId(o.signer->public_key()) +
                                                        ", not the configured authority " + authority));
    } else if (o.signer) {
      o.authority = o.signer->public_key();
    } else {
      throw bciin::sdk::Error(Status::InvalidArgument("consensus-dev needs 'authority' or 'key-file'"));
    }
    host.Info(fmt::format("dev consensus: authority {}, interval {} ms, {}", chain::AccountId(o.authority),
                          o.interval_ms, o.signer ? "sealing" : "validating only"));
    backend_ = std::make_unique<bciin::consensus::DevConsensus>(std::move(o));
    table_ = std::make_unique<bciin::sdk::ConsensusServiceTable>(backend_.get());
  }
  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_CONSENSUS_SERVICE_ID ? table_->header() : nullptr;
  }

 private:
  std::unique_ptr<bciin::consensus::DevConsensus> backend_;
  std::unique_ptr<bciin::sdk::ConsensusServiceTable> table_;
};

}  // namespace

BCIIN_PLUGIN(ConsensusDevPlugin)
