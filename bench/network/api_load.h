// API load with wrk (Debian package): requests per second for GET /v1/status and for POST
// /v1/transactions of distinct pre-signed spends (one per request, fed by a Lua script).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace bciin::bench {

struct WrkFigures {
  bool ran = false;
  double requests_per_s = 0;
  unsigned long long requests = 0;
  unsigned long long non_2xx = 0;
  std::string latency;  // wrk's average latency, as printed
  std::string output;   // wrk's whole report (for errors)
};

// The wrk program on PATH; empty when it is not installed.
std::filesystem::path FindWrk();

// GET `url` + `target` for `seconds` with `threads` threads and `connections` connections.
WrkFigures WrkGet(const std::filesystem::path& wrk, const std::string& url, const std::string& target,
                  unsigned seconds, unsigned threads, unsigned connections);

// POSTs every body of `bodies` (one JSON text each) once to `url` + `target` with
// `Authorization: Bearer token`, spread over the threads. wrk itself always runs for its whole
// duration, so `done` (polled every 10 ms) says when the node has taken them all: the rate is
// bodies / the time until then, and wrk is stopped (SIGINT: it still prints its report).
WrkFigures WrkPostEach(const std::filesystem::path& wrk, const std::filesystem::path& work_dir, const std::string& url,
                       const std::string& target, const std::string& token, const std::vector<std::string>& bodies,
                       unsigned threads, unsigned connections, const std::function<bool()>& done);

}  // namespace bciin::bench
