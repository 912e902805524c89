#!/usr/bin/env bash
# Installs what mt3620-emu needs on Debian 12 (bookworm). Idempotent; quiet when nothing is missing.
#
# Unicorn 2.1, Capstone 5 and mbedTLS 3.6 come from Debian 13 (trixie) with apt pin priority 1,
# so that nothing else on the machine is upgraded (see docs/building.md and shared DESIGN.md 3.1:
# bookworm's Unicorn 2.0.1 runs store-heavy guest code about 8x slower).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "setup: run as root or install sudo" >&2; exit 1; fi
fi

TRIXIE_PKGS=(libunicorn-dev libcapstone-dev libmbedtls-dev)
BOOKWORM_PKGS=(cmake ninja-build g++ pkg-config libspdlog-dev libcli11-dev libgtest-dev libgmock-dev
               libyaml-cpp-dev nlohmann-json3-dev gcc-arm-none-eabi libnewlib-arm-none-eabi gdb-multiarch)

# High-level (A7) apps: the musl dynamic loader and libc for armhf, the cross compiler that
# builds tests/hl-programs, and qemu-arm as the reference (docs/hl-apps.md). Best effort: if
# they cannot be installed, the A7 app tests are skipped with a message.
HL_PKGS=(musl:armhf musl-dev:armhf gcc-arm-linux-gnueabihf qemu-user)
hl_missing=()
for p in "${HL_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || hl_missing+=("$p")
done

missing=()
for p in "${BOOKWORM_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
trixie_missing=()
for p in "${TRIXIE_PKGS[@]}"; do
    ver=$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null || true)
    case "$ver" in
        "install ok installed "*)
            v=${ver##* }
            case "$p" in
                libunicorn-dev)   dpkg --compare-versions "$v" ge 2.1 || trixie_missing+=("$p") ;;
                libcapstone-dev)  dpkg --compare-versions "$v" ge 5 || trixie_missing+=("$p") ;;
                libmbedtls-dev)   dpkg --compare-versions "$v" ge 3.6 || trixie_missing+=("$p") ;;
            esac ;;
        *) trixie_missing+=("$p") ;;
    esac
done

[ ${#missing[@]} -eq 0 ] && [ ${#trixie_missing[@]} -eq 0 ] && [ ${#hl_missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]} ${trixie_missing[*]} ${hl_missing[*]}"
if [ ${#hl_missing[@]} -gt 0 ] && ! dpkg --print-foreign-architectures | grep -qx armhf; then
    $SUDO dpkg --add-architecture armhf
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#trixie_missing[@]} -gt 0 ]; then
    if ! grep -rqs "trixie" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        $SUDO tee /etc/apt/sources.list.d/mt3620-emu-trixie.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    $SUDO tee /etc/apt/preferences.d/mt3620-emu-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 1
PIN
fi
# A partial failure (e.g. one architecture's index mid-sync on the mirror) leaves the others usable.
$SUDO apt-get update -qq || echo "setup: apt-get update reported errors; continuing with the indexes it got" >&2
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#trixie_missing[@]} -gt 0 ]; then
    args=()
    for p in "${trixie_missing[@]}"; do args+=("$p/trixie"); done
    $SUDO apt-get install -y -qq --no-install-recommends "${args[@]}" >/dev/null
fi
if [ ${#hl_missing[@]} -gt 0 ]; then
    $SUDO apt-get install -y -qq --no-install-recommends "${hl_missing[@]}" >/dev/null ||
        echo "setup: could not install ${hl_missing[*]}: the A7 (high-level app) tests will be skipped" >&2
fi
echo "setup: done"
