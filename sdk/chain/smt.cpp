#include <bciin/chain/hash.h>
#include <bciin/chain/smt.h>

#include <algorithm>
#include <cstring>

namespace bciin::chain {

// Stored node encodings (docs/formats.md, "state tree nodes"):
//   leaf      0x00 | path (32) | Blake2b-256(value) (32) | u16 key length | key | value
//   internal  0x01 | left (32) | right (32)
namespace {

constexpr uint8_t kLeafTag = 0x00;
constexpr uint8_t kInternalTag = 0x01;

struct Node {
  bool leaf = false;
  Hash path{}, value_hash{};  // leaf
  ByteView key, value;        // leaf, views into `raw`
  Hash left{}, right{};       // internal
  NodeRef raw;
};

// An internal failure while walking the tree; turned back into its Status at the API.
struct TreeError {
  Status status;
};

Node LoadNode(NodeReader& reader, const Hash& hash) {
  Node n;
  Status s = reader.Get(hash, &n.raw);
  if (!s.ok()) {
    if (s.is(BCIIN_ERR_NOT_FOUND))
      s = Status::Corruption("state tree node " + ToHex(hash) + " is missing");
    throw TreeError{s};
  }
  if (!n.raw) throw TreeError{Status::Corruption("state tree node " + ToHex(hash) + " is null")};
  const Bytes& r = *n.raw;
  if (!r.empty() && r[0] == kLeafTag && r.size() >= 67) {
    n.leaf = true;
    std::memcpy(n.path.data(), r.data() + 1, 32);
    std::memcpy(n.value_hash.data(), r.data() + 33, 32);
    size_t key_len = static_cast<size_t>(r[65]) | static_cast<size_t>(r[66]) << 8;
    if (67 + key_len > r.size()) throw TreeError{Status::Corruption("state tree leaf " + ToHex(hash) + " is truncated")};
    n.key = ByteView(r.data() + 67, key_len);
    n.value = ByteView(r.data() + 67 + key_len, r.size() - 67 - key_len);
    return n;
  }
  if (r.size() == 65 && r[0] == kInternalTag) {
    std::memcpy(n.left.data(), r.data() + 1, 32);
    std::memcpy(n.right.data(), r.data() + 33, 32);
    return n;
  }
  throw TreeError{Status::Corruption("state tree node " + ToHex(hash) + " is malformed")};
}

enum class Kind { kEmpty, kLeaf, kInternal, kUnknown };
struct Ref {
  Hash hash{};
  Kind kind = Kind::kEmpty;
};

// An entry to place while building: a new value, or a leaf already in the tree.
struct Item {
  const Hash* path;
  const SmtUpdate* update;  // null for an existing leaf
  Ref existing;
};

class Updater {
 public:
  Updater(NodeReader& reader, const NodeWriter& writer) : reader_(reader), writer_(writer) {}

  Ref Update(const Ref& node, unsigned depth, const SmtUpdate* begin, const SmtUpdate* end) {
    if (begin == end) return node;
    if (node.kind == Kind::kEmpty) {
      std::vector<Item> items;
      for (const SmtUpdate* u = begin; u != end; ++u)
        if (u->value) items.push_back({&u->path, u, {}});
      return Build(depth, items.data(), items.data() + items.size());
    }
    Node n = LoadNode(reader_, node.hash);
    if (n.leaf) {
      std::vector<Item> items;
      bool replaced = false;
      for (const SmtUpdate* u = begin; u != end; ++u) {
        if (u->path == n.path) replaced = true;
        if (u->value) items.push_back({&u->path, u, {}});
      }
      if (!replaced) {
        Item old{&n.path, nullptr, {node.hash, Kind::kLeaf}};
        auto at = std::lower_bound(items.begin(), items.end(), n.path,
                                   [](const Item& i, const Hash& p) { return *i.path < p; });
        items.insert(at, old);
      }
      return Build(depth, items.data(), items.data() + items.size());
    }
    if (depth >= 256) throw TreeError{Status::Corruption("state tree deeper than 256")};
    const SmtUpdate* mid = std::partition_point(
        begin, end, [depth](const SmtUpdate& u) { return PathBit(u.path, depth) == 0; });
    if (mid != end && n.right != kZeroHash) reader_.Prefetch(n.right);  // read after the left side
    Ref l = Update(RefOf(n.left), depth + 1, begin, mid);
    Ref r = Update(RefOf(n.right), depth + 1, mid, end);
    return MakeInternal(l, r);
  }

