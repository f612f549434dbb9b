// Runs a reference solver binary (tromp/cuckoo, built outside the repository) and reads its timings.
#pragma once

#include <optional>
#include <string>

namespace bciin::bench {

struct ReferenceRun {
  double seconds_per_graph = 0;  // mean of the "Time: N ms" lines
  unsigned graphs = 0;
  unsigned solutions = 0;        // "Solution" lines (mean prints them with -s)
  long max_rss_kib = 0;          // of the child, from wait4
};

// `path_pattern` may contain "{}" for the edge bits (e.g. /tmp/ref/mean{}x8). Runs
// `<path> -n <nonce> -r <graphs> -t <threads> [-s]` with an all-zero header, the same graphs as
// BCIIN's zero header hash when the binary hashes an 80-byte buffer (mean, simple; lean only when
// built with -DHEADERLEN=80). Returns nullopt if it cannot run or prints no timing.
std::optional<ReferenceRun> run_reference(const std::string& path_pattern, unsigned edge_bits, unsigned threads,
                                          unsigned nonce, unsigned graphs, bool show_solutions,
                                          std::string* error);

}  // namespace bciin::bench
