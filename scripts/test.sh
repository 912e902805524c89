#!/usr/bin/env bash
# Installs what is missing, builds everything (emulator, firmware samples, tests) and runs the
# whole test suite with ctest. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
cd build
ctest --output-on-failure -j2 --timeout 600
