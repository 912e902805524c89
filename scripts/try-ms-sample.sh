#!/usr/bin/env bash
# Builds an Azure Sphere high-level app sample from its unchanged source with the mt3620-emu SDK
# (src/sdk: toolchain file, azsphere_* CMake functions, applibs sysroot, MT3620 hardware
# definitions), packs it with `mt3620-emu image pack-application`, runs the image package with
# `mt3620-emu run --a7`, and checks that a pin (default GPIO 8, the RDB's LED1 red, which the
# samples call SAMPLE_LED) blinks: at least 3 edges, evenly spaced. docs/sdk.md.
#
#   scripts/try-ms-sample.sh [--pin N] [--seconds S] SAMPLE_DIR
#
# SAMPLE_DIR holds the sample's CMakeLists.txt, e.g. a checkout of Microsoft's samples:
#   scripts/try-ms-sample.sh ~/azure-sphere-samples/Samples/HelloWorld/HelloWorld_HighLevelApp
# Environment: MT3620_EMU_BUILD_DIR (the emulator's build tree, default ./build: it must have
# built mt3620-emu and hl_apps), TRY_WORK_DIR (where to build; default a new temporary folder).
# Exit status 0 when the pin blinks.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pin=8
seconds=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pin) pin=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "try-ms-sample: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ $# -ne 1 ]]; then
  echo "usage: scripts/try-ms-sample.sh [--pin N] [--seconds S] SAMPLE_DIR" >&2
  exit 2
fi
sample=$(cd "$1" && pwd)
[[ -f "$sample/CMakeLists.txt" ]] || { echo "try-ms-sample: $sample has no CMakeLists.txt" >&2; exit 2; }

build=${MT3620_EMU_BUILD_DIR:-$root/build}
build=$(cd "$build" && pwd)
emu="$build/mt3620-emu"
if [[ ! -x "$emu" || ! -f "$build/hl-apps/lib/libapplibs.so" ]]; then
  echo "try-ms-sample: build the emulator and the applibs sysroot first:" >&2
  echo "  cmake -B build -G Ninja && ninja -C build mt3620-emu hl_apps" >&2
  exit 2
fi
work=${TRY_WORK_DIR:-$(mktemp -d /tmp/try-ms-sample.XXXXXX)}
rm -rf "$work/build"
mkdir -p "$work"
# Image packages are signed with a developer key kept under XDG_DATA_HOME (docs/image-packages.md).
export XDG_DATA_HOME="$work/home"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
echo "== configure: $sample"
cmake "${generator[@]}" -S "$sample" -B "$work/build" \
  -DCMAKE_TOOLCHAIN_FILE="$root/src/sdk/cmake/AzureSphereToolchain.cmake" \
  -DMT3620_EMU_BUILD_DIR="$build" -DCMAKE_BUILD_TYPE=Debug
echo "== build"
cmake --build "$work/build"

shopt -s nullglob
packages=("$work"/build/*.imagepackage)
approots=("$work"/build/approot*/)
if [[ ${#packages[@]} -ne 1 || ${#approots[@]} -ne 1 ]]; then
  echo "try-ms-sample: expected one image package and one approot folder in $work/build" >&2
  exit 1
fi
echo "== image package: ${packages[0]}"
"$emu" image show "${packages[0]}"

# The package, verified by the emulated device's secure boot (it trusts the developer key under
# XDG_DATA_HOME that signed it) and unpacked for the A7.
echo "== run --a7 ${packages[0]} for ${seconds} s of virtual time"
status=0
"$emu" run --a7 "${packages[0]}" --time-limit "${seconds}s" --vcd "$work/pins.vcd" --applibs "$build/hl-apps/lib/libapplibs.so.0" \
  > "$work/output.txt" 2> "$work/log.txt" || status=$?
sed 's/^/  app| /' "$work/output.txt"
grep -E "^(warn|error)" "$work/log.txt" | sed 's/^/  log| /' || true
if [[ $status -ne 0 ]]; then
  echo "FAIL: mt3620-emu run exited with status $status (log: $work/log.txt)"
  exit 1
fi

# Edges of the pin in the value-change dump (times in picoseconds).
awk -v pin="$pin" -v seconds="$seconds" '
  $1 == "$var" && $5 ~ ("_gpio" pin "$") { id = $4 }
  /^#/ { t = substr($0, 2) + 0 }
  id != "" && ($0 == "0" id || $0 == "1" id) {
    level = substr($0, 1, 1)
    if (have && level != last) { edges[n++] = t; levels[n - 1] = level }
    last = level; have = 1
  }
  END {
    if (id == "") { print "FAIL: GPIO " pin " is not wired on the board (no VCD signal)"; exit 1 }
    printf "GPIO %d: %d edges in %d s:", pin, n, seconds
    for (i = 0; i < n && i < 12; i++) printf " %.3f s (%s)", edges[i] / 1e12, levels[i] == "0" ? "low" : "high"
    print ""
    if (n < 3) { print "FAIL: GPIO " pin " does not blink"; exit 1 }
    period = edges[2] - edges[1]
    for (i = 2; i < n; i++) {
      d = edges[i] - edges[i - 1]
      if (d < period * 0.99 || d > period * 1.01) { printf "FAIL: uneven blink: %.3f ms then %.3f ms\n", period / 1e9, d / 1e9; exit 1 }
    }
    printf "PASS: GPIO %d blinks, %.3f ms between edges\n", pin, period / 1e9
  }' "$work/pins.vcd"
