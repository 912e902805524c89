#!/bin/sh
# Builds Microsoft's IntercoreComms sample pair, unchanged, from a checkout of
# https://github.com/Azure/azure-sphere-samples and runs it in mt3620-emu, as a new user would
# (docs/intercore.md, "Microsoft's IntercoreComms pair"):
#   - the RTApp (Samples/IntercoreComms/IntercoreComms_RTApp_MT3620_BareMetal: every .c file,
#     its linker.ld and app_manifest.json) with arm-none-eabi-gcc;
#   - the high-level app (Samples/IntercoreComms/IntercoreComms_HighLevelApp: main.c, its
#     eventloop_timer_utilities.c if the checkout has one, else this project's
#     firmware-samples/hl-common copy) with arm-linux-musleabihf-gcc against this project's
#     applibs sysroot (src/applibs-guest/include, build/hl-apps/lib/libapplibs.so.0);
#   - then: mt3620-emu run --a7 <hl app dir> --m4-0 <rt app dir> --time-limit $TIME.
#
# Usage: scripts/try-ms-intercore.sh PATH-TO-azure-sphere-samples [OUT-DIR]
# Environment: BUILD (the emulator's build directory, default build), TIME (default 5s).
# Nothing of Microsoft's is copied into this repository: the sources are read from the checkout.
set -eu

samples=${1:?usage: $0 PATH-TO-azure-sphere-samples [OUT-DIR]}
out=${2:-/tmp/mt3620-ms-intercore}
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
time_limit=${TIME:-5s}
rt_src=$samples/Samples/IntercoreComms/IntercoreComms_RTApp_MT3620_BareMetal
hl_src=$samples/Samples/IntercoreComms/IntercoreComms_HighLevelApp
applibs=$build/hl-apps/lib/libapplibs.so.0

for f in "$rt_src/linker.ld" "$rt_src/app_manifest.json" "$hl_src/main.c" "$hl_src/app_manifest.json" \
         "$build/mt3620-emu" "$applibs"; do
    [ -f "$f" ] || { echo "$0: missing $f (build the emulator and hl_apps first)" >&2; exit 2; }
done

rm -rf "$out"
mkdir -p "$out/rt/bin" "$out/hl/bin"

# The RTApp: the flags of the project's RTApp samples (firmware-samples/CMakeLists.txt).
echo "== building the RTApp from $rt_src"
arm-none-eabi-gcc -std=c11 -mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -g \
    -nostartfiles -Wl,--no-undefined -Wl,-n -T "$rt_src/linker.ld" \
    -o "$out/rt/bin/app" "$rt_src"/*.c
cp "$rt_src/app_manifest.json" "$out/rt/app_manifest.json"

# The high-level app against this project's sysroot.
echo "== building the high-level app from $hl_src"
timer_utils=$hl_src/eventloop_timer_utilities.c
timer_inc=$hl_src
if [ ! -f "$timer_utils" ]; then
    timer_utils=$here/firmware-samples/hl-common/eventloop_timer_utilities.c
    timer_inc=$here/firmware-samples/hl-common
fi
arm-linux-musleabihf-gcc -std=gnu11 -O2 -g -march=armv7-a -mthumb -mfpu=neon-vfpv4 -mfloat-abi=hard \
    -fPIE -pie -I "$here/src/applibs-guest/include" -I "$timer_inc" \
    -o "$out/hl/bin/app" "$hl_src/main.c" "$timer_utils" "$applibs"
cp "$hl_src/app_manifest.json" "$out/hl/app_manifest.json"

echo "== running: mt3620-emu run --a7 $out/hl --m4-0 $out/rt --time-limit $time_limit"
exec "$build/mt3620-emu" run --a7 "$out/hl" --applibs "$applibs" --m4-0 "$out/rt" --time-limit "$time_limit"
