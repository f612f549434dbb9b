#include "dev_consensus.h"

#include <gtest/gtest.h>

#include <cstring>

namespace bciin::consensus {
namespace {

struct Fixture {
  chain::KeyPair key = chain::KeyPair::Generate();
  DevConsensus dev{DevConsensusOptions{key.public_key(), key, 100}};
  sdk::ConsensusServiceTable table{&dev};
  sdk::ConsensusClient client{table.table()};

  bciin_consensus_header Header(uint64_t height, uint64_t time, const std::string& fields,
                                const std::string& seal) {
    bciin_consensus_header h{};
    h.size = sizeof(h);
    h.height = height;
    h.time_ms = time;
    h.seal_hash[0] = static_cast<uint8_t>(height);
    h.fields = {reinterpret_cast<const uint8_t*>(fields.data()), fields.size()};
    h.seal = {reinterpret_cast<const uint8_t*>(seal.data()), seal.size()};
    return h;
  }
};

TEST(DevConsensus, SealsAndChecks) {
  Fixture f;
  std::string fields, seal;
  auto parent = f.Header(1, 1000, "", "");
  ASSERT_TRUE(f.client.NextFields(parent, 1100, nullptr, &fields).ok());
  auto h = f.Header(2, 1100, fields, "");
  ASSERT_TRUE(f.client.ProduceSeal(h, [] { return false; }, &seal).ok());
  auto sealed = f.Header(2, 1100, fields, seal);
  EXPECT_TRUE(f.client.CheckSeal(sealed, parent, nullptr).ok());
  uint64_t w = 0;
  ASSERT_TRUE(f.client.Weight(sealed, &w).ok());
  EXPECT_EQ(w, 1u);
  EXPECT_EQ(f.client.NextBlockTime(parent, 0), 1100u);
}

TEST(DevConsensus, RejectsBadSealsEarlyBlocksAndOtherAuthorities) {
  Fixture f;
  std::string fields, seal;
  auto parent = f.Header(1, 1000, "", "");
  ASSERT_TRUE(f.client.NextFields(parent, 1100, nullptr, &fields).ok());
  ASSERT_TRUE(f.client.ProduceSeal(f.Header(2, 1100, fields, ""), [] { return false; }, &seal).ok());
  std::string bad = seal;
  bad[3] ^= 1;
  EXPECT_TRUE(f.client.CheckSeal(f.Header(2, 1100, fields, bad), parent, nullptr).is(BCIIN_ERR_REJECTED));
  // Sealed over another hash (height changes seal_hash in the fixture).
  EXPECT_FALSE(f.client.CheckSeal(f.Header(3, 1100, fields, seal), parent, nullptr).ok());
  // Too early.
  Status early = f.client.CheckSeal(f.Header(2, 1050, fields, seal), parent, nullptr);
  EXPECT_NE(early.message().find("interval"), std::string::npos) << early.ToString();
  // Another authority named in the fields.
  std::string other(32, 'x');
  EXPECT_FALSE(f.client.CheckSeal(f.Header(2, 1100, other, seal), parent, nullptr).ok());
}

TEST(DevConsensus, ValidatorOnlyCannotSeal) {
  chain::KeyPair key = chain::KeyPair::Generate();
  DevConsensus dev{DevConsensusOptions{key.public_key(), std::nullopt, 100}};
  sdk::ConsensusServiceTable table{&dev};
  sdk::ConsensusClient client{table.table()};
  bciin_consensus_header h{};
  h.size = sizeof(h);
  std::string seal;
  EXPECT_TRUE(client.ProduceSeal(h, [] { return false; }, &seal).is(BCIIN_ERR_UNSUPPORTED));
  EXPECT_EQ(client.NextBlockTime(h, 5), UINT64_MAX);
}

TEST(DevConsensus, Cancelled) {
  Fixture f;
  bciin_consensus_header h{};
  h.size = sizeof(h);
  std::string seal;
  EXPECT_TRUE(f.client.ProduceSeal(h, [] { return true; }, &seal).is(BCIIN_ERR_CANCELLED));
}

}  // namespace
}  // namespace bciin::consensus
