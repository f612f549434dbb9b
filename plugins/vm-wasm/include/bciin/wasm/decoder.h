// Decoding of the WebAssembly binary format into a Module. Decoding checks structure only (section
// order and sizes, LEB128 encodings, names, counts against DecodeLimits); index and type checks are
// the validator's. Features outside the supported subset are refused here when they show in the
// structure (float value types, shared memories, bulk-memory segment forms, ...).
#pragma once

#include <cstdint>
#include <span>

#include "bciin/wasm/module.h"
#include "bciin/wasm/options.h"
#include "bciin/wasm/status.h"

namespace bciin::wasm {

// Decodes `bytes` into `*module` (which keeps a copy of the bytes). On failure returns a status with
// code kMalformed, kUnsupported or kLimitExceeded and the offset of the offending byte; `*module` is
// then unspecified.
Status decode_module(std::span<const uint8_t> bytes, const Features& features, const DecodeLimits& limits,
                     Module* module);

}  // namespace bciin::wasm
