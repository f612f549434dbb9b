#include "dependency_order.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace bciin::host {

namespace {

std::string InstalledHint(const std::string& id, const PluginCatalog& catalog) {
  for (const auto& [pid, entry] : catalog.entries()) {
    bool provides = pid == id;
    for (const auto& p : entry.manifest.provides) provides = provides || p.id == id;
    if (provides) return " (installed plugin '" + pid + "' would provide it: add 'plugin = " + pid + "')";
  }
  return "";
}

}  // namespace

Status OrderByRequirements(const std::vector<const Manifest*>& enabled, const PluginCatalog& catalog,
                           std::vector<size_t>* order) {
  const size_t n = enabled.size();
  std::vector<std::set<size_t>> deps(n);
  for (size_t i = 0; i < n; ++i) {
    const Manifest& m = *enabled[i];
    for (const auto& req : m.requires_) {
      std::vector<std::string> out_of_range;
      bool satisfied = false;
      for (size_t j = 0; j < n; ++j) {
        const Manifest& other = *enabled[j];
        if (other.id == req.id) {
          if (req.range.Contains(other.version)) {
            deps[i].insert(j);
            satisfied = true;
          } else {
            out_of_range.push_back("plugin '" + other.id + "' is " + other.version.ToString());
          }
        }
        for (const auto& p : other.provides) {
          if (p.id != req.id) continue;
          if (req.range.Contains(p.version)) {
            if (j != i) deps[i].insert(j);
            satisfied = true;
          } else {
            out_of_range.push_back("plugin '" + other.id + "' provides it at " + p.version.ToString());
          }
        }
      }
      if (satisfied || (req.range.optional() && out_of_range.empty())) continue;
      if (!out_of_range.empty()) {
        std::string list;
        for (const auto& s : out_of_range) list += (list.empty() ? "" : "; ") + s;
        return Status::Unsupported("plugin '" + m.id + "' requires " + req.id + " " + req.range.text() +
                                   ", but " + list);
      }
      return Status::NotFound("plugin '" + m.id + "' requires " + req.id + " " + req.range.text() +
                              ", which no enabled plugin provides" + InstalledHint(req.id, catalog));
    }
  }

  // Depth-first topological sort in configuration order; a back edge is a cycle.
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> stack;
  std::vector<size_t> result;
  Status cycle;
  std::function<bool(size_t)> visit = [&](size_t i) -> bool {
    if (state[i] == 2) return true;
    if (state[i] == 1) {
      auto from = std::find(stack.begin(), stack.end(), i);
      std::string path;
      for (auto it = from; it != stack.end(); ++it) path += enabled[*it]->id + " -> ";
      path += enabled[i]->id;
      cycle = Status::InvalidArgument("plugins require each other in a cycle: " + path);
      return false;
    }
    state[i] = 1;
    stack.push_back(i);
    for (size_t d : deps[i])
      if (!visit(d)) return false;
    stack.pop_back();
    state[i] = 2;
    result.push_back(i);
    return true;
  };
  for (size_t i = 0; i < n; ++i)
    if (!visit(i)) return cycle;
  *order = std::move(result);
  return Status();
}

}  // namespace bciin::host
