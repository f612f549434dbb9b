#include "cycle_finder.h"

#include <algorithm>

namespace bciin::cuckoo::detail {
namespace {

constexpr uint32_t kNil = ~uint32_t{0};

// Node ids: each side's node pairs (node >> 1) are ranked; id = 2 * (pair rank + side offset) + (node & 1),
// so the partner of id x is x ^ 1 and its pair is x >> 1.
struct NodeIndex {
  std::vector<uint64_t> upairs, vpairs;
  void build(const std::vector<SurvivorEdge>& edges) {
    upairs.clear();
    vpairs.clear();
    upairs.reserve(edges.size());
    vpairs.reserve(edges.size());
    for (const auto& e : edges) {
      upairs.push_back(e.u >> 1);
      vpairs.push_back(e.v >> 1);
    }
    for (auto* p : {&upairs, &vpairs}) {
      std::sort(p->begin(), p->end());
      p->erase(std::unique(p->begin(), p->end()), p->end());
    }
  }
  uint32_t uid(uint64_t u) const {
    auto rank = std::lower_bound(upairs.begin(), upairs.end(), u >> 1) - upairs.begin();
    return static_cast<uint32_t>(2 * rank + (u & 1));
  }
  uint32_t vid(uint64_t v) const {
    auto rank = std::lower_bound(vpairs.begin(), vpairs.end(), v >> 1) - vpairs.begin();
    return static_cast<uint32_t>(2 * (upairs.size() + rank) + (v & 1));
  }
  size_t nodes() const { return 2 * (upairs.size() + vpairs.size()); }
};

// Removes edges with an endpoint whose partner has no edge, repeatedly, in O(edges): what trimming
// rounds converge to. Edges arrive as node ids in (ends[2k], ends[2k+1]).
void peel(std::vector<uint32_t>& ends, size_t nodes, std::vector<bool>& alive) {
  const size_t m = ends.size() / 2;
  std::vector<uint32_t> degree(nodes, 0), start(nodes + 1, 0), incident(2 * m);
  for (uint32_t x : ends) ++degree[x];
  for (size_t x = 0; x < nodes; ++x) start[x + 1] = start[x] + degree[x];
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (size_t h = 0; h < 2 * m; ++h) incident[fill[ends[h]]++] = static_cast<uint32_t>(h / 2);

  alive.assign(m, true);
  std::vector<uint32_t> queue;
  // A node with degree 0 makes every edge at its partner dead.
  for (size_t x = 0; x < nodes; ++x)
    if (degree[x] == 0) queue.push_back(static_cast<uint32_t>(x));
  while (!queue.empty()) {
    const uint32_t empty = queue.back();
    queue.pop_back();
    const uint32_t partner = empty ^ 1;
    for (uint32_t k = start[partner]; k < start[partner + 1]; ++k) {
      const uint32_t e = incident[k];
      if (!alive[e]) continue;
      alive[e] = false;
      for (uint32_t x : {ends[2 * e], ends[2 * e + 1]})
        if (--degree[x] == 0) queue.push_back(x);
    }
  }
}

class CycleSearch {
 public:
  CycleSearch(size_t nodes, size_t edges, SolveStats* stats)
      : head_(nodes, kNil), visited_(nodes / 2, false), stats_(stats) {
    links_.reserve(2 * edges);
  }

  // Inserts edge (u, v) with caller id `id`, first reporting every cycle it closes.
  void add_edge(uint32_t u, uint32_t v, uint64_t id, std::vector<Proof>* cycles) {
    if (head_[u ^ 1] != kNil && head_[v ^ 1] != kNil) {
      path_[0] = id;
      dfs(1, u, v, cycles);
    }
    links_.push_back({head_[u], v, id});
    head_[u] = static_cast<uint32_t>(links_.size() - 1);
    links_.push_back({head_[v], u, id});
    head_[v] = static_cast<uint32_t>(links_.size() - 1);
  }

  size_t bytes() const {
    return head_.size() * sizeof(uint32_t) + links_.capacity() * sizeof(Link) + visited_.size() / 8;
  }

 private:
  struct Link {
    uint32_t next;
    uint32_t to;  // the other endpoint
    uint64_t id;
  };

  // A path of `len` edges ends at node x; leave through x's partner unless that closes the cycle.
  void dfs(unsigned len, uint32_t x, uint32_t dest, std::vector<Proof>* cycles) {
    if (visited_[x >> 1]) return;
    if ((x ^ 1) == dest) {
      if (stats_ && len % 2 == 0 && len / 2 <= kProofSize / 2) ++stats_->cycles_by_length[len / 2];
      if (len == kProofSize) {
        Proof p;
        std::copy(path_, path_ + kProofSize, p.begin());
        std::sort(p.begin(), p.end());
        cycles->push_back(p);
      }
      return;
    }
    if (len == kProofSize) return;
    visited_[x >> 1] = true;
    for (uint32_t l = head_[x ^ 1]; l != kNil; l = links_[l].next) {
      path_[len] = links_[l].id;
      dfs(len + 1, links_[l].to, dest, cycles);
    }
    visited_[x >> 1] = false;
  }

  std::vector<uint32_t> head_;
  std::vector<Link> links_;
  std::vector<bool> visited_;
  uint64_t path_[kProofSize] = {};
  SolveStats* stats_;
};

}  // namespace

bool find_cycles(std::vector<SurvivorEdge>& edges, std::vector<Proof>* cycles, SolveStats* stats,
                 const std::atomic<bool>* cancel, uint64_t* bytes_used) {
  NodeIndex index;
  index.build(edges);
  std::vector<uint32_t> ends(2 * edges.size());
  for (size_t k = 0; k < edges.size(); ++k) {
    ends[2 * k] = index.uid(edges[k].u);
    ends[2 * k + 1] = index.vid(edges[k].v);
  }
  if (cancel && cancel->load(std::memory_order_relaxed)) return false;
  std::vector<bool> alive;
  peel(ends, index.nodes(), alive);
  size_t survivors = 0;
  for (bool a : alive) survivors += a;
  if (stats) stats->edges_after_trim = survivors;

  CycleSearch search(index.nodes(), survivors, stats);
  for (size_t k = 0; k < edges.size(); ++k) {
    if (!alive[k]) continue;
    search.add_edge(ends[2 * k], ends[2 * k + 1], edges[k].id, cycles);
    if ((k & 0xfff) == 0 && cancel && cancel->load(std::memory_order_relaxed)) return false;
  }
  std::sort(cycles->begin(), cycles->end());
  cycles->erase(std::unique(cycles->begin(), cycles->end()), cycles->end());
  if (bytes_used) {
    *bytes_used += edges.capacity() * sizeof(SurvivorEdge) + ends.capacity() * sizeof(uint32_t) +
                   (index.upairs.capacity() + index.vpairs.capacity()) * sizeof(uint64_t) +
                   index.nodes() * 3 * sizeof(uint32_t) + search.bytes();
  }
  return true;
}

}  // namespace bciin::cuckoo::detail
