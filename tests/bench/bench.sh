#!/usr/bin/env bash
# bench.sh — the ptfs benchmark: figures from one run, each printed with a
# baseline measured in the same run and their ratio.  Nothing is asserted:
# absolute numbers vary from machine to machine, the ratios much less.
#
#   usage: tests/bench/bench.sh BUILD_DIR [DUMP]
#
# DUMP defaults to the real linux-x86_64-4level ELF core of ../shared/dumps
# (relative to the repository root), decompressed into BUILD_DIR/bench-dumps
# and kept there.  DUMP may also be a file name found in ../shared/dumps
# (e.g. linux-i386-pae.elf) or a path to a dump, compressed (.zst) or not.
# Without a dump the benchmark says so and is skipped (exit 77).
#
# Figures:
#   1  ptw_translate / ptw_vread per second vs random 8-byte physical reads;
#      ptw_vtop and ptw_iterate vs naive walks (x86-64 and AArch64 4 KiB)
#   2  scan pages per second vs summing the dump's words        (bench_walk)
#   8  kallsyms found in the kernel image vs reading its mapped range once
#      (x86-64 Linux: what kernels before 6.0 need)                 (bench_walk)
#   9  the scan's VMCB sniffing vs the pass without it; on the nested dump
#      of ../shared/dumps a guest's physical reads and translations vs the
#      host's                                                        (bench_walk)
#   1 (arm64)  figure 1 again on the real AArch64 dump, beside the main
#      dump's (BENCH_ARM64=0 skips it)
#   3  sequential reads of vmem and /phys through the mount vs the dump file
#   4  find over the largest address-space tree, first and again, vs the
#      same tree on a tmpfs, and the daemon's memory growth (bench_find.sh)
#   5  the daemon's peak RSS vs the dump's size
#   6  yara -r (grep -a -r without yara) over one process's regions/, first
#      and again, vs the same files copied to a tmpfs
#   7  the scan of a 16 GiB sparse image vs cat of it, cold and warm, its
#      tables found and peak RSS (bench_scan.sh; BENCH_SCAN=0 skips it)
#
# The mount needs /dev/fuse and fusermount3; dropping the page cache needs
# root (without it the cold figures are skipped).

set -euo pipefail
unset MALLOC_PERTURB_  # meson test sets it; it would slow every allocation

BENCH_NAME=bench
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
MIN_RANGE=$((16 << 20))  # vmem: the smallest mapped range worth reading
MAX_READ=$((512 << 20))  # vmem and /phys: read at most this much
REPS=5                   # warm dd figures: median of this many


