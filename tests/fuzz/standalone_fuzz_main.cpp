// Runs a libFuzzer-style target without libFuzzer: replays every file of the given corpus
// folders or files, then feeds a bounded number of seeded random mutations of them. Used so that
// every fuzz target also runs as a deterministic test under ASan+UBSan with g++.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void mutate(std::vector<uint8_t>& input, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < edits; ++i) {
    switch (rng() % 5) {
      case 0:  // flip a byte
        if (!input.empty()) input[rng() % input.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // set a random byte
        if (!input.empty()) input[rng() % input.size()] = static_cast<uint8_t>(rng());
        break;
      case 2:  // insert a byte
        input.insert(input.begin() + static_cast<long>(input.empty() ? 0 : rng() % (input.size() + 1)),
                     static_cast<uint8_t>(rng()));
        break;
      case 3:  // erase a range
        if (!input.empty()) {
          size_t at = rng() % input.size();
          size_t len = 1 + rng() % std::min<size_t>(16, input.size() - at);
          input.erase(input.begin() + static_cast<long>(at), input.begin() + static_cast<long>(at + len));
        }
        break;
      default:  // truncate
        if (!input.empty()) input.resize(rng() % input.size());
        break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = 20000;
  std::vector<std::vector<uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--iterations=", 13) == 0) {
      iterations = std::strtol(argv[i] + 13, nullptr, 10);
      continue;
    }
    std::filesystem::path path(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
        if (entry.is_regular_file()) corpus.push_back(read_file(entry.path()));
    } else if (std::filesystem::is_regular_file(path, ec)) {
      corpus.push_back(read_file(path));
    } else {
      std::fprintf(stderr, "fuzz: corpus path %s does not exist\n", argv[i]);
      return 2;
    }
  }
  if (corpus.empty()) corpus.push_back({});
  for (const auto& input : corpus) LLVMFuzzerTestOneInput(input.data(), input.size());

  std::mt19937_64 rng(0x5eed);
  for (long i = 0; i < iterations; ++i) {
    std::vector<uint8_t> input = corpus[rng() % corpus.size()];
    mutate(input, rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("fuzz: %zu corpus inputs and %ld mutations ran clean\n", corpus.size(), iterations);
  return 0;
}
