// The canonical, versioned binary encoding of every consensus object, on top of cereal.
//
// Each object has one `template <class Io> void Serialize(Io& io)` member that both encodes and
// decodes (Io is Encoder or Decoder), so the two directions cannot drift apart. Primitive
// encodings (docs/formats.md has every byte):
//   u8 u16 u32 u64      fixed width, little-endian
//   amount              16 bytes, little-endian unsigned 128-bit
//   fixed<N>            N raw bytes (hashes, keys, signatures)
//   bytes<max>          u32 length, then the bytes; a length above `max` is rejected before any
//                       allocation
//   list<T, max>        u32 count, then each element
//   version             u8 that must equal the version this code reads
// Canonical: DecodeCanonical() decodes, rejects trailing bytes, re-encodes and requires the
// result to be byte-identical to the input, so every value has exactly one accepted encoding
// (a bool of 2, an unsorted set, a non-minimal field... are all rejected).
#pragma once

#include <bciin/chain/amount.h>
#include <bciin/chain/bytes.h>
#include <bciin/sdk/status.hpp>

#include <cereal/archives/binary.hpp>

#include <bit>
#include <istream>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <type_traits>
#include <vector>

namespace bciin::chain {

static_assert(std::endian::native == std::endian::little,
              "cereal's binary archive writes native order; BCIIN's formats are little-endian");

// Thrown inside decoding; DecodeCanonical() turns it into a Status.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// A streambuf that appends to a Bytes.
class VectorSink : public std::streambuf {
 public:
  explicit VectorSink(Bytes* out) : out_(out) {}
  void Retarget(Bytes* out) { out_ = out; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->insert(out_->end(), reinterpret_cast<const uint8_t*>(s),
                 reinterpret_cast<const uint8_t*>(s) + n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) out_->push_back(static_cast<uint8_t>(c));
    return traits_type::not_eof(c);
  }

 private:
  Bytes* out_;
};

// A streambuf that reads a borrowed byte range.
class SpanSource : public std::streambuf {
 public:
  explicit SpanSource(ByteView in) { Reset(in); }
  void Reset(ByteView in) {
    char* p = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
    setg(p, p, p + in.size());
  }
  size_t remaining() const { return static_cast<size_t>(egptr() - gptr()); }
};
// A stream and archive kept per thread, so that encoding a small object does not construct an
// iostream each time (the dominant cost for 33-byte accounts). Nested use falls back to fresh
// ones.
struct OutputStreams {
  VectorSink sink{nullptr};
  std::ostream stream{&sink};
  cereal::BinaryOutputArchive ar{stream};
  bool busy = false;
};
struct InputStreams {
  SpanSource source{ByteView()};
  std::istream stream{&source};
  cereal::BinaryInputArchive ar{stream};
  bool busy = false;
};
inline OutputStreams& LocalOutput() {
  thread_local OutputStreams s;
  return s;
}
inline InputStreams& LocalInput() {
  thread_local InputStreams s;
  return s;
}
// The thread's streams when free, else fresh ones kept in *own (nested use); marked busy.
template <class Streams>
Streams* BorrowStreams(Streams& local, std::unique_ptr<Streams>* own) {
  Streams* s = &local;
  if (local.busy) {
    *own = std::make_unique<Streams>();
    s = own->get();
  }
  s->busy = true;
  return s;
}
}  // namespace detail

class Encoder {
 public:
  static constexpr bool kDecoding = false;

  Encoder() : s_(detail::BorrowStreams(detail::LocalOutput(), &own_)) {
    s_->sink.Retarget(&out_);
  }
  ~Encoder() {
    s_->sink.Retarget(nullptr);
    s_->busy = false;
  }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Room for `size` bytes (a known encoded size: no reallocation while writing).
  void Reserve(size_t size) { out_.reserve(size); }

  void Version(uint8_t v) { U8(v); }
  void U8(const uint8_t& v) { ar()(v); }
  void U16(const uint16_t& v) { ar()(v); }
  void U32(const uint32_t& v) { ar()(v); }
  void U64(const uint64_t& v) { ar()(v); }
  void Bool(const bool& v) { U8(static_cast<uint8_t>(v ? 1 : 0)); }
  void Amt(const Amount& v) {
    uint64_t lo = v.lo(), hi = v.hi();
    ar()(lo, hi);
  }
  template <size_t N>
  void Fixed(const std::array<uint8_t, N>& a) {
    ar()(cereal::binary_data(a.data(), N));
  }
  void Raw(ByteView b) {
    if (!b.empty()) ar()(cereal::binary_data(b.data(), b.size()));
  }
  void Blob(const Bytes& b, size_t /*max*/) {
    U32(static_cast<uint32_t>(b.size()));
    Raw(b);
  }
  void Str(const std::string& s, size_t /*max*/) {
    U32(static_cast<uint32_t>(s.size()));
    Raw(AsView(s));
  }
  template <class T>
  void List(const std::vector<T>& items, size_t /*max*/) {
    U32(static_cast<uint32_t>(items.size()));
    for (const T& item : items) Object(item);
  }
  template <class T>
  void Object(const T& item) {
    const_cast<T&>(item).Serialize(*this);
  }

  // The bytes written so far (valid until the encoder is destroyed or written to again).
  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  cereal::BinaryOutputArchive& ar() { return s_->ar; }

