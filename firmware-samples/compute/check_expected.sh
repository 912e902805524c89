#!/bin/sh
# Rebuilds the host reference (compute/host_check.c) and checks that it still
# gives the recorded checksums of the compute and compute-bench samples.
# Usage: firmware-samples/compute/check_expected.sh   (needs a host C compiler)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=c11 -O2 -ffp-contract=off -Wall -o "$tmp/host_check" "$here/host_check.c"
status=0
got=$("$tmp/host_check")
want=$(cat "$here/EXPECTED_CHECKSUM")
[ "$got" = "$want" ] || { echo "compute: host $got, expected $want" >&2; status=1; }
got=$("$tmp/host_check" bench)
want=$(cat "$here/../compute-bench/EXPECTED_CHECKSUM")
[ "$got" = "$want" ] || { echo "compute-bench: host $got, expected $want" >&2; status=1; }
[ $status -eq 0 ] && echo "host checksums match EXPECTED_CHECKSUM files"
exit $status
