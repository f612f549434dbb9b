// bciin-light: verifies a state entry, or its absence, against a block header alone.
//
//   bciin-light --header <hex> --proof <hex>
//
// Both arguments are the canonical encodings (docs/formats.md), as the node's API returns them;
// "@file" reads the hex from a file. Prints the proven value (hex) or "absent"; exit status 0
// when the proof holds, 1 when it does not, 2 on a usage error.
#include <bciin/chain/address.h>
#include <bciin/chain/hash.h>
#include <bciin/chain/light_client.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string Arg(const std::string& v) {
  if (!v.empty() && v[0] == '@') {
    std::ifstream in(v.substr(1));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
  }
  return v;
}

int Usage() {
  std::fprintf(stderr, "usage: bciin-light --header <hex|@file> --proof <hex|@file>\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bciin::chain;
  std::string header_hex, proof_hex;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--header" || a == "--proof") && i + 1 < argc) {
      (a == "--header" ? header_hex : proof_hex) = Arg(argv[++i]);
    } else if (a == "--help" || a == "-h") {
      Usage();
      return 0;
    } else {
      return Usage();
    }
  }
  if (header_hex.empty() || proof_hex.empty()) return Usage();
  auto header = FromHex(header_hex);
  auto proof = FromHex(proof_hex);
  if (!header || !proof) {
    std::fprintf(stderr, "bciin-light: --header and --proof take hex\n");
    return 2;
  }
  std::optional<Bytes> value;
  bciin::Status s = VerifyStateProof(*header, *proof, &value);
  if (!s.ok()) {
    std::printf("invalid: %s\n", s.ToString().c_str());
    return 1;
  }
  Header h;
  (void)DecodeCanonical(*header, &h, "header");
  std::printf("block %s height %llu state %s\n", BlockId(h.BlockHash()).c_str(),
              static_cast<unsigned long long>(h.height), StateId(h.state_root).c_str());
  if (value)
    std::printf("present: %s\n", ToHex(*value).c_str());
  else
    std::printf("absent\n");
  return 0;
}