 private:
  static Ref RefOf(const Hash& h) { return {h, h == kZeroHash ? Kind::kEmpty : Kind::kUnknown}; }

  Ref Build(unsigned depth, Item* begin, Item* end) {
    if (begin == end) return {};
    if (end - begin == 1) {
      if (!begin->update) return begin->existing;
      return MakeLeaf(*begin->update);
    }
    if (depth >= 256) throw TreeError{Status::Internal("two state entries share a path")};
    Item* mid = std::partition_point(begin, end,
                                     [depth](const Item& i) { return PathBit(*i.path, depth) == 0; });
    return MakeInternal(Build(depth + 1, begin, mid), Build(depth + 1, mid, end));
  }

  Ref MakeLeaf(const SmtUpdate& u) {
    const Bytes& value = *u.value;
    Hash value_hash = Blake2b256(value);
    Bytes raw;
    raw.reserve(67 + u.key.size() + value.size());
    raw.push_back(kLeafTag);
    raw.insert(raw.end(), u.path.begin(), u.path.end());
    raw.insert(raw.end(), value_hash.begin(), value_hash.end());
    raw.push_back(static_cast<uint8_t>(u.key.size() & 0xFF));
    raw.push_back(static_cast<uint8_t>(u.key.size() >> 8));
    raw.insert(raw.end(), u.key.begin(), u.key.end());
    raw.insert(raw.end(), value.begin(), value.end());
    Hash h = SparseMerkleTree::LeafHashFromValueHash(u.path, value_hash);
    writer_(h, std::move(raw));
    return {h, Kind::kLeaf};
  }

  Kind Resolve(const Ref& r) {
    if (r.kind != Kind::kUnknown) return r.kind;
    return LoadNode(reader_, r.hash).leaf ? Kind::kLeaf : Kind::kInternal;
  }

  Ref MakeInternal(const Ref& l, const Ref& r) {
    if (l.kind == Kind::kEmpty && r.kind == Kind::kEmpty) return {};
    // A subtree with a single entry is that entry's leaf, at whatever depth.
    if (l.kind == Kind::kEmpty && Resolve(r) == Kind::kLeaf) return {r.hash, Kind::kLeaf};
    if (r.kind == Kind::kEmpty && Resolve(l) == Kind::kLeaf) return {l.hash, Kind::kLeaf};
    Bytes raw(65);
    raw[0] = kInternalTag;
    std::memcpy(raw.data() + 1, l.hash.data(), 32);
    std::memcpy(raw.data() + 33, r.hash.data(), 32);
    Hash h = SparseMerkleTree::InternalHash(l.hash, r.hash);
    writer_(h, std::move(raw));
    return {h, Kind::kInternal};
  }

