#!/usr/bin/env bash
# Builds every sample out of tree against the SDK installed from a build tree into a temporary
# prefix, as a third party would, and loads the plugin samples in the installed bciin-node.
#   scripts/check-samples.sh <build-dir>
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
plugins=$work/plugins

echo "check-samples: installing the SDK and the node into $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log" || { cat "$work/install.log"; exit 1; }

for dir in "$top"/samples/*/; do
  name=$(basename "$dir")
  [ -f "$dir/CMakeLists.txt" ] || continue
  echo "check-samples: building $name out of tree"
  cmake -S "$dir" -B "$work/build-$name" -DCMAKE_PREFIX_PATH="$prefix" -DBCIIN_PLUGIN_OUTPUT_DIR="$plugins" \
    > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; echo "check-samples: $name failed to configure"; exit 1; }
  cmake --build "$work/build-$name" -j 2 >> "$work/$name.log" 2>&1 \
    || { cat "$work/$name.log"; echo "check-samples: $name failed to build"; exit 1; }
done

node=$prefix/bin/bciin-node
echo "check-samples: every sample plugin passes --check-config"
ids=()
for manifest in "$plugins"/*.json; do ids+=(--plugin "$(basename "$manifest" .json)"); done
"$node" --plugin-dir "$plugins" "${ids[@]}" --data-dir "$work/data" --check-config

echo "check-samples: hello-c and hello-cpp run together"
log=$work/node.log
"$node" --plugin-dir "$plugins" --plugin hello-c --plugin hello-cpp --data-dir "$work/data" \
  --hello-c.tick-ms=20 --hello-cpp.greeting=Hi > "$log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do grep -q "tick 3" "$log" && break; sleep 0.05; done
kill -TERM $pid
wait $pid || { cat "$log"; echo "check-samples: the node did not stop cleanly"; exit 1; }
for expected in "Hi, world (the clock ticks every 20 ms)" "tick 1" "tick 3" "goodbye" "stopped plugin hello-c"; do
  grep -qF "$expected" "$log" || { cat "$log"; echo "check-samples: missing '$expected'"; exit 1; }
done
echo "check-samples: 1 passed, 0 failed"
