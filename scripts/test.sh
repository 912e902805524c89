#!/usr/bin/env bash
# Installs what is missing, builds everything (emulator, firmware samples, tests) and runs the
# whole test suite with ctest. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
# A short run of every parser's fuzz target (needs clang; skipped without it).
if command -v clang++ >/dev/null 2>&1; then bash scripts/fuzz.sh 10; fi
cd build
ctest --output-on-failure -j2 --timeout 600
