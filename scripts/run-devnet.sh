#!/usr/bin/env bash
# Sets up and runs a BCIIN devnet on this machine: installs the Debian packages, builds a release,
# starts three simulated machines on pseudo-terminals (a Marlin 3D printer, a GRBL CNC mill and a
# Modbus RTU sensor board), and runs bciin-node with the default plugins (chain, storage-leveldb,
# consensus-dev) producing blocks, the network and HTTP API plugins, the sensor rules,
# and the three devices attached through their drivers. Ctrl-C stops the node and the simulators.
#
#   scripts/run-devnet.sh            keep the chain of the last run (devnet/ under the repo)
#   scripts/run-devnet.sh --fresh    start a new chain
#   scripts/run-devnet.sh --cuckoo   mine with Cuckoo Cycle proof of work (16 edge bits)
#   scripts/run-devnet.sh --nodes N  also run N-1 follower nodes on loopback that sync from the first
#                                    over p2p (APIs on the following ports, data in devnet/nodeI)
# Environment: BCIIN_DEVNET_DIR (default <repo>/devnet), BCIIN_DEVNET_BUILD_DIR (default
# <repo>/build-release), BCIIN_DEVNET_API_PORT (default 8550), BCIIN_DEVNET_SECONDS (stop after N
# seconds; default: run until Ctrl-C).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fresh=no
consensus=consensus-dev
nodes=1
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) fresh=yes ;;
    --cuckoo) consensus=consensus-cuckoo ;;
    --nodes)
      nodes=${2:-}
      shift
      case "$nodes" in ''|*[!0-9]*|0) echo "run-devnet: --nodes needs a number of nodes, 1 or more" >&2; exit 2 ;; esac ;;
    *) echo "run-devnet: unknown argument '$1' (known: --fresh, --cuckoo, --nodes N)" >&2; exit 2 ;;
  esac
  shift
done

"$top/scripts/install-deps.sh"
build=${BCIIN_DEVNET_BUILD_DIR:-$top/build-release}
echo "run-devnet: building a release in $build (the first build takes a while)"
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBCIIN_BUILD_TESTS=OFF -DBCIIN_BUILD_BENCH=OFF -DBCIIN_UNIT_FILTER=".*" \
  > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build"
bin=$build/bin
plugins=$build/lib/bciin/plugins

devnet=${BCIIN_DEVNET_DIR:-$top/devnet}
[ "$fresh" = yes ] && rm -rf "$devnet"
mkdir -p "$devnet"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "run-devnet: starting the simulated machines (logs and records in $devnet)"
"$bin/bciin-sim-marlin" --port "$devnet/printer1.pty" --time-scale 0.05 --record "$devnet/printer1.record" \
  > "$devnet/printer1.sim.log" 2>&1 & pids+=($!)
"$bin/bciin-sim-grbl" --port "$devnet/cnc1.pty" --time-scale 0.05 --record "$devnet/cnc1.record" \
  > "$devnet/cnc1.sim.log" 2>&1 & pids+=($!)
"$bin/bciin-sim-modbus" --port "$devnet/sensor1.pty" --time-scale 10 \
  > "$devnet/sensor1.sim.log" 2>&1 & pids+=($!)
for pty in printer1 cnc1 sensor1; do
  for _ in $(seq 1 100); do [ -e "$devnet/$pty.pty" ] && break; sleep 0.05; done
  [ -e "$devnet/$pty.pty" ] || { cat "$devnet/$pty.sim.log"; echo "run-devnet: simulator $pty did not start"; exit 1; }
done

api_port=${BCIIN_DEVNET_API_PORT:-8550}
p2p_port=${BCIIN_DEVNET_P2P_PORT:-7000}
consensus_section="[consensus-dev]
interval-ms = 2000"
if [ "$consensus" = consensus-cuckoo ]; then
  consensus_section="[consensus-cuckoo]
edge-bits = 16
solver = lean
block-time-ms = 5000"
fi
api_section="[api-http]
address = 127.0.0.1
port = $api_port"