[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 BUILD_DIR [DUMP]" >&2; exit 2; }
[[ -d $1 ]] || die "no build directory $1"
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_WALK=$BUILD/tests/bench/bench_walk
PTFS=$BUILD/fs/ptfs
[[ -x $BENCH_WALK ]] || die "$BENCH_WALK not built (ninja -C $BUILD)"
[[ -x $PTFS ]] || die "$PTFS not built (ninja -C $BUILD)"

# ---- the dump ----------------------------------------------------------------

bench_dump "$BUILD" "${2:-}"
DUMP_SIZE=$(stat -c %s "$DUMP")

# ---- helpers -------------------------------------------------------------------

WORK=$(mktemp -d /tmp/ptfs-bench.XXXXXX)
MNT=$WORK/mnt
PID=

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
		if kill -0 "$PID" 2>/dev/null; then
			echo "bench: ptfs (pid $PID) did not exit after unmount; killing it" >&2
			kill "$PID" 2>/dev/null || true
		fi
		wait "$PID" 2>/dev/null || true
	fi
	if mountpoint -q "$MNT" 2>/dev/null; then
		echo "bench: $MNT is still mounted; leaving $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM



# dd_mbs FILE SKIP COUNT: read COUNT bytes from byte SKIP; print MB/s.
dd_mbs() {
	local t0 t1
	t0=$(now)
	dd if="$1" of=/dev/null bs=1M iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none
	t1=$(now)
	awk -v b="$3" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f\n", b * 1000 / ns }'
}

# The median of REPS warm reads.
dd_mbs_warm() {
	local _
	for _ in $(seq "$REPS"); do
		dd_mbs "$@"
	done | median
}

CAN_DROP=0
if sync && { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
	CAN_DROP=1
fi
drop_caches() {
	if ((CAN_DROP)); then
		sync
		echo 3 >/proc/sys/vm/drop_caches
	fi
}


# ---- 1, 2: the library in-process ------------------------------------------------

echo "ptfs benchmark: $(date -u '+%Y-%m-%d %H:%M:%SZ'), $(nproc) CPUs, Linux $(uname -r)"
echo "ratios compare each figure with a baseline measured in this run; higher is better except 5"
"$BENCH_WALK" --space-out "$WORK/space" "$DUMP"
if [[ ${BENCH_ARM64:-1} != 0 ]] && A64=$(bench_find_shared linux-arm64.raw); then
	A64=$(bench_decompress "$BUILD" "$A64")
	echo "[1 arm64] figure 1 on $A64"
	"$BENCH_WALK" "$A64" | grep -v '^\(2[ab]\|8\|9a\) '
fi
if NEST=$(bench_find_shared nested-svm-npt.elf); then
	NEST=$(bench_decompress "$BUILD" "$NEST")
	echo "[9 guests] figure 9 on $NEST (a KVM host running one guest)"
	"$BENCH_WALK" --vms "$NEST"
else
	echo "[9] no nested-svm-npt dump: the guest figures skipped"
fi

# ---- the mount ------------------------------------------------------------------------

if ! command -v fusermount3 >/dev/null || [[ ! -c /dev/fuse ]]; then
	echo "bench: no fusermount3 or /dev/fuse: figures 3-5 (the mount) skipped"
	exit 0
fi
mkdir "$MNT"
T0=$(now)
"$PTFS" -f "$DUMP" "$MNT" 2>"$WORK/ptfs.log" &
PID=$!
for _ in $(seq 600); do
	mountpoint -q "$MNT" && break
	kill -0 "$PID" 2>/dev/null || { cat "$WORK/ptfs.log" >&2; PID=; die "ptfs exited before mounting"; }
	sleep 0.05
done
mountpoint -q "$MNT" || die "ptfs did not mount $MNT within 30 s"
T1=$(now)
echo "[3] mounted $DUMP on $MNT (ptfs pid $PID) in $(((T1 - T0) / 1000000)) ms"

SPACE=
[[ -s $WORK/space ]] && SPACE=$(cat "$WORK/space")
if [[ -z $SPACE || ! -d $MNT/dtb/$SPACE ]]; then
	SPACE=$(find "$MNT/dtb" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -n 1 || true)
fi
[[ -n $SPACE ]] || die "no address space under $MNT/dtb"
SP=$MNT/dtb/$SPACE
if ((CAN_DROP)); then
	echo "[3] page cache dropped before each cold read; 'resident' = dump in the page cache, ptfs's own cache dropped"
else
	echo "[3] cannot drop the page cache (not root?): cold figures skipped; ptfs's files are read once, uncached"
fi

# ---- 3a: vmem ---------------------------------------------------------------------------

# The largest stretch of contiguous mapped VA in the maps file, runs merged
# when one ends where the next starts: "START END SIZE" (hex, hex, decimal).
# Hex strings compare exactly; sizes use the low 52 bits, exact in awk's
# doubles.  Ties go to the later range (the upper half, folded in vmem).
RANGE=$(awk '
	function low52(h,   i, v) {
		if (length(h) > 13)
			h = substr(h, length(h) - 12)
		v = 0
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	function close_range(   n) {
		if (!have)
			return
		n = low52(e) - low52(s)
		if (n < 0)
			n += 4503599627370496
		if (n >= best) { best = n; bs = s; be = e }
	}
	{
		split($1, r, "-")
		if (have && r[1] == e) { e = r[2]; next }
		close_range(); s = r[1]; e = r[2]; have = 1
	}
	END { close_range(); if (best > 0) printf "%s %s %.0f\n", bs, be, best }
' "$SP/maps")
if [[ -z $RANGE ]]; then
	echo "[3] space $SPACE maps nothing: vmem figures skipped"
else
	read -r VSTART VEND _ <<<"$RANGE"
	VMEM_SIZE=$(stat -c %s "$SP/vmem")
	VLEN=$((16#$VEND - 16#$VSTART))          # exact modulo 2^64
	VOFF=$((16#$VSTART & (VMEM_SIZE - 1)))   # upper half folded
	NOTE="VA $VSTART-$VEND"
	if ((VLEN < MIN_RANGE)); then
		NOTE="$NOTE (no mapped range of 16 MiB: the largest)"
	fi
	if ((VLEN > MAX_READ)); then
		VLEN=$MAX_READ
		NOTE="$NOTE, first $((MAX_READ >> 20)) MiB"
	fi
	BLEN=$VLEN
	((BLEN <= DUMP_SIZE)) || BLEN=$DUMP_SIZE
	echo "[3] space $SPACE: reading $VLEN bytes of vmem at offset $VOFF ($NOTE)"
	if ((CAN_DROP)); then
		# The dump first: once ptfs has read pages they stay mapped in the
		# daemon, and dropping the page cache no longer evicts them.
		drop_caches
		base=$(dd_mbs "$DUMP" 0 "$BLEN")
		drop_caches
		v=$(dd_mbs "$SP/vmem" "$VOFF" "$VLEN")
		line "3a vmem sequential, cold (MB/s)" "$v" "MB/s" "dump file, cold" "$base" "(single shot, bs=1M)"
	fi
	cat "$DUMP" >/dev/null
	base=$(dd_mbs_warm "$DUMP" 0 "$BLEN")
	v=$(for _ in $(seq "$REPS"); do drop_caches; cat "$DUMP" >/dev/null; dd_mbs "$SP/vmem" "$VOFF" "$VLEN"; done | median)
	line "3b vmem sequential, resident (MB/s)" "$v" "MB/s" "dump file, page cache" "$base" "(median of $REPS)"
fi

# ---- 3c: /phys ---------------------------------------------------------------------------

# The largest physical range from /info ("  START-END  SIZE" after phys-ranges).
PRANGE=$(awk '
	/^phys-ranges:/ { n = $2; next }
	n > 0 && /^  [0-9a-f]+-[0-9a-f]+ / { print $1; n-- }
' "$MNT/info" | while IFS=- read -r a b; do
	echo "$((16#$b - 16#$a)) $((16#$a))"
done | sort -n -r -k1,1 | awk 'NR == 1')
if [[ -z $PRANGE ]]; then
	echo "[3] /info lists no physical ranges: /phys figures skipped"
else
	read -r PLEN PSTART <<<"$PRANGE"
	((PLEN <= MAX_READ)) || PLEN=$MAX_READ
	((PLEN <= DUMP_SIZE)) || PLEN=$DUMP_SIZE
	echo "[3] /phys: reading $PLEN bytes at $PSTART (the largest physical range)"
	drop_caches
	cat "$DUMP" >/dev/null
	base=$(dd_mbs_warm "$DUMP" 0 "$PLEN")
	v=$(for _ in $(seq "$REPS"); do drop_caches; cat "$DUMP" >/dev/null; dd_mbs "$MNT/phys" "$PSTART" "$PLEN"; done | median)
	line "3c /phys sequential, resident (MB/s)" "$v" "MB/s" "dump file, page cache" "$base" "(median of $REPS)"
fi

# ---- 4: find over the tree (bench_find.sh, on its own fresh mount) ------------------

# Its lines, numbered as this benchmark's; a skip or failure there is
# reported and the rest goes on.
"$HERE/bench_find.sh" "$BUILD" "$DUMP" 2>&1 | grep -v '^done$' | sed \
	-e 's/^find dtb\/\([0-9a-f]*\), first/4a find dtb\/\1, first/' \
	-e 's/^find dtb\/\([0-9a-f]*\), again/4b find dtb\/\1, again/' \
	-e 's/^ptfs RssAnon growth/4c ptfs RssAnon growth/' || echo "[4] bench_find.sh did not finish (see above)"

# ---- 6: a process's regions/ through a tool that reads every file -----------------------

# The process whose regions/ holds the most bytes (its own memory: the
# kernel half is listed once, under the kernel's space).
PROC=
BEST=0
for link in "$MNT"/proc/*; do
	[[ -L $link && $(basename "$link") != 0 ]] || continue
	bytes=$(find "$link/regions/" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')
	if ((bytes > BEST)); then BEST=$bytes; PROC=$link; fi
done
if [[ -z $PROC ]]; then
	echo "[6] no process with regions (no owners in this dump): regions figures skipped"
else
	REG=$PROC/regions
	NFILES=$(ls "$REG" | wc -l)
	if command -v yara >/dev/null; then
		printf 'rule marker { strings: $a = "PTFS-MARK" condition: $a }\n' >"$WORK/rule.yar"
		TOOL="yara -r"
		scan_dir() { yara -r "$WORK/rule.yar" "$1" >/dev/null 2>&1 || true; }
	else
		TOOL="grep -a -r -c"
		scan_dir() { grep -a -r -c PTFS-MARK "$1" >/dev/null 2>&1 || true; }
	fi
	# time_scan DIR: nanoseconds of one pass
	time_scan() { local t0 t1; t0=$(now); scan_dir "$1"; t1=$(now); echo $((t1 - t0)); }
	SHM=$(mktemp -d /dev/shm/ptfs-bench.XXXXXX)
	R1=$(time_scan "$REG")              # first: every byte through the daemon
	R2=$(for _ in $(seq "$REPS"); do time_scan "$REG"; done | median)  # kernel page cache
	cp -r "$REG" "$SHM/regions"
	time_scan "$SHM/regions" >/dev/null # warm
	RB=$(for _ in $(seq "$REPS"); do time_scan "$SHM/regions"; done | median)
	rm -rf "$SHM"
	mbs() { awk -v b="$BEST" -v ns="$1" 'BEGIN { printf "%.1f", b * 1000 / ns }'; }
	echo "[6] $TOOL over $(basename "$PROC")'s regions/: $NFILES files, $BEST bytes; baseline: the same files copied to tmpfs"
	line "6a $TOOL regions/, first (MB/s)" "$(mbs "$R1")" "MB/s" "$TOOL, copy on tmpfs" "$(mbs "$RB")" \
		"($((R1 / 1000000)) ms vs $((RB / 1000000)) ms)"
	line "6b $TOOL regions/, again (MB/s)" "$(mbs "$R2")" "MB/s" "$TOOL, copy on tmpfs" "$(mbs "$RB")" \
		"($((R2 / 1000000)) ms vs $((RB / 1000000)) ms; median of $REPS)"
fi

# ---- 5: the daemon's memory ---------------------------------------------------------------

HWM=$(status_kb "$PID" VmHWM)
RSS=$(status_kb "$PID" VmRSS)
ANON=$(status_kb "$PID" RssAnon)
FILE=$(status_kb "$PID" RssFile)
line "5a ptfs peak RSS, VmHWM (MiB)" "$(awk -v k="$HWM" 'BEGIN { print k / 1024 }')" "MiB" \
	"dump file size" "$(awk -v b="$DUMP_SIZE" 'BEGIN { print b / 1048576 }')" \
	"(now: RSS $((RSS / 1024)) MiB = anon $((ANON / 1024)) + file $((FILE / 1024)); file pages are the mapped dump)"

# 5b: what the per-space caches cost.  Reading a space's small info file
# builds (and keeps) that space's whole maps text; here every space's.
NSPACES=$(find "$MNT/dtb" -mindepth 1 -maxdepth 1 | wc -l)
A0=$(status_kb "$PID" RssAnon)
T0=$(now)
cat "$MNT"/dtb/*/info >/dev/null
T1=$(now)
A1=$(status_kb "$PID" RssAnon)
HWM=$(status_kb "$PID" VmHWM)
line "5b anon RSS growth, cat dtb/*/info (MiB)" "$(awk -v a="$A0" -v b="$A1" 'BEGIN { print (b - a) / 1024 }')" "MiB" \
	"dump file size" "$(awk -v b="$DUMP_SIZE" 'BEGIN { print b / 1048576 }')" \
	"($NSPACES spaces in $(((T1 - T0) / 1000000)) ms; VmHWM now $((HWM / 1024)) MiB)"

# ---- 7: the scan of a 16 GiB image (bench_scan.sh) ---------------------------------------

if [[ ${BENCH_SCAN:-1} != 0 ]]; then
	"$HERE/bench_scan.sh" "$BUILD" 2>&1 | sed 's/^scan /7 scan /' || echo "[7] bench_scan.sh did not finish (see above)"
else
	echo "[7] BENCH_SCAN=0: the 16 GiB scan figures skipped"
fi
echo "done"
