#include <bciin/chain/byte_table.h>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace bciin::chain {
namespace {

std::map<std::string, std::string> Contents(const ByteTable& t) {
  std::map<std::string, std::string> out;
  t.ForEach([&](std::string_view k, std::string_view v) { out.emplace(k, v); });
  return out;
}

// Random puts (new keys, overwrites of the same and of another size) and erases over a small
// key space, so that probe runs collide, wrap around the end of the array and are shifted back
// by erases; after every step the table agrees with a std::map.
TEST(ByteTable, AgreesWithAMapThroughPutsOverwritesAndErases) {
  ByteTable t;
  std::map<std::string, std::string> ref;
  std::mt19937_64 rng(5);
  for (int step = 0; step < 20000; ++step) {
    const std::string key = "k" + std::to_string(rng() % 300);
    const uint64_t op = rng() % 10;
    if (op < 6) {
      const std::string value(rng() % 3 == 0 ? 0 : 1 + rng() % 40, static_cast<char>('a' + rng() % 26));
      t.Put(key, value);
      ref[key] = value;
    } else {
      EXPECT_EQ(t.Erase(key), ref.erase(key) == 1) << "step " << step;
    }
    ASSERT_EQ(t.size(), ref.size()) << "step " << step;
    if (step % 97 == 0) {
      ASSERT_EQ(Contents(t), ref) << "step " << step;
    }
    std::string_view found;
    const bool present = t.Find(key, &found);
    ASSERT_EQ(present, ref.count(key) == 1) << "step " << step;
    if (present) {
      ASSERT_EQ(found, ref[key]);
    }
  }
  for (const auto& [k, v] : ref) {
    std::string_view found;
    ASSERT_TRUE(t.Find(k, &found));
    EXPECT_EQ(found, v);
  }
}

TEST(ByteTable, EmptyKeysAndValuesAndBinaryBytes) {
  ByteTable t;
  std::string_view found = "unset";
  EXPECT_FALSE(t.Find("", &found));
  EXPECT_FALSE(t.Erase("x"));
  t.Put("", "");
  const std::string binary("a\0b\xff", 4);
  t.Put(binary, binary);
  ASSERT_TRUE(t.Find("", &found));
  EXPECT_EQ(found, "");
  ASSERT_TRUE(t.Find(binary, &found));
  EXPECT_EQ(found, binary);
  EXPECT_FALSE(t.Find(std::string("a\0b", 3), &found));
  EXPECT_EQ(t.size(), 2u);
}

TEST(ByteTable, CopyIsIndependent) {
  ByteTable a;
  for (int i = 0; i < 1000; ++i) a.Put("key" + std::to_string(i), "v" + std::to_string(i));
  ByteTable b(a);
  a.Put("key1", "changed");
  a.Erase("key2");
  b.Put("key3", "other");
  std::string_view found;
  ASSERT_TRUE(b.Find("key1", &found));
  EXPECT_EQ(found, "v1");
  ASSERT_TRUE(b.Find("key2", &found));
  EXPECT_EQ(found, "v2");
  ASSERT_TRUE(a.Find("key3", &found));
  EXPECT_EQ(found, "v3");
  EXPECT_EQ(a.size(), 999u);
  EXPECT_EQ(b.size(), 1000u);
  a.Clear();
  EXPECT_EQ(a.size(), 0u);
  EXPECT_FALSE(a.Find("key1", &found));
  a.Put("key1", "again");
  ASSERT_TRUE(a.Find("key1", &found));
  EXPECT_EQ(found, "again");
  ASSERT_TRUE(b.Find("key1", &found));
  EXPECT_EQ(found, "v1");
}

}  // namespace
}  // namespace bciin::chain
