#!/usr/bin/env bash
# Sets up and runs every test of BCIIN: installs the Debian packages it needs, builds everything
# once with AddressSanitizer + UndefinedBehaviorSanitizer, and runs the whole CTest suite: unit
# tests, end-to-end tests (real nodes, simulators on ptys, loopback TCP), fuzz targets replaying
# their corpora, the ABI guard, the out-of-tree samples and a short smoke run of every benchmark.
#
#   scripts/test.sh                 everything
#   scripts/test.sh -R chain        only tests whose name matches (extra args go to ctest)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/install-deps.sh"

build=${BCIIN_TEST_BUILD_DIR:-$top/build-test}
jobs=${BCIIN_JOBS:-$(nproc)}
echo "== configure ($build, ASan+UBSan)"
# -O1 without debug info: a sanitizer build compiles four times faster than at -O2 -g (which
# matters on CI's two cores); ASan still names functions in its reports. BCIIN_TEST_CXXFLAGS
# overrides it ("-O1 -g" for line numbers).
flags=${BCIIN_TEST_CXXFLAGS:--O1 -g0}
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBCIIN_SANITIZE=ON -DBCIIN_UNIT_FILTER=".*" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags -DNDEBUG" \
  -DBCIIN_SHARED_DATA_DIR="$(cd "$top/.." && pwd)/shared/data" > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
echo "== build ($jobs jobs)"
cmake --build "$build" -j "$jobs"
echo "== test"
cd "$build"
ctest --output-on-failure -j "$jobs" "$@"
