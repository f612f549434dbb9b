#include <bciin/gcode/program.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace bciin::gcode {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Parses a number at the front of `s` ("-2", ".35", "+1e2" is not G-code, "1." is). Advances `s`.
bool ParseNumber(std::string_view* s, double* out) {
  std::string_view v = *s;
  size_t i = 0;
  bool negative = false;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) {
    negative = v[i] == '-';
    ++i;
  }
  size_t start = i;
  bool digits = false;
  while (i < v.size() && IsDigit(v[i])) ++i, digits = true;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && IsDigit(v[i])) ++i, digits = true;
  }
  if (!digits) return false;
  double value = 0;
  auto r = std::from_chars(v.data() + start, v.data() + i, value, std::chars_format::fixed);
  if (r.ec != std::errc() || !std::isfinite(value)) return false;
  *out = negative ? -value : value;
  s->remove_prefix(i);
  return true;
}

// Commands whose parameter is free text rather than words.
bool TakesText(char letter, int code) {
  return letter == 'M' && (code == 117 || code == 118 || code == 23 || code == 28 || code == 30);
}

const std::set<std::string>& Subset() {
  static const std::set<std::string> subset = {
      "G0",   "G1",   "G2",   "G3",   "G4",   "G20",  "G21",  "G28",  "G90",  "G91",
      "G92",  "M82",  "M83",  "M104", "M109", "M140", "M190", "M106", "M107",
      // tolerated
      "M73",  "M84",  "M117", "M201", "M203", "M204", "M205"};
  return subset;
}

bool ValidateSemantics(const Command& c, const ParseOptions& options, std::string* reason) {
  const std::string name = c.Name();
  if (c.letter != 'T' && !options.allow_any_code && !Subset().count(name) &&
      std::find(options.extra_codes.begin(), options.extra_codes.end(), name) ==
          options.extra_codes.end()) {
    *reason = fmt::format("unsupported command {}", name);
    return false;
  }
  double v = 0;
  if (c.letter == 'G') {
    if ((c.code == 0 || c.code == 1 || c.code == 2 || c.code == 3) && c.Has('F', &v) && v <= 0) {
      *reason = fmt::format("{} feed rate F{} is not positive", name, v);
      return false;
    }
    if (c.code == 2 || c.code == 3) {
      if (!options.allow_arcs) {
        *reason = fmt::format("arc {} not allowed for this device", name);
        return false;
      }
      bool ij = c.Has('I') || c.Has('J');
      double r = 0;
      bool has_r = c.Has('R', &r);
      if (ij && has_r) {
        *reason = fmt::format("arc {} has both I/J and R", name);
        return false;
      }
      if (!ij && !has_r) {
        *reason = fmt::format("arc {} has neither I/J nor R", name);
        return false;
      }
      if (has_r && (r == 0 || (!c.Has('X') && !c.Has('Y')))) {
        *reason = fmt::format("arc {} with R needs a non-zero radius and an X/Y end point", name);
        return false;
      }
      double i = 0, j = 0;
      c.Has('I', &i);
      c.Has('J', &j);
      if (ij && i == 0 && j == 0) {
        *reason = fmt::format("arc {} has a zero radius (I and J both 0)", name);
        return false;
      }
    }
    if (c.code == 4) {
      double p = 0, s = 0;
      if ((c.Has('P', &p) && p < 0) || (c.Has('S', &s) && s < 0)) {
        *reason = "G4 dwell is negative";
        return false;
      }
    }
  } else if (c.letter == 'M') {
    if (c.code == 104 || c.code == 109 || c.code == 140 || c.code == 190) {
      for (char letter : {'S', 'R'}) {
        if (c.Has(letter, &v) && (v < 0 || v > 500)) {
          *reason = fmt::format("{} temperature {}{} outside 0..500", name, letter, v);
          return false;
        }
      }
    }
    if (c.code == 106 && c.Has('S', &v) && (v < 0 || v > 255)) {
      *reason = fmt::format("M106 fan speed S{} outside 0..255", v);
      return false;
    }
  }
  return true;
}

}  // namespace

bool Command::Has(char l, double* value) const {
  for (const Word& w : words) {
    if (w.letter == l) {
      if (value) *value = w.value;
      return true;
    }
  }
  return false;
}

std::string Command::Name() const { return fmt::format("{}{}", letter, code); }

std::string Program::Summary(size_t max) const {
  std::string out;
  for (size_t i = 0; i < issues.size() && i < max; ++i) {
    if (!out.empty()) out += "; ";
    out += fmt::format("line {}: {}", issues[i].source_line, issues[i].reason);
  }
  if (issues.size() > max) out += fmt::format("; and {} more", issues.size() - max);
  return out;
}

