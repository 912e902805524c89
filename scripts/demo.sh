#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo: the project's hello RTApp on emulated
# M4 core 0 for 5 virtual seconds, printing its debug UART to the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target mt3620-emu firmware
exec ./build/mt3620-emu run --m4-0 build/firmware/hello.elf --time-limit 5s
