// BCIIN_MULTIVERSION: compile a hot function for AVX-512, AVX2 (with BMI2) and baseline x86-64 and pick
// one at load time (GCC target_clones), so one binary runs everywhere and uses what the CPU has.
#pragma once

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define BCIIN_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
// Sanitizer builds and other architectures: one portable version (ifunc resolvers and ASan do not mix
// well, and speed does not matter there).
#define BCIIN_MULTIVERSION
#endif
