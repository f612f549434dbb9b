#!/usr/bin/env bash
# Proves the ABI guard can fail: on a copy of the SDK headers and baseline, a moved field, a
# removed field and an unversioned addition must each be refused; a versioned addition and an
# untouched ABI must pass.
set -uo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fresh() {
  rm -rf "$work/repo"
  mkdir -p "$work/repo/scripts" "$work/repo/sdk"
  cp "$src/scripts/abi-check.sh" "$src/scripts/abi_compare.py" "$work/repo/scripts/"
  cp -r "$src/sdk/include" "$src/sdk/abi" "$work/repo/sdk/"
}
expect() {  # expect pass|fail "what"
  local want=$1 what=$2 out rc
  out=$("$work/repo/scripts/abi-check.sh" 2>&1); rc=$?
  if { [ "$want" = pass ] && [ $rc -eq 0 ]; } || { [ "$want" = fail ] && [ $rc -ne 0 ]; }; then
    echo "ok: $what ($want)"
  else
    echo "WRONG: $what: expected $want, exit $rc"; echo "$out" | tail -20
    failures=$((failures + 1))
  fi
}
abi=sdk/include/bciin/abi.h

fresh
expect pass "unchanged ABI"

fresh  # swap two fields of bciin_span: same size, moved offsets
python3 - "$work/repo/$abi" <<'PY'
import sys; p=sys.argv[1]; s=open(p).read()
old="typedef struct bciin_span {\n  const uint8_t* data;\n  size_t size;\n}"
assert old in s
s=s.replace(old,"typedef struct bciin_span {\n  size_t size;\n  const uint8_t* data;\n}")
open(p,'w').write(s)
PY
expect fail "fields of bciin_span reordered"

fresh  # remove a function pointer from the host table
sed -i '/const char\* (\*data_dir)(bciin_host\* host);/d' "$work/repo/$abi"
expect fail "host table field removed"

fresh  # append a field to the host table without a version change
sed -i 's|  const char\* (\*data_dir)(bciin_host\* host);|&\n  uint64_t (*now_ms)(bciin_host* host);|' "$work/repo/$abi"
expect fail "host table grew without a minor bump"

sed -i 's/^#define BCIIN_ABI_MINOR \([0-9]*\)$/#define BCIIN_ABI_MINOR 99/' "$work/repo/$abi"
expect pass "host table grew with a minor bump"

echo "$((5 - failures)) passed, $failures failed"
[ $failures -eq 0 ]
