#!/usr/bin/env bash
# bench_find.sh — `find` over the largest address-space tree of a dump
# through the mount, the first time and again, each against `find` over the
# same tree of empty directories and files on a tmpfs; and how much the
# daemon's anonymous memory grew over both walks.  It prints figures and
# ratios and asserts nothing.
#
#   usage: tests/bench/bench_find.sh BUILD_DIR [DUMP]
#
# DUMP as for bench.sh: by default the real linux-x86_64-4level ELF core of
# ../shared/dumps (decompressed once into BUILD_DIR/bench-dumps), or a file
# name found there, or a path (.zst or not).  SPACE=<dirbase> in the
# environment walks that space instead of the one with the most nodes
# (tree_nodes counts them through the views, without a mount).
#
# Figures:
#   find, first     a fresh mount: every directory is read from the daemon
#   find, again     the same walk: the kernel's dentries, attributes and
#                   cached listings answer it
#   baseline        find over the same tree on a tmpfs, warm (median of 3)
#   RssAnon growth  /proc/PID/status of the daemon, before the first walk
#                   and after the second
# A walk during which another process drops the kernel's caches (benchmarks
# do: /proc/vmstat's drop_pagecache) is done over on a fresh mount.

set -euo pipefail
unset MALLOC_PERTURB_  # meson test sets it; it would slow every allocation

BENCH_NAME=bench_find
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 BUILD_DIR [DUMP]" >&2; exit 2; }
[[ -d $1 ]] || die "no build directory $1"
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PTFS=$BUILD/fs/ptfs
TREE_NODES=$BUILD/tests/bench/tree_nodes
[[ -x $PTFS ]] || die "$PTFS not built (ninja -C $BUILD)"
[[ -x $TREE_NODES ]] || die "$TREE_NODES not built (ninja -C $BUILD)"
command -v fusermount3 >/dev/null && [[ -c /dev/fuse ]] || skip "no fusermount3 or /dev/fuse"

# ---- the dump (as bench.sh finds it) -----------------------------------------

bench_dump "$BUILD" "${2:-}"

# ---- scratch, mount, cleanup ------------------------------------------------------

WORK=$(mktemp -d /tmp/ptfs-bench-find.XXXXXX)
MNT=$WORK/mnt
PID=
# The baseline tree lives on a tmpfs: /dev/shm where it is one.
if [[ $(stat -f -c %T /dev/shm 2>/dev/null || true) == tmpfs && -w /dev/shm ]]; then
	TREE=$(mktemp -d /dev/shm/ptfs-bench-tree.XXXXXX)
	TREE_FS=tmpfs
else
	TREE=$WORK/tree
	TREE_FS=$(stat -f -c %T "$WORK")
fi