  NodeReader& reader_;
  const NodeWriter& writer_;
};

}  // namespace

Hash SparseMerkleTree::LeafHash(const Hash& path, ByteView value) {
  return LeafHashFromValueHash(path, Blake2b256(value));
}

Hash SparseMerkleTree::LeafHashFromValueHash(const Hash& path, const Hash& value_hash) {
  uint8_t tag = kLeafTag;
  return Blake2b256({ByteView(&tag, 1), ByteView(path), ByteView(value_hash)});
}

Hash SparseMerkleTree::InternalHash(const Hash& left, const Hash& right) {
  uint8_t tag = kInternalTag;
  return Blake2b256({ByteView(&tag, 1), ByteView(left), ByteView(right)});
}

Status SparseMerkleTree::Update(NodeReader& reader, const Hash& root,
                                std::vector<SmtUpdate> updates, const NodeWriter& writer,
                                Hash* new_root) {
  // Sort by path; for equal paths keep only the last update given.
  std::stable_sort(updates.begin(), updates.end(),
                   [](const SmtUpdate& a, const SmtUpdate& b) { return a.path < b.path; });
  std::vector<SmtUpdate> unique;
  unique.reserve(updates.size());
  for (size_t i = 0; i < updates.size(); ++i) {
    if (i + 1 < updates.size() && updates[i + 1].path == updates[i].path) continue;
    unique.push_back(std::move(updates[i]));
  }
  try {
    Updater u(reader, writer);
    Ref start{root, root == kZeroHash ? Kind::kEmpty : Kind::kUnknown};
    Ref result = u.Update(start, 0, unique.data(), unique.data() + unique.size());
    *new_root = result.hash;
    return Status();
  } catch (const TreeError& e) {
    return e.status;
  }
}

Status SparseMerkleTree::Get(NodeReader& reader, const Hash& root, const Hash& path,
                             std::optional<Bytes>* value) {
  try {
    Hash at = root;
    for (unsigned depth = 0; depth <= 256; ++depth) {
      if (at == kZeroHash) {
        *value = std::nullopt;
        return Status();
      }
      Node n = LoadNode(reader, at);
      if (n.leaf) {
        if (n.path == path)
          *value = Bytes(n.value.begin(), n.value.end());
        else
          *value = std::nullopt;
        return Status();
      }
      if (depth == 256) break;
      at = PathBit(path, depth) ? n.right : n.left;
    }
    return Status::Corruption("state tree deeper than 256");
  } catch (const TreeError& e) {
    return e.status;
  }
}

Status SparseMerkleTree::Prove(NodeReader& reader, const Hash& root, const Hash& path,
                               SmtProof* proof) {
  *proof = SmtProof{};
  try {
    Hash at = root;
    for (unsigned depth = 0; depth <= 256; ++depth) {
      if (at == kZeroHash) {
        proof->terminal = SmtProof::kEmpty;
        return Status();
      }
      Node n = LoadNode(reader, at);
      if (n.leaf) {
        if (n.path == path) {
          proof->terminal = SmtProof::kLeaf;
          proof->value.assign(n.value.begin(), n.value.end());
        } else {
          proof->terminal = SmtProof::kOtherLeaf;
          proof->other_path = n.path;
          proof->other_value_hash = n.value_hash;
        }
        return Status();
      }
      if (depth == 256) break;
      bool right = PathBit(path, depth);
      proof->siblings.push_back(right ? n.left : n.right);
      at = right ? n.right : n.left;
    }
    return Status::Corruption("state tree deeper than 256");
  } catch (const TreeError& e) {
    return e.status;
  }
}

Status SparseMerkleTree::ForEach(NodeReader& reader, const Hash& root,
                                 const std::function<void(ByteView, ByteView)>& fn) {
  try {
    std::vector<std::pair<Hash, unsigned>> stack;
    if (root != kZeroHash) stack.push_back({root, 0});
    while (!stack.empty()) {
      auto [h, depth] = stack.back();
      stack.pop_back();
      Node n = LoadNode(reader, h);
      if (n.leaf) {
        fn(n.key, n.value);
        continue;
      }
      if (depth >= 256) return Status::Corruption("state tree deeper than 256");
      if (n.right != kZeroHash) stack.push_back({n.right, depth + 1});
      if (n.left != kZeroHash) stack.push_back({n.left, depth + 1});
    }
    return Status();
  } catch (const TreeError& e) {
    return e.status;
  }
}

Status VerifySmtProof(const Hash& root, const Hash& path, const std::optional<Bytes>& value,
                      const SmtProof& proof) {
  const size_t depth = proof.siblings.size();
  if (depth > 256) return Status::InvalidArgument("proof deeper than 256");
  Hash h;
  switch (proof.terminal) {
    case SmtProof::kEmpty:
      if (value) return Status::Rejected("the proof shows the key absent, a value was expected");
      h = kZeroHash;
      break;
    case SmtProof::kLeaf:
      if (!value) return Status::Rejected("the proof shows the key present, absence was expected");
      if (*value != proof.value) return Status::Rejected("the proof holds a different value");
      h = SparseMerkleTree::LeafHash(path, proof.value);
      break;
    case SmtProof::kOtherLeaf:
      if (value) return Status::Rejected("the proof shows the key absent, a value was expected");
      if (proof.other_path == path)
        return Status::InvalidArgument("the proof's other leaf has the proven path");
      for (size_t i = 0; i < depth; ++i)
        if (PathBit(proof.other_path, static_cast<unsigned>(i)) != PathBit(path, static_cast<unsigned>(i)))
          return Status::InvalidArgument("the proof's other leaf is off the path");
      h = SparseMerkleTree::LeafHashFromValueHash(proof.other_path, proof.other_value_hash);
      break;
    default:
      return Status::InvalidArgument("unknown proof terminal");
  }
  for (size_t i = depth; i-- > 0;) {
    h = PathBit(path, static_cast<unsigned>(i)) ? SparseMerkleTree::InternalHash(proof.siblings[i], h)
                                                : SparseMerkleTree::InternalHash(h, proof.siblings[i]);
  }
  if (h != root) return Status::Rejected("the proof does not lead to the root");
  return Status();
}

}  // namespace bciin::chain
