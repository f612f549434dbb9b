#include "bciin/wasm/decoder.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::wat;

Status decode(const std::vector<uint8_t>& bytes, DecodeLimits limits = {}, Features features = {}) {
  Module m;
  return decode_module(bytes, features, limits, &m);
}

std::vector<uint8_t> header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

std::vector<uint8_t> with_section(uint8_t id, std::vector<uint8_t> payload) {
  auto bytes = header();
  bytes.push_back(id);
  bytes.push_back(static_cast<uint8_t>(payload.size()));  // payloads here are < 128 bytes
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

TEST(Decoder, AcceptsTheEmptyModule) { EXPECT_TRUE(decode(header()).ok()); }

TEST(Decoder, RefusesBadMagicAndVersionWithOffsets) {
  auto bytes = header();
  bytes[1] = 0x62;
  Status s = decode(bytes);
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_EQ(s.offset(), 0u);
  bytes = header();
  bytes[4] = 2;
  s = decode(bytes);
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_EQ(s.offset(), 4u);
  EXPECT_EQ(decode({0x00, 0x61}).code(), ErrorCode::kMalformed);
}

TEST(Decoder, RefusesTruncatedAndMisorderedSections) {
  auto bytes = with_section(1, {0x01, 0x60, 0x00, 0x00});
  bytes.pop_back();
  EXPECT_EQ(decode(bytes).code(), ErrorCode::kMalformed);
  // A memory section (5) followed by a type section (1).
  auto m = with_section(5, {0x01, 0x00, 0x01});
  m.insert(m.end(), {0x01, 0x01, 0x00});
  EXPECT_EQ(decode(m).code(), ErrorCode::kMalformed);
  // Unknown section id.
  EXPECT_EQ(decode(with_section(13, {})).code(), ErrorCode::kMalformed);
  // Section size larger than its content.
  EXPECT_EQ(decode(with_section(1, {0x00, 0x00})).code(), ErrorCode::kMalformed);
}

TEST(Decoder, RefusesOverlongLeb128) {
  // A type count encoded in six bytes.
  Status s = decode(with_section(1, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}));
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_NE(s.message().find("too long"), std::string::npos);
  // Unused bits set in the fifth byte.
  s = decode(with_section(1, {0x80, 0x80, 0x80, 0x80, 0x70}));
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
}

TEST(Decoder, RefusesFloatTypesAsUnsupportedNamingTheOffset) {
  // type section: one func type (f32) -> ()
  auto bytes = with_section(1, {0x01, 0x60, 0x01, 0x7D, 0x00});
  Status s = decode(bytes);
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(s.offset(), 13u);  // the 0x7D byte
  EXPECT_NE(s.message().find("f32"), std::string::npos);
  EXPECT_NE(s.ToString().find("offset 0xd"), std::string::npos);
}

TEST(Decoder, RefusesSharedMemoryAsThreads) {
  Status s = decode(with_section(5, {0x01, 0x03, 0x01, 0x01}));
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported);
  EXPECT_NE(s.message().find("threads"), std::string::npos);
}

TEST(Decoder, EnforcesCountLimitsBeforeAllocating) {
  DecodeLimits limits;
  limits.max_types = 2;
  Status s = decode(with_section(1, {0x03, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00}), limits);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  // A count far beyond the bytes present is refused without reserving memory for it.
  s = decode(with_section(1, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}));
  EXPECT_NE(s.code(), ErrorCode::kOk);
}

TEST(Decoder, EnforcesTheLocalsLimit) {
  // One function () -> () declaring 2^31 i32 locals.
  auto bytes = header();
  std::vector<uint8_t> rest = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00,        // type
                               0x03, 0x02, 0x01, 0x00,                    // function
                               0x0A, 0x0A, 0x01, 0x08, 0x01, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7F, 0x0B};
  bytes.insert(bytes.end(), rest.begin(), rest.end());
  Status s = decode(bytes);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(s.message().find("locals"), std::string::npos);
}

TEST(Decoder, EnforcesTheModuleSizeLimit) {
  DecodeLimits limits;
  limits.max_module_size = 4;
  EXPECT_EQ(decode(header(), limits).code(), ErrorCode::kLimitExceeded);
}

TEST(Decoder, RefusesMalformedUtf8Names) {
  // Custom section named "\xFF".
  EXPECT_EQ(decode(with_section(0, {0x01, 0xFF})).code(), ErrorCode::kMalformed);
}

TEST(Decoder, DecodesTheModuleStructure) {
  auto bytes = wat(R"wat((module
    (import "env" "f" (func (param i32) (result i64)))
    (import "env" "g" (global i64))
    (memory (export "memory") 1 4)
    (table 2 funcref)
    (global $x (mut i32) (i32.const 7))
    (func $h (export "h") (local i32 i64))
    (elem (i32.const 1) $h)
    (data (i32.const 16) "abc")
    (start $h)))wat");
  Module m;
  ASSERT_TRUE(decode_module(bytes, {}, {}, &m).ok());
  ASSERT_EQ(m.imports.size(), 2u);
  EXPECT_EQ(m.imports[0].module, "env");
  EXPECT_EQ(m.num_imported_functions, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);
  ASSERT_EQ(m.memories.size(), 1u);
  EXPECT_EQ(m.memories[0].min, 1u);
  EXPECT_EQ(*m.memories[0].max, 4u);
  EXPECT_EQ(m.tables[0].min, 2u);
  ASSERT_EQ(m.globals.size(), 1u);
  EXPECT_TRUE(m.globals[0].type.mutable_);
  EXPECT_EQ(m.globals[0].init.value, 7u);
  ASSERT_EQ(m.bodies.size(), 1u);
  EXPECT_EQ(m.bodies[0].num_locals, 2u);
  ASSERT_EQ(m.bodies[0].local_runs.size(), 2u);
  EXPECT_EQ(m.bodies[0].local_runs[1].second, ValueType::kI64);
  EXPECT_EQ(m.exports.size(), 2u);
  EXPECT_EQ(*m.start, 1u);
  ASSERT_EQ(m.data.size(), 1u);
  EXPECT_EQ(m.data[0].size, 3u);
  EXPECT_EQ(m.bytes[m.data[0].begin], 'a');
  EXPECT_EQ(m.elements[0].functions, std::vector<uint32_t>{1});
}

}  // namespace
}  // namespace bciin::wasm
