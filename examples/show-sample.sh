#!/usr/bin/env bash
# show-sample.sh — mount the sample dump and look around, then unmount.
#   examples/show-sample.sh [BUILD_DIR]      (default: build)
set -euo pipefail
build=${1:-build}
dump=$build/examples/sample.elf
mnt=$(mktemp -d /tmp/ptfs-sample.XXXXXX)
"$build/fs/ptfs" "$dump" "$mnt"
trap 'fusermount3 -u "$mnt"; rmdir "$mnt"' EXIT
show() { printf '\n$ %s\n' "$*"; (cd "$mnt" && eval "$@"); }
show ls
show ls dtb
show cat info
show ls dtb/10a000 dtb/10a000/pml4
show cat dtb/10a000/pml4/0/pdpt/0/pd/3/pt/3/entry
show cat dtb/10a000/maps
show "hexdump -C -s 0x600000 -n 64 dtb/10a000/vmem"
show "dd if=dtb/10a000/vmem bs=4096 skip=\$((0x600)) count=4 status=none | strings | sort | uniq -c"
