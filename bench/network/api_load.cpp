#include "api_load.h"

#include "process.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <unistd.h>
#include <csignal>
#include <fstream>
#include <thread>
#include <sstream>

namespace bciin::bench {

namespace fs = std::filesystem;

namespace {

// Each thread takes every n-th body (n = threads) and sends them in turn, starting over once
// through (wrk may draw a request it never sends; a second copy is answered 409). Non-202
// answers of the first round are printed.
constexpr const char* kPostScript = R"lua(
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  local file, threads, token = args[1], tonumber(args[2]), args[3]
  bodies = {}
  local i = 0
  for line in io.lines(file) do
    if i % threads == id then bodies[#bodies + 1] = line end
    i = i + 1
  end
  sent, answered = 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end
function request()
  sent = sent % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[sent])
end
function response(status, headers, body)
  answered = answered + 1
  if status ~= 202 and answered <= #bodies then print("answer " .. status .. ": " .. body) end
end
)lua";

double NumberAfterWord(const std::string& text, const std::string& word) {
  size_t at = text.find(word);
  if (at == std::string::npos) return 0;
  return std::strtod(text.c_str() + at + word.size(), nullptr);
}

WrkFigures Parse(testing::RunResult r) {
  WrkFigures f;
  f.output = std::move(r.output);
  f.ran = r.exit_code == 0 && f.output.find("Requests/sec:") != std::string::npos;
  f.requests_per_s = NumberAfterWord(f.output, "Requests/sec:");
  f.non_2xx = static_cast<unsigned long long>(NumberAfterWord(f.output, "Non-2xx or 3xx responses:"));
  std::istringstream lines(f.output);
  for (std::string line; std::getline(lines, line);) {
    if (size_t at = line.find(" requests in "); at != std::string::npos)
      f.requests = std::strtoull(line.c_str(), nullptr, 10);
    if (size_t at = line.find("Latency"); at != std::string::npos && f.latency.empty()) {
      std::istringstream words(line.substr(at + 7));
      words >> f.latency;
    }
  }
  return f;
}

}  // namespace

fs::path FindWrk() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path p = fs::path(dir) / "wrk";
    if (!dir.empty() && access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

WrkFigures WrkGet(const fs::path& wrk, const std::string& url, const std::string& target, unsigned seconds,
                  unsigned threads, unsigned connections) {
  return Parse(testing::RunProgram(wrk,
                                   {"-t" + std::to_string(threads), "-c" + std::to_string(connections),
                                    "-d" + std::to_string(seconds) + "s", url + target},
                                   std::chrono::seconds(seconds + 60)));
}

WrkFigures WrkPostEach(const fs::path& wrk, const fs::path& work_dir, const std::string& url, const std::string& target,
                       const std::string& token, const std::vector<std::string>& bodies, unsigned threads,
                       unsigned connections, const std::function<bool()>& done) {
  fs::path script = work_dir / "post.lua", data = work_dir / "bodies.txt";
  testing::WriteFile(script, kPostScript);
  {
    std::ofstream out(data);
    for (const auto& b : bodies) out << b << "\n";
  }
  auto start = std::chrono::steady_clock::now();
  testing::Process p(wrk, {"-t" + std::to_string(threads), "-c" + std::to_string(connections), "-d600s", "-s",
                           script.string(), url + target, "--", data.string(), std::to_string(threads), token});
  bool finished = false;
  while (p.Running() && !(finished = done()) && std::chrono::steady_clock::now() - start < std::chrono::minutes(2))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  p.Signal(SIGINT);
  p.Wait(std::chrono::seconds(30));
  WrkFigures f = Parse(testing::RunResult{0, p.Output()});
  f.ran = finished && f.ran;
  f.requests_per_s = static_cast<double>(bodies.size()) / seconds;
  return f;
}

}  // namespace bciin::bench
