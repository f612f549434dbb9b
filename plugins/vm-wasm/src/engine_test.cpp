#include "bciin/wasm/engine.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::wat;

TEST(Engine, CachesCompiledModulesByCodeHash) {
  Engine engine;
  auto bytes = wat("(module (func (export \"f\") (result i32) (i32.const 1)))");
  auto first = engine.compile(bytes, "hash-a");
  auto second = engine.compile(bytes, "hash-a");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first.value().get(), second.value().get());
  EXPECT_EQ(engine.cache_hits(), 1u);
  EXPECT_EQ(engine.cache_misses(), 1u);
  EXPECT_EQ(engine.lookup("hash-a").get(), first.value().get());
  EXPECT_EQ(engine.lookup("hash-b"), nullptr);
}

TEST(Engine, DoesNotCacheFailures) {
  Engine engine;
  std::vector<uint8_t> junk = {1, 2, 3};
  EXPECT_FALSE(engine.compile(junk, "bad").ok());
  EXPECT_EQ(engine.cache_size(), 0u);
}

TEST(Engine, EvictsTheLeastRecentlyUsed) {
  Engine engine({}, 2);
  auto bytes = wat("(module)");
  ASSERT_TRUE(engine.compile(bytes, "a").ok());
  ASSERT_TRUE(engine.compile(bytes, "b").ok());
  ASSERT_NE(engine.lookup("a"), nullptr);  // a is now the most recent
  ASSERT_TRUE(engine.compile(bytes, "c").ok());
  EXPECT_EQ(engine.cache_size(), 2u);
  EXPECT_EQ(engine.lookup("b"), nullptr);
  EXPECT_NE(engine.lookup("a"), nullptr);
  EXPECT_NE(engine.lookup("c"), nullptr);
}

TEST(Engine, IsSafeToShareBetweenThreads) {
  Engine engine({}, 4);
  auto bytes = wat("(module (func (export \"f\") (result i32) (i32.const 7)))");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto m = engine.compile(bytes, "k" + std::to_string((t + i) % 6));
        ASSERT_TRUE(m.ok());
        Store store;
        Linker linker;
        GasMeter gas(1000);
        auto inst = store.instantiate(m.value(), linker, gas);
        ASSERT_TRUE(inst.ok());
        std::vector<Value> results;
        ASSERT_TRUE(store.invoke(*inst.value()->find_function("f"), {}, &results, gas).ok());
        EXPECT_EQ(results[0].i32(), 7u);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(engine.cache_size(), 4u);
}

}  // namespace
}  // namespace bciin::wasm
