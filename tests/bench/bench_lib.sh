# bench_lib.sh — what the benchmark scripts share; sourced, not run.
#
# Set BENCH_NAME (for messages) before sourcing.  Gives die, skip (exit 77),
# now (nanoseconds), median (of numbers on stdin), line (one figure beside
# its baseline and their ratio, as bench_walk prints them), status_kb, and
# bench_dump BUILD [DUMP]: the dump to measure, looked up as a path or by
# name in ../shared/dumps, a .zst decompressed once into BUILD/bench-dumps;
# it sets DUMP (an absolute path) or skips.

SKIP=77
die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
skip() { echo "$BENCH_NAME: SKIP: $*" >&2; exit "$SKIP"; }

now() { date +%s%N; }

median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

#   line LABEL VALUE UNIT BASELINE-LABEL BASELINE [NOTE]
line() {
	awk -v l="$1" -v v="$2" -v u="$3" -v bl="$4" -v b="$5" -v n="${6:-}" 'BEGIN {
		printf "%-44s %10.3f %-5s | baseline %-36s %10.3f %-5s | ratio %7.4f%s%s\n",
		       l, v, u, bl, b, u, (b > 0 ? v / b : 0), (n != "" ? "  " : ""), n
	}'
}

# Field NAME of /proc/PID/status, in kB.
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

BENCH_SHARED=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/../shared/dumps

# Decompress a .zst into BUILD/bench-dumps once; print the copy's path.
bench_decompress() {
	local build=$1 zst=$2 out
	out=$build/bench-dumps/$(basename "${zst%.zst}")
	if [[ ! -s $out ]]; then
		command -v zstd >/dev/null || skip "zstd is needed to decompress $zst"
		mkdir -p "$build/bench-dumps"
		echo "$BENCH_NAME: decompressing $zst -> $out" >&2
		zstd -d --long=31 -q -f -o "$out.part" "$zst"
		mv "$out.part" "$out"
	fi
	printf '%s\n' "$out"
}

# A file name looked up in the shared dumps, compressed or not.
bench_find_shared() {
	local name=$1 f
	[[ -d $BENCH_SHARED ]] || return 1
	for f in "$BENCH_SHARED"/*/"$name" "$BENCH_SHARED"/*/"$name.zst"; do
		if [[ -f $f ]]; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	return 1
}

bench_dump() {
	local build=$1 want=${2:-linux-x86_64-4level.elf} src
	if [[ -f $want ]]; then
		src=$want
	elif [[ $want != */* ]] && src=$(bench_find_shared "$want"); then
		:
	else
		skip "dump '$want' not found (looked for it as a path and in $BENCH_SHARED)"
	fi
	if [[ $src == *.zst ]]; then
		DUMP=$(bench_decompress "$build" "$src")
	else
		DUMP=$src
	fi
	DUMP=$(cd "$(dirname "$DUMP")" && pwd)/$(basename "$DUMP")
}