cat > "$devnet/node.ini" <<INI
# Written by scripts/run-devnet.sh. A one-node devnet with three simulated machines.
plugin = chain
plugin = storage-leveldb
plugin = $consensus
plugin = sensor-rules
plugin = p2p
plugin = api-http
plugin-dir = $plugins
data-dir = $devnet/data

[chain]
produce = true

$consensus_section

$api_section

[p2p]
port = $p2p_port

[sensor-rules]
rule = hot-board: sensor1.temperature > 30 for 3 hysteresis 1

[device.printer1]
driver = printer-marlin
port = $devnet/printer1.pty
baud = 115200

[device.cnc1]
driver = cnc-grbl
port = $devnet/cnc1.pty
baud = 115200

[device.sensor1]
driver = sensor-modbus
port = $devnet/sensor1.pty
baud = 9600
poll_interval_ms = 1000
channel.temperature = slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel
channel.vibration = slave=1 fc=4 reg=2 type=u16 scale=0.01 unit=mm/s
INI

cat <<TXT
run-devnet: the node's configuration is $devnet/node.ini
run-devnet: in another terminal, for example:
  $bin/bciin-cli head
  $bin/bciin-cli keys import alice $devnet/data/devnet/account-0.key
  $bin/bciin-cli send --from alice --to ak_... --amount 1000 --token-file $devnet/data/api-token
  $bin/bciin-cli verify alice
  $bin/bciin-cli device list
  $bin/bciin-cli device submit printer1 FILE.gcode --copies 2 --watch --token-file $devnet/data/api-token
  tail -f $devnet/printer1.sim.log $devnet/cnc1.sim.log     # the simulated machines
run-devnet: starting bciin-node (Ctrl-C to stop)
TXT

# Followers: same genesis, the first node's authority (or the same proof of work), no producing,
# dialling the first node over p2p. They need the genesis and key the first node writes at start.
start_followers() {
  [ "$nodes" -gt 1 ] || return 0
  for _ in $(seq 1 200); do [ -e "$devnet/data/genesis.json" ] && break; sleep 0.05; done
  local consensus_follow="$consensus_section"
  if [ "$consensus" = consensus-dev ]; then
    for _ in $(seq 1 200); do [ -e "$devnet/data/consensus-dev.key" ] && break; sleep 0.05; done
    consensus_follow="[consensus-dev]
authority = $("$bin/bciin-cli" keys address "$devnet/data/consensus-dev.key")"
  fi
  for i in $(seq 1 $((nodes - 1))); do
    mkdir -p "$devnet/node$i"
    cat > "$devnet/node$i/node.ini" <<INI
# Written by scripts/run-devnet.sh. Follower $i: syncs from the first node, produces nothing.
plugin = chain
plugin = storage-leveldb
plugin = $consensus
plugin = p2p
plugin = api-http
plugin-dir = $plugins
data-dir = $devnet/node$i/data

[chain]
genesis = $devnet/data/genesis.json
produce = false

$consensus_follow

[p2p]
port = $((p2p_port + i))
peer = 127.0.0.1:$p2p_port

[api-http]
address = 127.0.0.1
port = $((api_port + i))
INI
    "$bin/bciin-node" --config "$devnet/node$i/node.ini" > "$devnet/node$i/node.log" 2>&1 & pids+=($!)
    echo "run-devnet: follower $i: API http://127.0.0.1:$((api_port + i)), log $devnet/node$i/node.log" \
      "(bciin-cli --node http://127.0.0.1:$((api_port + i)) head)"
  done
}

if [ -n "${BCIIN_DEVNET_SECONDS:-}" ] || [ "$nodes" -gt 1 ]; then
  "$bin/bciin-node" --config "$devnet/node.ini" & node=$!
  pids+=("$node")
  start_followers
  if [ -n "${BCIIN_DEVNET_SECONDS:-}" ]; then
    sleep "$BCIIN_DEVNET_SECONDS"
    kill -INT "$node"
  fi
  wait "$node"
else
  "$bin/bciin-node" --config "$devnet/node.ini"
fi