  Bytes out_;
  std::unique_ptr<detail::OutputStreams> own_;
  detail::OutputStreams* s_ = nullptr;
};

class Decoder {
 public:
  static constexpr bool kDecoding = true;

  explicit Decoder(ByteView in) : s_(detail::BorrowStreams(detail::LocalInput(), &own_)) {
    s_->source.Reset(in);
    s_->stream.clear();
  }
  ~Decoder() {
    s_->source.Reset(ByteView());
    s_->busy = false;
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  void Version(uint8_t expected) {
    uint8_t v = 0;
    U8(v);
    if (v != expected)
      throw DecodeError("unsupported version " + std::to_string(v) + " (expected " +
                        std::to_string(expected) + ")");
  }
  void U8(uint8_t& v) { Read(v); }
  void U16(uint16_t& v) { Read(v); }
  void U32(uint32_t& v) { Read(v); }
  void U64(uint64_t& v) { Read(v); }
  void Bool(bool& v) {
    uint8_t b = 0;
    U8(b);
    if (b > 1) throw DecodeError("non-canonical encoding: a boolean byte above 1");
    v = b == 1;
  }
  void Amt(Amount& v) {
    uint64_t lo = 0, hi = 0;
    Read(lo);
    Read(hi);
    v = Amount::FromParts(lo, hi);
  }
  template <size_t N>
  void Fixed(std::array<uint8_t, N>& a) {
    Need(N);
    ar()(cereal::binary_data(a.data(), N));
  }
  void RawInto(uint8_t* p, size_t n) {
    Need(n);
    if (n) ar()(cereal::binary_data(p, n));
  }
  void Blob(Bytes& b, size_t max) {
    uint32_t n = 0;
    U32(n);
    if (n > max) throw DecodeError("a byte field of " + std::to_string(n) + " bytes over its limit of " + std::to_string(max));
    Need(n);
    b.resize(n);
    RawInto(b.data(), n);
  }
  void Str(std::string& s, size_t max) {
    Bytes b;
    Blob(b, max);
    s.assign(b.begin(), b.end());
  }
  template <class T>
  void List(std::vector<T>& items, size_t max) {
    uint32_t n = 0;
    U32(n);
    if (n > max) throw DecodeError("a list of " + std::to_string(n) + " items over its limit of " + std::to_string(max));
    // Every element takes at least one byte, so a count above what is left is a lie.
    Need(n);
    items.clear();
    items.resize(n);
    for (T& item : items) Object(item);
  }
  template <class T>
  void Object(T& item) {
    item.Serialize(*this);
  }

  size_t remaining() const { return s_->source.remaining(); }

 private:
  void Need(size_t n) const {
    if (n > s_->source.remaining()) throw DecodeError("truncated input");
  }
  template <class T>
  void Read(T& v) {
    Need(sizeof(T));
    ar()(v);
  }

  cereal::BinaryInputArchive& ar() { return s_->ar; }

  std::unique_ptr<detail::InputStreams> own_;
  detail::InputStreams* s_ = nullptr;
};

// Encodes `value`.
template <class T>
Bytes Encode(const T& value) {
  Encoder enc;
  enc.Reserve(128);  // most objects are small: one allocation instead of one per doubling
  enc.Object(value);
  return enc.Take();
}

// Decodes `in` into `out` without the canonical check: for bytes this node wrote itself or
// already checked with DecodeCanonical (state values, a payload past its stateless check).
// Truncation and trailing bytes are still errors.
template <class T>
Status DecodeTrusted(ByteView in, T* out, std::string_view what) {
  try {
    Decoder dec(in);
    dec.Object(*out);
    if (dec.remaining() != 0)
      return Status::InvalidArgument(std::string(what) + ": non-canonical encoding: " +
                                     std::to_string(dec.remaining()) + " trailing bytes");
  } catch (const DecodeError& e) {
    return Status::InvalidArgument(std::string(what) + ": " + e.what());
  } catch (const cereal::Exception& e) {
    return Status::InvalidArgument(std::string(what) + ": malformed: " + e.what());
  }
  return Status();
}

// Decodes `in` into `out` and requires the canonical encoding: no trailing bytes, and
// re-encoding gives back `in` exactly. `what` names the object in the error message.
template <class T>
Status DecodeCanonical(ByteView in, T* out, std::string_view what) {
  T value{};
  try {
    Decoder dec(in);
    dec.Object(value);
    if (dec.remaining() != 0)
      return Status::InvalidArgument(std::string(what) + ": non-canonical encoding: " +
                                     std::to_string(dec.remaining()) + " trailing bytes");
  } catch (const DecodeError& e) {
    return Status::InvalidArgument(std::string(what) + ": " + e.what());
  } catch (const cereal::Exception& e) {
    return Status::InvalidArgument(std::string(what) + ": malformed: " + e.what());
  }
  Encoder enc;
  enc.Reserve(in.size());
  enc.Object(value);
  const Bytes& again = enc.bytes();
  if (again.size() != in.size() || !std::equal(again.begin(), again.end(), in.begin()))
    return Status::InvalidArgument(std::string(what) + ": non-canonical encoding");
  *out = std::move(value);
  return Status();
}

}  // namespace bciin::chain