bool StripLine(std::string_view line, std::string* payload, std::string* reason) {
  payload->clear();
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ';') break;
    if (c == '(') {
      size_t close = line.find(')', i + 1);
      size_t nested = line.find('(', i + 1);
      if (close == std::string_view::npos) {
        *reason = "unclosed '(' comment";
        return false;
      }
      if (nested != std::string_view::npos && nested < close) {
        *reason = "nested '(' comment";
        return false;
      }
      i = close;
      payload->push_back(' ');
      continue;
    }
    payload->push_back(c);
  }
  std::string_view p = Trim(*payload);
  // An existing line number: the driver numbers lines itself.
  if (!p.empty() && (p[0] == 'N' || p[0] == 'n') && p.size() > 1 && IsDigit(p[1])) {
    size_t i = 1;
    while (i < p.size() && IsDigit(p[i])) ++i;
    p = Trim(p.substr(i));
  }
  // A checksum suffix.
  size_t star = p.rfind('*');
  if (star != std::string_view::npos) {
    std::string_view cs = Trim(p.substr(star + 1));
    if (cs.empty() || !std::all_of(cs.begin(), cs.end(), IsDigit)) {
      *reason = "malformed '*' checksum";
      return false;
    }
    p = Trim(p.substr(0, star));
  }
  *payload = std::string(p);
  return true;
}

Program ParseProgram(std::string_view text, const ParseOptions& options) {
  Program program;
  uint32_t line_no = 0;
  auto issue = [&](std::string reason) {
    if (program.issues.size() < options.max_issues) program.issues.push_back({line_no, std::move(reason)});
  };
  std::string payload, reason;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (program.issues.size() >= options.max_issues) break;

    bool bad_byte = false;
    for (char ch : raw) {
      auto b = static_cast<unsigned char>(ch);
      if (b == 0 || b >= 0x80 || (b < 0x20 && b != '\t' && b != '\r')) {
        issue(b == 0 ? "NUL byte" : fmt::format("non-ASCII or control byte 0x{:02x}", b));
        bad_byte = true;
        break;
      }
    }
    if (bad_byte) continue;
    if (!StripLine(raw, &payload, &reason)) {
      issue(reason);
      continue;
    }
    if (payload.empty() || payload == "%") continue;
    if (payload[0] == '/') {
      issue("block delete '/' is not supported");
      continue;
    }
    if (payload.size() > options.max_payload) {
      issue(fmt::format("command is {} bytes, longer than the limit of {}", payload.size(), options.max_payload));
      continue;
    }

    Command cmd;
    cmd.source_line = line_no;
    std::string_view rest = payload;
    cmd.letter = Upper(rest[0]);
    if (cmd.letter != 'G' && cmd.letter != 'M' && cmd.letter != 'T') {
      issue(fmt::format("a command must start with G, M or T, not '{}'", rest[0]));
      continue;
    }
    rest.remove_prefix(1);
    size_t digits = 0;
    while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
    if (digits == 0 || digits > 4) {
      issue(fmt::format("'{}' is not followed by a command number", cmd.letter));
      continue;
    }
    std::from_chars(rest.data(), rest.data() + digits, cmd.code);
    rest.remove_prefix(digits);
    if (!rest.empty() && rest[0] == '.') {
      issue(fmt::format("sub-command {}{}.x is not supported", cmd.letter, cmd.code));
      continue;
    }
    bool ok = true;
    std::string text_out = fmt::format("{}{}", cmd.letter, cmd.code);
    if (TakesText(cmd.letter, cmd.code)) {
      std::string_view msg = Trim(rest);
      if (!msg.empty()) text_out += " " + std::string(msg);
    } else {
      rest = Trim(rest);
      while (!rest.empty()) {
        char l = Upper(rest[0]);
        if (!IsLetter(l)) {
          issue(fmt::format("unexpected '{}' in parameters", rest[0]));
          ok = false;
          break;
        }
        if (l == 'G' || l == 'M') {
          issue(fmt::format("several commands on one line ({} and {}{}) are not supported", cmd.Name(), l,
                            rest.substr(1, rest.find(' ') == std::string_view::npos ? rest.size() : rest.find(' ') - 1)));
          ok = false;
          break;
        }
        rest.remove_prefix(1);
        Word w{l, 0};
        // Bare axis words ("G28 X Y") have no number and mean "this axis".
        if (rest.empty() || IsLetter(rest[0]) || IsSpace(rest[0])) {
          w.value = 0;
          text_out += fmt::format(" {}", l);
        } else {
          std::string_view before = rest;
          if (!ParseNumber(&rest, &w.value)) {
            issue(fmt::format("bad number after '{}'", l));
            ok = false;
            break;
          }
          text_out += " ";
          text_out += l;
          text_out += before.substr(0, before.size() - rest.size());
        }
        for (const Word& prev : cmd.words) {
          if (prev.letter == l) {
            issue(fmt::format("parameter '{}' repeated", l));
            ok = false;
            break;
          }
        }
        if (!ok) break;
        cmd.words.push_back(w);
        rest = Trim(rest);
      }
    }
    if (!ok) continue;
    if (!ValidateSemantics(cmd, options, &reason)) {
      issue(reason);
      continue;
    }
    if (text_out.size() > options.max_payload) {
      issue(fmt::format("command is {} bytes, longer than the limit of {}", text_out.size(), options.max_payload));
      continue;
    }
    cmd.text = std::move(text_out);
    program.commands.push_back(std::move(cmd));
  }
  return program;
}

}  // namespace bciin::gcode
