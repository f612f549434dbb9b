#include "config_file.hpp"

#include <cctype>
#include <fstream>

namespace bciin::host {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Letters, digits, '.', '-', '_', starting with a letter or digit.
bool IsName(const std::string& s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

}  // namespace

Status ReadConfigFile(const std::filesystem::path& path, ConfigFile* out) {
  std::ifstream in(path);
  if (!in) return Status::IoError("config file " + path.string() + " cannot be read");
  ConfigFile file;
  file.path = path;
  std::string section;
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    std::string text = raw;
    if (auto hash = text.find_first_of("#;"); hash != std::string::npos) text.resize(hash);
    text = Trim(text);
    if (text.empty()) continue;
    if (text.front() == '[') {
      std::string name = text.size() >= 2 && text.back() == ']' ? text.substr(1, text.size() - 2) : "";
      if (!IsName(name))
        return Status::InvalidArgument(file.Where(line) + ": malformed section header '" + Trim(raw) +
                                       "' (expected [name] with letters, digits, '.', '-', '_')");
      section = name;
      continue;
    }
    auto eq = text.find('=');
    if (eq == std::string::npos)
      return Status::InvalidArgument(file.Where(line) + ": malformed line '" + Trim(raw) +
                                     "' (expected 'key = value', '[section]' or a comment)");
    std::string key = Trim(text.substr(0, eq));
    if (!IsName(key))
      return Status::InvalidArgument(file.Where(line) + ": malformed option name '" + key + "'");
    file.entries.push_back({section, key, Trim(text.substr(eq + 1)), line});
  }
  *out = std::move(file);
  return Status();
}

}  // namespace bciin::host
