#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (tests/fuzz) and runs each for SECONDS (default 60).
# The test script runs it briefly (a smoke run) when clang++ is installed; run it longer by hand:
#   scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
# Unicorn keeps small allocations after uc_close() (targets that build an engine, like fuzz_linux_elf).
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if ! cmake --build build-fuzz > build-fuzz/build.log 2>&1; then
    echo "fuzz: building the fuzz targets failed; see build-fuzz/build.log" >&2
    grep -E "error|undefined reference" build-fuzz/build.log | head -20 >&2
    exit 1
fi
# Seed corpora from the project's own good and bad inputs.
mkdir -p build-fuzz/corpus/{elf,board,scenario,gdb,manifest,package,linux-elf}
cp -f build/firmware/*.elf build-fuzz/corpus/elf/ 2>/dev/null || true
find build/hl -maxdepth 1 -type f -perm -u+x -exec cp -f {} build-fuzz/corpus/linux-elf/ \; 2>/dev/null || true
cp -f boards/*.yaml tests/data/boards/*.yaml build-fuzz/corpus/board/ 2>/dev/null || true
cp -f tests/scenarios/*.yaml tests/data/scenarios/*.yaml tests/data/scenarios/bad/*.yaml build-fuzz/corpus/scenario/ 2>/dev/null || true
cp -f tests/data/manifests/*.json build-fuzz/corpus/manifest/ 2>/dev/null || true
cp -f tests/data/packages/*.imagepackage tests/data/packages/bad/*.imagepackage build-fuzz/corpus/package/ 2>/dev/null || true
printf '$qSupported:multiprocess+;swbreak+#00' > build-fuzz/corpus/gdb/qsupported
for pair in fuzz_elf:elf fuzz_board:board fuzz_scenario:scenario fuzz_gdb_packet:gdb fuzz_manifest:manifest fuzz_image_package:package fuzz_linux_elf:linux-elf; do
    target="${pair%%:*}"; corpus="build-fuzz/corpus/${pair##*:}"
    if ! ./build-fuzz/"$target" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=0 "$corpus" \
            > "build-fuzz/$target.log" 2>&1; then
        echo "fuzz: $target found a crash; see build-fuzz/$target.log" >&2
        tail -30 "build-fuzz/$target.log" >&2
        exit 1
    fi
    echo "fuzz: $target: $(grep -E '^Done' "build-fuzz/$target.log" | tail -1)"
done
