#!/usr/bin/env bash
# bench_scan.sh — the scan of physical memory against reading the dump with
# cat: `ptwalk IMAGE ps` (open, discovery with its one scanning pass, the
# listing) vs `cat IMAGE > /dev/null`, on the 16 GiB sparse raw image that
# ../shared/tools/mkbigdump.py makes (300 processes with KPTI pairs: 602 top
# tables).  Printed, never asserted: the time ratio, cold (page cache
# dropped before each run, when root) and warm; the top tables found
# against the image's own list; the peak RSS of each; what each read from
# the disk.
#
#   usage: tests/bench/bench_scan.sh BUILD_DIR
#
# Environment:
#   BENCH_SCAN_DIR   a directory holding big.raw, big.pgds.txt (made there
#                    when missing, and kept); default: a new directory in
#                    /tmp, removed at the end
#   BENCH_SCAN_REPS  runs of each command (default 3); the median is shown
#
# Making the image takes about 10 s and 2.1 GiB of disk.  Without the
# generator the benchmark says so and is skipped (exit 77).

set -euo pipefail
unset MALLOC_PERTURB_  # meson test sets it; it would slow every allocation

BENCH_NAME=bench_scan
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[[ -d $1 ]] || die "no build directory $1"
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GEN=$ROOT/../shared/tools/mkbigdump.py
PTWALK=$BUILD/fs/ptwalk
REPS=${BENCH_SCAN_REPS:-3}
TIME=/usr/bin/time
[[ -x $PTWALK ]] || die "$PTWALK not built (ninja -C $BUILD)"
[[ -x $TIME ]] || skip "GNU time (/usr/bin/time) is needed for the peak RSS"
command -v python3 >/dev/null || skip "python3 is needed to make the image"

if [[ -n ${BENCH_SCAN_DIR:-} ]]; then
	DIR=$BENCH_SCAN_DIR
	mkdir -p "$DIR"
	KEEP=1
else
	DIR=$(mktemp -d /tmp/ptfs-bench-scan.XXXXXX)
	KEEP=0
fi
WORK=$(mktemp -d /tmp/ptfs-bench-scan-work.XXXXXX)
cleanup() {
	rm -rf "$WORK"
	((KEEP)) || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

IMAGE=$DIR/big.raw
PGDS=$DIR/big.pgds.txt
if [[ ! -s $IMAGE || ! -s $PGDS ]]; then
	[[ -f $GEN ]] || skip "no generator at $GEN"
	echo "bench_scan: making $IMAGE with $(basename "$GEN")" >&2
	python3 "$GEN" "$IMAGE" >&2
fi
SIZE=$(stat -c %s "$IMAGE")
ONDISK=$(($(stat -c %b "$IMAGE") * $(stat -c %B "$IMAGE")))

CAN_DROP=0
if sync && { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
	CAN_DROP=1
fi
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }


# run NAME COLD OUT CMD...: one timed run, its output to OUT; appends
# "seconds rss_kb inputs_blocks" to WORK/NAME.COLD (0 cold: cache as it is).
run() {
	local name=$1 cold=$2 out=$3 t0 t1
	shift 3
	((cold)) && drop_caches
	t0=$(now)
	"$TIME" -v -o "$WORK/time.txt" "$@" >"$out" 2>"$WORK/err.txt" ||
		die "$* failed: $(head -c 300 "$WORK/err.txt")"
	t1=$(now)
	awk -v ns="$((t1 - t0))" '
		/Maximum resident set size/ { rss = $NF }
		/File system inputs/ { io = $NF }
		END { printf "%.3f %d %d\n", ns / 1e9, rss, io }' "$WORK/time.txt" >>"$WORK/$name.$cold"
}

col() { awk -v c="$1" '{ print $c }' "$2" | median; }

# The top tables of the image's list (kernel and KPTI user copies) that ps
# lists.
tables() {
	awk 'NR == FNR {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(pml4|user_pml4)=0x/) { split($i, kv, "=0x"); want[kv[2]] = 1; n++ }
		next
	}
	FNR > 1 && ($3 in want) && !seen[$3]++ { found++ }
	END { printf "%d %d\n", found, n }' "$PGDS" "$1"
}

echo "bench_scan: $(date -u '+%Y-%m-%d %H:%M:%SZ'), $(nproc) CPUs, Linux $(uname -r)"
echo "bench_scan: $IMAGE: $((SIZE >> 20)) MiB, $((ONDISK >> 20)) MiB of it data (sparse); $REPS runs each, medians"

modes=()
((CAN_DROP)) && modes+=(1)
modes+=(0)
((CAN_DROP)) || echo "bench_scan: cannot drop the page cache (not root): warm figures only"
for cold in "${modes[@]}"; do
	if ((!cold)); then # warm: both read once first
		cat "$IMAGE" >/dev/null
		"$PTWALK" "$IMAGE" ps >/dev/null
	fi
	for _ in $(seq "$REPS"); do
		run cat "$cold" /dev/null cat "$IMAGE"
		run ptwalk "$cold" "$WORK/ps.txt" "$PTWALK" "$IMAGE" ps
	done
	label=$( ((cold)) && echo "cold" || echo "warm")
	tc=$(col 1 "$WORK/cat.$cold")
	tp=$(col 1 "$WORK/ptwalk.$cold")
	read -r found want <<<"$(tables "$WORK/ps.txt")"
	awk -v l="$label" -v tp="$tp" -v tc="$tc" -v f="$found" -v w="$want" \
	    -v rp="$(col 2 "$WORK/ptwalk.$cold")" -v rc="$(col 2 "$WORK/cat.$cold")" \
	    -v ip="$(col 3 "$WORK/ptwalk.$cold")" -v ic="$(col 3 "$WORK/cat.$cold")" 'BEGIN {
		printf "scan %s: ptwalk IMAGE ps %.2f s | cat IMAGE > /dev/null %.2f s | ratio %.2f\n", l, tp, tc, (tc > 0 ? tp / tc : 0)
		printf "scan %s: top tables found %d of %d | peak RSS ptwalk %.1f MiB, cat %.1f MiB | read from disk ptwalk %.0f MiB, cat %.0f MiB\n",
		       l, f, w, rp / 1024, rc / 1024, ip * 512 / 1048576, ic * 512 / 1048576
	}'
done
