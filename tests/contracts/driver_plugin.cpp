// contract-driver (tests only): a client inside the node. Submits the signed transactions found
// in tx-dir (files *.tx, raw canonical SignedTx, in name order) through bciin.chain/1, waits for
// each to be in a block, logs its outcome, and finally writes the proof of `prove-key` (hex) in
// subtree `prove-subtree` with its header, both as hex, into out-dir.
#include <bciin/chain_service.h>
#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

void Append(void* ctx, const uint8_t* data, size_t size) {
  static_cast<std::string*>(ctx)->append(reinterpret_cast<const char*>(data), size);
}
std::string Hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}
std::string Unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

class ContractDriver : public bciin::sdk::Plugin {
 public:
  explicit ContractDriver(bciin::sdk::Host host) : Plugin(host) {
    tx_dir_ = host.GetString("tx-dir");
    out_dir_ = host.GetString("out-dir", tx_dir_);
    prove_key_ = Unhex(host.GetString("prove-key"));
    prove_subtree_ = host.GetString("prove-subtree", "vm");
    chain_ = reinterpret_cast<const bciin_chain_service*>(host.FindService(BCIIN_CHAIN_SERVICE_ID));
    if (chain_ == nullptr) throw bciin::sdk::Error(bciin::Status::NotFound("no bciin.chain/1"));
  }
  void Start() override {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(tx_dir_))
      if (e.path().extension() == ".tx") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    void* inst = chain_->header.instance;
    for (const fs::path& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string bytes = ss.str();
      uint8_t hash[32];
      bciin_error e{};
      bciin_span span{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
      if (chain_->submit_tx(inst, span, hash, &e) != BCIIN_OK) {
        host().Error(fmt::format("driver: {} refused: {}", f.filename().string(), e.message));
        return;
      }
      host().Info(fmt::format("driver: submitted {}", f.filename().string()));
      bciin_chain_tx_status st{};
      while (!stop_) {
        st = bciin_chain_tx_status{};
        st.size = sizeof st;
        std::string tx;
        if (chain_->tx_status(inst, hash, &st, bciin_sink{&tx, &Append}, &e) == BCIIN_OK &&
            st.state == BCIIN_CHAIN_TX_INCLUDED)
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (stop_) return;
      host().Info(fmt::format("driver: included {} at height {} success {} gas {}", f.filename().string(),
                              st.block_height, st.success, st.gas_used));
    }
    if (!prove_key_.empty()) {
      std::string proof, header;
      bciin_error e{};
      bciin_span key{reinterpret_cast<const uint8_t*>(prove_key_.data()), prove_key_.size()};
      if (chain_->prove(chain_->header.instance, prove_subtree_.c_str(), key, nullptr, bciin_sink{&proof, &Append},
                        bciin_sink{&header, &Append}, &e) != BCIIN_OK) {
        host().Error(fmt::format("driver: prove failed: {}", e.message));
        return;
      }
      std::ofstream(fs::path(out_dir_) / "proof.hex") << Hex(proof) << "\n";
      std::ofstream(fs::path(out_dir_) / "header.hex") << Hex(header) << "\n";
    }
    host().Info("driver: done");
  }

  std::string tx_dir_, out_dir_, prove_key_, prove_subtree_;
  const bciin_chain_service* chain_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace

BCIIN_PLUGIN(ContractDriver)
