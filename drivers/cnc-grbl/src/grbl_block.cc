#include "grbl_block.h"

#include <cmath>
#include <cstdlib>

namespace bciin::grbl {
namespace {

bool SupportedG(double v) {
  int tenths = static_cast<int>(std::lround(v * 10));
  if (std::fabs(v * 10 - tenths) > 1e-6) return false;
  switch (tenths) {
    case 0: case 10: case 20: case 30: case 40: case 100: case 170: case 180: case 190:
    case 200: case 210: case 280: case 281: case 300: case 301: case 382: case 383: case 384:
    case 385: case 400: case 431: case 490: case 530: case 540: case 550: case 560: case 570:
    case 580: case 590: case 610: case 800: case 900: case 910: case 911: case 920: case 921:
    case 930: case 940:
      return true;
    default:
      return false;
  }
}

bool SupportedM(double v) {
  if (v != std::floor(v)) return false;
  switch (static_cast<int>(v)) {
    case 0: case 1: case 2: case 30: case 3: case 4: case 5: case 7: case 8: case 9: case 56:
      return true;
    default:
      return false;
  }
}

bool ValueLetter(char c) {
  switch (c) {
    case 'F': case 'I': case 'J': case 'K': case 'L': case 'N': case 'P': case 'R': case 'S':
    case 'T': case 'X': case 'Y': case 'Z':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string FilterLine(std::string_view line) {
  std::string out;
  bool paren = false;
  for (char c : line) {
    if (paren) {
      if (c == ')') paren = false;
      continue;
    }
    if (c == '(') {
      paren = true;
      continue;
    }
    if (c == ';') break;
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u >= 0x7F) continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out.push_back(c);
  }
  return out;
}

int ParseBlock(std::string_view filtered, std::vector<BlockWord>* words) {
  words->clear();
  if (filtered.size() > kMaxFilteredLine) return 11;
  size_t i = 0;
  unsigned seen = 0;  // bit per value letter, for repeats
  while (i < filtered.size()) {
    char letter = filtered[i++];
    if (letter < 'A' || letter > 'Z') return 1;
    size_t start = i;
    if (i < filtered.size() && (filtered[i] == '-' || filtered[i] == '+')) ++i;
    bool digits = false, dot = false;
    while (i < filtered.size()) {
      char c = filtered[i];
      if (c >= '0' && c <= '9') {
        digits = true;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
      ++i;
    }
    if (!digits) return 2;
    std::string number(filtered.substr(start, i - start));
    double value = std::strtod(number.c_str(), nullptr);
    if (letter == 'G') {
      if (!SupportedG(value)) return 20;
    } else if (letter == 'M') {
      if (!SupportedM(value)) return 20;
    } else if (ValueLetter(letter)) {
      unsigned bit = 1u << (letter - 'A');
      if (seen & bit) return 25;
      seen |= bit;
    } else {
      return 20;
    }
    words->push_back(BlockWord{letter, value});
  }
  return 0;
}

}  // namespace bciin::grbl
