// Fuzz target: every p2p wire decoder (the frame length, the message envelope and each body
// type) on arbitrary bytes. Nothing may crash, hang or allocate beyond the limits; whatever
// decodes must re-encode to the same bytes.
#include "messages.h"

#include <cstdlib>
#include <cstring>

namespace {

using namespace bciin::p2p;
namespace chain = bciin::chain;

template <class T>
void Try(chain::ByteView body) {
  T value;
  if (chain::DecodeCanonical(body, &value, "fuzz").ok()) {
    chain::Bytes again = chain::Encode(value);
    if (again.size() != body.size() || std::memcmp(again.data(), body.data(), body.size()) != 0) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 4) {
    uint32_t n = 0;
    (void)FrameLength(data, 1 << 20, &n);
  }
  chain::ByteView in(data, size);
  Message m;
  if (DecodeMessage(in, &m).ok()) {
    Try<Hello>(m.body);
    Try<Ping>(m.body);
    Try<Empty>(m.body);
    Try<Peers>(m.body);
    Try<GetHeaders>(m.body);
    Try<Headers>(m.body);
    Try<GetBlocks>(m.body);
    Try<Blocks>(m.body);
    Try<NewBlock>(m.body);
    Try<NewTxs>(m.body);
  }
  // The same decoders straight on the input, so the fuzzer need not find the envelope first.
  Try<Hello>(in);
  Try<Peers>(in);
  Try<GetHeaders>(in);
  Try<Headers>(in);
  Try<Blocks>(in);
  Try<NewTxs>(in);
  return 0;
}
