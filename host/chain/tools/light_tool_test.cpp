// bciin-light end to end: a proof from a chain, checked by the tool from hex files.
#include "chain/testnet.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

namespace bciin::chain {
namespace {

int RunTool(const std::string& header_hex, const std::string& proof_hex) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/header.hex") << header_hex << "\n";
  std::ofstream(dir + "/proof.hex") << proof_hex << "\n";
  std::string cmd = std::string(BCIIN_LIGHT_PATH) + " --header @" + dir + "/header.hex --proof @" + dir +
                    "/proof.hex > " + dir + "/light.out";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(BciinLight, VerifiesPresenceAbsenceAndRejectsForgeries) {
  TestNet net;
  ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(0, net.user(1).public_key(), Amount(9), 1), nullptr).ok());
  ASSERT_TRUE(net.Produce().ok());
  StateProof proof;
  Header header;
  ASSERT_TRUE(net.chain().Prove(kAccountsSubtree, net.user(1).public_key(), std::nullopt, &proof, &header).ok());
  EXPECT_EQ(RunTool(ToHex(Encode(header)), ToHex(Encode(proof))), 0);
  std::ifstream out(::testing::TempDir() + "/light.out");
  std::string all((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("present: "), std::string::npos) << all;

  PublicKey nobody = KeyPair::Generate().public_key();
  ASSERT_TRUE(net.chain().Prove(kAccountsSubtree, nobody, std::nullopt, &proof, &header).ok());
  EXPECT_EQ(RunTool(ToHex(Encode(header)), ToHex(Encode(proof))), 0);

  Header forged = header;
  forged.state_root[3] ^= 1;
  EXPECT_EQ(RunTool(ToHex(Encode(forged)), ToHex(Encode(proof))), 1);
  EXPECT_EQ(RunTool("zz", ToHex(Encode(proof))), 2);
}

}  // namespace
}  // namespace bciin::chain
