// The keystore: keys come back only with the right password, never stand in the clear on disk,
// and every bad name, file or password is refused with a reason.
#include "keystore.h"

#include <bciin/chain/address.h>
#include <bciin/chain/bytes.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace bciin::cli {
namespace {

namespace fs = std::filesystem;

class KeystoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bciin-keystore-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string ReadAll(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
};

TEST_F(KeystoreTest, KeyComesBackWithTheRightPassword) {
  Keystore ks(dir_);
  chain::KeyPair key = chain::KeyPair::Generate();
  ASSERT_TRUE(ks.Add("alice", key, "correct horse").ok());
  chain::KeyPair loaded = chain::KeyPair::Generate();
  Status s = ks.Load("alice", "correct horse", &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(loaded.seed(), key.seed());
  EXPECT_EQ(loaded.public_key(), key.public_key());
  std::string address;
  ASSERT_TRUE(ks.Address("alice", &address).ok());
  EXPECT_EQ(address, chain::AccountId(key.public_key()));
}

TEST_F(KeystoreTest, WrongPasswordDecryptsNothing) {
  Keystore ks(dir_);
  chain::KeyPair key = chain::KeyPair::Generate();
  ASSERT_TRUE(ks.Add("alice", key, "right").ok());
  chain::KeyPair untouched = chain::KeyPair::Generate();
  auto before = untouched.seed();
  Status s = ks.Load("alice", "wrong", &untouched);
  EXPECT_TRUE(s.is(BCIIN_ERR_REJECTED)) << s.ToString();
  EXPECT_NE(s.message().find("wrong password"), std::string::npos);
  EXPECT_EQ(untouched.seed(), before);
}

TEST_F(KeystoreTest, SeedIsNeverStoredInTheClearAndFileIsPrivate) {
  Keystore ks(dir_);
  chain::KeyPair key = chain::KeyPair::Generate();
  ASSERT_TRUE(ks.Add("bob", key, "pw").ok());
  fs::path file = dir_ / "bob.json";
  std::string text = ReadAll(file);
  EXPECT_EQ(text.find(chain::ToHex(key.seed())), std::string::npos);
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j.value("kdf", ""), "argon2id13");
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(KeystoreTest, BadNamesAndDuplicatesAreRefused) {
  Keystore ks(dir_);
  chain::KeyPair key = chain::KeyPair::Generate();
  for (const std::string& bad : std::vector<std::string>{"", "../evil", "a b", "x/y", std::string(65, 'a')}) {
    Status s = ks.Add(bad, key, "pw");
    EXPECT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT)) << "'" << bad << "': " << s.ToString();
  }
  ASSERT_TRUE(ks.Add("carol", key, "pw").ok());
  EXPECT_TRUE(ks.Add("carol", chain::KeyPair::Generate(), "pw").is(BCIIN_ERR_ALREADY_EXISTS));
  chain::KeyPair out = chain::KeyPair::Generate();
  EXPECT_TRUE(ks.Load("nobody", "pw", &out).is(BCIIN_ERR_NOT_FOUND));
  EXPECT_TRUE(ks.Load("../carol", "pw", &out).is(BCIIN_ERR_INVALID_ARGUMENT));
}

TEST_F(KeystoreTest, ListsEveryKeyWithItsAddress) {
  Keystore ks(dir_);
  chain::KeyPair a = chain::KeyPair::Generate(), b = chain::KeyPair::Generate();
  ASSERT_TRUE(ks.Add("a", a, "pw").ok());
  ASSERT_TRUE(ks.Add("b", b, "pw").ok());
  std::vector<KeyInfo> keys;
  ASSERT_TRUE(ks.List(&keys).ok());
  ASSERT_EQ(keys.size(), 2u);
  std::map<std::string, std::string> by_name;
  for (const auto& k : keys) by_name[k.name] = k.address;
  EXPECT_EQ(by_name["a"], chain::AccountId(a.public_key()));
  EXPECT_EQ(by_name["b"], chain::AccountId(b.public_key()));
}

TEST_F(KeystoreTest, TamperedFilesAreRejected) {
  Keystore ks(dir_);
  chain::KeyPair key = chain::KeyPair::Generate();
  ASSERT_TRUE(ks.Add("dave", key, "pw").ok());
  fs::path file = dir_ / "dave.json";
  auto j = nlohmann::json::parse(ReadAll(file));
  chain::KeyPair out = chain::KeyPair::Generate();

  auto flipped = j;  // one bit of the ciphertext: the MAC fails
  std::string ct = flipped["ciphertext"];
  ct[0] = ct[0] == '0' ? '1' : '0';
  flipped["ciphertext"] = ct;
  std::ofstream(file, std::ios::trunc) << flipped.dump();
  EXPECT_FALSE(ks.Load("dave", "pw", &out).ok());

  auto other = j;  // another account's address in front of this seed
  other["address"] = chain::AccountId(chain::KeyPair::Generate().public_key());
  std::ofstream(file, std::ios::trunc) << other.dump();
  Status s = ks.Load("dave", "pw", &out);
  EXPECT_TRUE(s.is(BCIIN_ERR_CORRUPTION)) << s.ToString();

  std::ofstream(file, std::ios::trunc) << "not json";
  EXPECT_TRUE(ks.Load("dave", "pw", &out).is(BCIIN_ERR_CORRUPTION));
}

}  // namespace
}  // namespace bciin::cli
