// The authenticated state map: a compressed binary sparse Merkle tree over 256-bit paths.
//
// A key's path is Blake2b-256(key). The tree is the binary trie over paths in which a subtree
// holding exactly one entry is that entry's leaf, and an empty subtree is the zero hash:
//   empty            = 32 zero bytes
//   leaf(path, v)    = Blake2b-256(0x00 || path || Blake2b-256(v))
//   internal(l, r)   = Blake2b-256(0x01 || l || r)     (l, r not both empty, not empty + leaf)
// The shape is a function of the set of entries only, so the root is too. A leaf's hash does not
// depend on its depth. Nodes are immutable and stored by hash (copy-on-write): every old root
// stays readable, which is how the chain keeps the state of every block it knows.
//
// Proofs (inclusion and non-inclusion) list the siblings from the root down to where the path
// ends: at the key's own leaf, at an empty subtree, or at another key's leaf.
#pragma once

#include <bciin/chain/bytes.h>
#include <bciin/chain/codec.h>
#include <bciin/sdk/status.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bciin::chain {

// A stored node, shared rather than copied (caches hand out the same bytes to every reader).
using NodeRef = std::shared_ptr<const Bytes>;

// Where tree nodes live. Get returns NotFound for an unknown hash.
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  virtual Status Get(const Hash& hash, NodeRef* node) = 0;
  // A hint that `hash` will be read soon (a cache may start loading its slot).
  virtual void Prefetch(const Hash& /*hash*/) {}
};

// Receives nodes created by an update (the caller persists them with its block).
using NodeWriter = std::function<void(const Hash& hash, Bytes node)>;

struct SmtUpdate {
  Hash path;                  // Blake2b-256 of the key
  Bytes key;                  // the key itself, kept in the leaf for iteration
  std::optional<Bytes> value; // nullopt: delete
};

// A Merkle proof for one path. Encoding in docs/formats.md.
struct SmtProof {
  enum Terminal : uint8_t { kEmpty = 0, kLeaf = 1, kOtherLeaf = 2 };

  std::vector<Hash> siblings;  // from the root down; kZeroHash for an empty sibling
  uint8_t terminal = kEmpty;
  Bytes value;                 // kLeaf: the entry's value
  Hash other_path{};           // kOtherLeaf: the leaf found instead
  Hash other_value_hash{};

  template <class Io>
  void Serialize(Io& io);
};

class SparseMerkleTree {
 public:
  // Applies `updates` (any order; the last update of a path wins) to the tree at `root`. New
  // nodes go to `writer`; `*new_root` receives the new root.
  static Status Update(NodeReader& reader, const Hash& root, std::vector<SmtUpdate> updates,
                       const NodeWriter& writer, Hash* new_root);

  // Looks `path` up: *value = nullopt when absent.
  static Status Get(NodeReader& reader, const Hash& root, const Hash& path,
                    std::optional<Bytes>* value);

  // Builds a proof for `path` (present or absent).
  static Status Prove(NodeReader& reader, const Hash& root, const Hash& path, SmtProof* proof);

  // Visits every entry (key, value) in path order.
  static Status ForEach(NodeReader& reader, const Hash& root,
                        const std::function<void(ByteView key, ByteView value)>& fn);

  static Hash LeafHash(const Hash& path, ByteView value);
  static Hash LeafHashFromValueHash(const Hash& path, const Hash& value_hash);
  static Hash InternalHash(const Hash& left, const Hash& right);
};

// Checks `proof` against `root` for `path`. `value` = the expected value, or nullopt to check
// absence. Returns ok, or InvalidArgument / Rejected saying why the proof does not hold.
Status VerifySmtProof(const Hash& root, const Hash& path, const std::optional<Bytes>& value,
                      const SmtProof& proof);

// Nodes in memory (tests, proofs from scratch, light clients holding a few nodes).
class MemoryNodeStore : public NodeReader {
 public:
  Status Get(const Hash& hash, NodeRef* node) override {
    auto it = nodes_.find(hash);
    if (it == nodes_.end()) return Status::NotFound("node");
    *node = it->second;
    return Status();
  }
  NodeWriter Writer() {
    return [this](const Hash& h, Bytes n) {
      if (!nodes_.count(h)) nodes_.emplace(h, std::make_shared<const Bytes>(std::move(n)));
    };
  }
  size_t size() const { return nodes_.size(); }

 private:
  struct HashOf {
    size_t operator()(const Hash& h) const {
      size_t v;
      std::memcpy(&v, h.data(), sizeof v);
      return v;
    }
  };
  std::unordered_map<Hash, NodeRef, HashOf> nodes_;
};

// Bit `i` (0 = most significant bit of byte 0) of a path.
inline int PathBit(const Hash& path, unsigned i) { return (path[i / 8] >> (7 - i % 8)) & 1; }

inline constexpr size_t kSmtMaxValue = 1 << 20;

// version 1 | u16 depth | bitmap of non-empty siblings, ceil(depth/8) bytes, MSB first, padding
// bits zero | each non-empty sibling (32 bytes) | u8 terminal | terminal data
template <class Io>
void SmtProof::Serialize(Io& io) {
  io.Version(1);
  uint16_t depth = static_cast<uint16_t>(siblings.size());
  io.U16(depth);
  if constexpr (Io::kDecoding) {
    if (depth > 256) throw DecodeError("proof deeper than 256");
    siblings.assign(depth, kZeroHash);
  }
  const size_t bitmap_size = (depth + 7u) / 8u;
  uint8_t bitmap[32] = {};
  if constexpr (!Io::kDecoding) {
    for (size_t i = 0; i < depth; ++i)
      if (siblings[i] != kZeroHash) bitmap[i / 8] |= static_cast<uint8_t>(0x80u >> (i % 8));
    io.Raw(ByteView(bitmap, bitmap_size));
  } else {
    io.RawInto(bitmap, bitmap_size);
    if (depth % 8 != 0 && (bitmap[bitmap_size - 1] & (0xFFu >> (depth % 8))) != 0)
      throw DecodeError("non-canonical encoding: proof bitmap padding bits set");
  }
  for (size_t i = 0; i < depth; ++i) {
    if (bitmap[i / 8] & (0x80u >> (i % 8))) {
      io.Fixed(siblings[i]);
      if constexpr (Io::kDecoding) {
        if (siblings[i] == kZeroHash)
          throw DecodeError("non-canonical encoding: an empty sibling marked non-empty");
      }
    }
  }
  io.U8(terminal);
  if (terminal == kLeaf) {
    io.Blob(value, kSmtMaxValue);
  } else if (terminal == kOtherLeaf) {
    io.Fixed(other_path);
    io.Fixed(other_value_hash);
  } else if (terminal != kEmpty) {
    throw DecodeError("unknown proof terminal " + std::to_string(terminal));
  }
}

}  // namespace bciin::chain
