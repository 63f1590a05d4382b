#!/usr/bin/env bash
# install-deps.sh — install with apt-get what ptfs needs on Debian 12:
#   to build and run it:  meson ninja-build gcc pkg-config fuse3 libfuse3-dev
#                         libelf-dev libcmocka-dev bsdextrautils (hexdump)
#                         zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev (kdump)
#   --test adds:          clang libclang-rt-14-dev (fuzzers), zstd (real dumps),
#                         libkdumpfile-dev (bench_kdump's baseline),
#                         groff-base man-db (man_test.sh and install_test.sh render the man pages),
#                         librsvg2-bin (rsvg-convert: layout.svg rendered),
#                         qemu-system-x86 busybox-static (qemu_dump_test.sh boots
#                         a guest; it fetches Debian's kernel itself, into the
#                         build tree, with apt-get download),
#                         python3 jq (json_test.sh reads the JSON forms)
# Only missing packages are installed; through sudo when not root.
set -euo pipefail
packages=(meson ninja-build gcc pkg-config fuse3 libfuse3-dev libelf-dev libcmocka-dev
	  bsdextrautils zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev)
if [[ ${1:-} == --test ]]; then
	packages+=(clang libclang-rt-14-dev zstd libkdumpfile-dev groff-base man-db librsvg2-bin
		  qemu-system-x86 busybox-static python3 jq)
fi
missing=()
for p in "${packages[@]}"; do
	dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
((${#missing[@]})) || exit 0
sudo=
if [[ $(id -u) != 0 ]]; then
	command -v sudo > /dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
	sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
