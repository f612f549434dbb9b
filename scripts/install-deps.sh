#!/usr/bin/env bash
# Installs the Debian packages BCIIN needs to build, test and run. A no-op when all are present.
# Used by both README commands and by .ci/run, so there is one list of what the project needs.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libboost-dev libboost-program-options-dev libboost-filesystem-dev libboost-system-dev
  libleveldb-dev libcereal-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsodium-dev nlohmann-json3-dev abigail-tools libmodbus-dev wabt
  clang lld python3 socat wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
