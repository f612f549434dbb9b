#include "genesis.h"

#include <bciin/chain/address.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

TEST(Genesis, ParsesAllFields) {
  KeyPair k = KeyPair::Generate();
  std::string json = R"({"network_id": "net", "time_ms": 5, "block_reward": "340282366920938463463374607431768211455",
    "maintenance_fee_per_block": "2", "min_gas_price": 3, "max_block_bytes": 100000, "max_tx_bytes": 1000,
    "block_gas_limit": 99, "max_future_ms": 7,
    "accounts": [{"address": ")" + AccountId(k.public_key()) + R"(", "balance": "12"}],
    "extensions": {"oracles": {"x": 1}}})";
  Genesis g;
  Status s = Genesis::FromJson(json, &g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(g.params.network_id, "net");
  EXPECT_EQ(g.params.block_reward, Amount::Max());
  EXPECT_EQ(g.params.maintenance_fee_per_block, Amount(2));
  EXPECT_EQ(g.params.min_gas_price, 3u);
  EXPECT_EQ(g.params.block_gas_limit, 99u);
  ASSERT_EQ(g.accounts.size(), 1u);
  EXPECT_EQ(g.accounts[0].account, k.public_key());
  EXPECT_EQ(g.accounts[0].balance, Amount(12));
  EXPECT_EQ(g.extension_config.at("oracles"), R"({"x":1})");
}

TEST(Genesis, RejectsWithReasons) {
  Genesis g;
  auto reason = [&](const std::string& json) { return Genesis::FromJson(json, &g).message(); };
  EXPECT_NE(reason("{").find("not JSON"), std::string::npos);
  EXPECT_NE(reason("{}").find("network_id"), std::string::npos);
  EXPECT_NE(reason(R"({"network_id": "n", "bogus": 1})").find("unknown field"), std::string::npos);
  EXPECT_NE(reason(R"({"network_id": "n", "block_reward": "-1"})").find("amount"), std::string::npos);
  EXPECT_NE(reason(R"({"network_id": "n", "accounts": [{"address": "ak_nope", "balance": "1"}]})").find("genesis account"),
            std::string::npos);
  KeyPair k = KeyPair::Generate();
  std::string a = R"({"address": ")" + AccountId(k.public_key()) + R"(", "balance": "1"})";
  EXPECT_NE(reason(R"({"network_id": "n", "accounts": [)" + a + "," + a + "]}").find("twice"), std::string::npos);
  std::string big = R"({"address": ")" + AccountId(k.public_key()) + R"(", "balance": "340282366920938463463374607431768211455"})";
  KeyPair k2 = KeyPair::Generate();
  std::string big2 = R"({"address": ")" + AccountId(k2.public_key()) + R"(", "balance": "1"})";
  EXPECT_NE(reason(R"({"network_id": "n", "accounts": [)" + big + "," + big2 + "]}").find("overflows"), std::string::npos);
}

}  // namespace
}  // namespace bciin::chain