cleanup() {
	local rc=$?
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null || true
	fi
	if [[ -n $PID ]]; then
		local _
		for _ in $(seq 50); do
			kill -0 "$PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$PID" 2>/dev/null && kill "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$TREE"
	if mountpoint -q "$MNT" 2>/dev/null; then
		echo "bench_find: $MNT is still mounted; leaving $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM



# walk DIR OUT: find DIR > OUT; prints the nanoseconds it took.
walk() {
	local t0 t1
	t0=$(now)
	find "$1" >"$2" 2>>"$WORK/find.err" || true
	t1=$(now)
	echo $((t1 - t0))
}

rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.1f", n * 1e6 / ns }'; } # knodes/s
ms() { echo $(($1 / 1000000)); }

# ---- the space ----------------------------------------------------------------------

echo "bench_find: $(date -u '+%Y-%m-%d %H:%M:%SZ'), $(nproc) CPUs, Linux $(uname -r), dump $DUMP"
if [[ -z ${SPACE:-} ]]; then
	read -r SPACE EXPECT < <("$TREE_NODES" "$DUMP" | sort -k2,2n -k1,1 | tail -n 1) ||
		die "tree_nodes found no address space in $DUMP"
	echo "bench_find: the largest tree is dtb/$SPACE ($EXPECT nodes, counted through the views)"
fi

mount_fresh() {
	if mountpoint -q "$MNT"; then
		fusermount3 -u "$MNT"
		wait "$PID" 2>/dev/null || true
		PID=
	fi
	mkdir -p "$MNT"
	"$PTFS" -f "$DUMP" "$MNT" 2>"$WORK/ptfs.log" &
	PID=$!
	for _ in $(seq 600); do
		mountpoint -q "$MNT" && break
		kill -0 "$PID" 2>/dev/null || { cat "$WORK/ptfs.log" >&2; PID=; die "ptfs exited before mounting"; }
		sleep 0.05
	done
	mountpoint -q "$MNT" || die "ptfs did not mount $MNT within 30 s"
}

# How often the kernel's caches were dropped (echo N > drop_caches).
drops() { awk '$1 == "drop_pagecache" || $1 == "drop_slab" { n += $2 } END { print n + 0 }' /proc/vmstat; }

# ---- the walks ----------------------------------------------------------------------

# A fresh mount each time; walked over when another process drops the
# kernel's caches meanwhile (benchmarks do: the second walk would be served
# by the daemon again), at most three times.
SP=$MNT/dtb/$SPACE
for attempt in 1 2 3; do
	mount_fresh
	[[ -d $SP ]] || die "no directory $SP"
	D0=$(drops)
	A0=$(status_kb "$PID" RssAnon)
	NS1=$(walk "$SP" "$WORK/first.txt")
	NS2=$(walk "$SP" "$WORK/again.txt")
	A1=$(status_kb "$PID" RssAnon)
	D1=$(drops)
	[[ $D1 == "$D0" ]] && break
	echo "bench_find: the kernel's caches were dropped $((D1 - D0)) times during the walks (attempt $attempt)"
done
N1=$(wc -l <"$WORK/first.txt")
N2=$(wc -l <"$WORK/again.txt")
if [[ -s $WORK/find.err ]]; then
	echo "bench_find: find reported $(wc -l <"$WORK/find.err") errors, e.g.: $(head -n 1 "$WORK/find.err")"
fi
cmp -s "$WORK/first.txt" "$WORK/again.txt" || echo "bench_find: the two walks listed different trees ($N1, $N2 nodes)"

# ---- the same tree on a tmpfs ------------------------------------------------------

# Types and relative paths, from the kernel's caches (no timing here).
find "$SP" -mindepth 1 -printf '%y %P\n' >"$WORK/types.txt" 2>/dev/null || true
mkdir -p "$TREE"
(
	cd "$TREE"
	awk '$1 == "d" { print substr($0, 3) }' "$WORK/types.txt" | xargs -r -d '\n' mkdir -p
	awk '$1 != "d" { print substr($0, 3) }' "$WORK/types.txt" | xargs -r -d '\n' touch
)
NB=$(find "$TREE" | wc -l)
[[ $NB == "$N1" ]] || echo "bench_find: the copy on $TREE_FS has $NB nodes, the space $N1"
walk "$TREE" /dev/null >/dev/null # warm
NSB=$(for _ in 1 2 3; do walk "$TREE" /dev/null; done | sort -n | sed -n 2p)

# ---- figures ------------------------------------------------------------------------------

BASE_LABEL="find, the same tree on $TREE_FS"
line "find dtb/$SPACE, first (knodes/s)" "$(rate "$N1" "$NS1")" "kn/s" "$BASE_LABEL" "$(rate "$NB" "$NSB")" \
	"($N1 nodes in $(ms "$NS1") ms; baseline $(ms "$NSB") ms)"
line "find dtb/$SPACE, again (knodes/s)" "$(rate "$N2" "$NS2")" "kn/s" "$BASE_LABEL" "$(rate "$NB" "$NSB")" \
	"($N2 nodes in $(ms "$NS2") ms; from the kernel's caches)"
line "ptfs RssAnon growth over both walks (MiB)" "$(awk -v a="$A0" -v b="$A1" 'BEGIN { print (b - a) / 1024 }')" "MiB" \
	"the goal" 16 "(RssAnon $((A0 / 1024)) -> $((A1 / 1024)) MiB)"
echo "done"
