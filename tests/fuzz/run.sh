#!/bin/sh
# run.sh — build the seed corpora and run every fuzz target.
#
#   tests/fuzz/run.sh BUILDDIR [SECONDS-PER-TARGET]     (default 60)
#
# BUILDDIR is a meson build configured with clang (CC=clang meson setup ...)
# and built.  Seeds come from the build's fuzz-seeds (small images for each
# paging mode) and mkdump (the named scenarios, raw and ELF, whole and cut
# short), and tests/fuzz/regress/<target>/ (inputs that once broke it).
# Each target then runs for the given time with -rss_limit_mb=2048
# and -timeout=10 (60 for views: see timeout_of).  Exit status 0 when
# every target ran clean; otherwise the targets that crashed, timed out,
# leaked or ran out of memory are named and the status is 1.
#
# Environment:
#   FUZZ_WORK     work directory (default: a new /tmp/ptfs-fuzz.XXXXXX); it
#                 keeps corpora, crash artifacts and logs, and is not removed
#   FUZZ_TARGETS  targets to run (default: "dump walk scan views args owners
#                 windows kallsyms_find vm")
#   FUZZ_DUMPS    directory of the real dumps (default ../shared/dumps next
#                 to the source tree); the first 64 KiB of their ELF cores
#                 (zstd-compressed) join the dump seeds when zstd is there
set -u

usage() {
	echo "usage: $0 BUILDDIR [SECONDS-PER-TARGET]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
[ -d "$1" ] || { echo "$0: no build directory $1" >&2; exit 2; }
build=$(cd "$1" && pwd)
secs=${2:-60}
case $secs in ''|*[!0-9]*) usage ;; esac
src=$(cd "$(dirname "$0")" && pwd)
fuzz=$build/tests/fuzz
mkdump=$build/tests/mkdump
targets=${FUZZ_TARGETS:-dump walk scan views args owners windows kallsyms_find vm}

for t in $targets; do
	[ -x "$fuzz/fuzz_$t" ] || {
		echo "$0: $fuzz/fuzz_$t is missing: configure BUILDDIR with CC=clang and build it" >&2
		exit 2
	}
done
for exe in "$fuzz/fuzz-seeds" "$mkdump"; do
	[ -x "$exe" ] || { echo "$0: $exe is missing: build BUILDDIR first" >&2; exit 2; }
done

work=${FUZZ_WORK:-$(mktemp -d /tmp/ptfs-fuzz.XXXXXX)}
mkdir -p "$work" || exit 2
seeds=$work/seeds
echo "work directory: $work"

# ---- seeds ------------------------------------------------------------------

"$fuzz/fuzz-seeds" "$seeds" || { echo "$0: fuzz-seeds failed" >&2; exit 1; }
mkdir -p "$work/big"
for s in $("$mkdump" --list); do
	raw=$work/big/$s.raw
	elf=$work/big/$s.elf
	if ! "$mkdump" "$s" raw "$raw" || ! "$mkdump" "$s" elf "$elf"; then
		echo "$0: mkdump $s failed" >&2
		exit 1
	fi
	# dump: the whole ELF and raw (libFuzzer cuts them to -max_len), and
	# the ELF's first 64 KiB: headers and notes, its PT_LOADs truncated.
	cp "$elf" "$seeds/dump/scenario-$s.elf"
	cp "$raw" "$seeds/dump/scenario-$s.raw"
	head -c 65536 "$elf" > "$seeds/dump/scenario-$s-head.elf"
	# scan: the scenarios' tables start at 1 MiB; 1.25 MiB holds them all
	head -c 1310720 "$raw" > "$seeds/scan/scenario-$s-head.raw"
	cp "$raw" "$seeds/scan/scenario-$s.raw"
done
rm -rf "$work/big"

# Inputs that once broke a target's invariants stay in its seeds for ever.
for dir in "$src"/regress/*/; do
	t=$(basename "$dir")
	mkdir -p "$seeds/$t"
	cp "$dir"* "$seeds/$t/"
done

dumps=${FUZZ_DUMPS:-$src/../../../shared/dumps}
if [ -d "$dumps" ] && command -v zstd > /dev/null 2>&1; then
	for z in "$dumps"/*/*.elf.zst; do
		[ -f "$z" ] || continue
		name=$(basename "$z" .elf.zst)
		zstd -dc --long=31 "$z" 2> /dev/null | head -c 65536 \
			> "$seeds/dump/real-$name-head.elf"
	done
fi

# ---- fuzzing ----------------------------------------------------------------

max_len() {
	case $1 in
	dump) echo 1048576 ;;   # headers, notes and a little memory
	scan) echo 1310720 ;;   # 1.25 MiB: the scenarios' tables (from 1 MiB)
	walk) echo 262144 ;;
	views) echo 262144 ;;
	args) echo 256 ;;
	owners) echo 65536 ;;  # kallsyms, BTF and tasks: ~16 KiB
	kallsyms_find) echo 65536 ;;  # an image of kallsyms, BTF, tasks: ~40 KiB
	windows) echo 262144 ;; # small crash dumps: ~100-200 KiB
	vm) echo 258073 ;;      # a 25-byte header and host memory up to 256 KiB
	esac
}

# Seconds one input may take.  A hang is caught either way; fuzz_views'
# worst inputs are bounded by the iteration's budgets (4096 revisited
# tables, 2^18 pages under shared tables) yet rendering maps and !ptov to
# those budgets for every space takes 3 s under ASan and coverage on an
# idle 2-CPU machine, and more when other jobs share it.
timeout_of() {
	case $1 in
	views) echo 60 ;;
	*) echo 10 ;;
	esac
}

failed=""
summary=""
for t in $targets; do
	corpus=$work/corpus/$t
	artifacts=$work/artifacts/$t/
	log=$work/logs/$t.log
	mkdir -p "$corpus" "$artifacts" "$work/logs"
	echo "== fuzz_$t: ${secs}s, seeds $(ls "$seeds/$t" | wc -l), log $log"
	"$fuzz/fuzz_$t" "$corpus" "$seeds/$t" \
		-max_total_time="$secs" -rss_limit_mb=2048 -timeout="$(timeout_of "$t")" \
		-max_len="$(max_len "$t")" -artifact_prefix="$artifacts" \
		-print_final_stats=1 > "$log" 2>&1
	rc=$?
	stats=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(printf '%s\n' "$stats" | sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [^ ]*\).*/\1 \2 \3/p')
	what=""
	grep -q 'ERROR: libFuzzer: timeout' "$log" && what="$what timeout"
	grep -q 'ERROR: libFuzzer: out-of-memory' "$log" && what="$what out-of-memory"
	grep -q 'ERROR: LeakSanitizer' "$log" && what="$what leak"
	grep -q 'ERROR: AddressSanitizer' "$log" && what="$what address-error"
	grep -q 'runtime error:' "$log" && what="$what undefined-behaviour"
	grep -q 'invariant violated' "$log" && what="$what invariant"
	grep -q 'ERROR: libFuzzer: deadly signal' "$log" && [ -z "$what" ] && what=" crash"
	# libFuzzer also keeps inputs slower than 10 s (slow-unit-*): noted,
	# not failures; -timeout above is the limit.
	bad=$(ls "$artifacts" | grep -v '^slow-unit-' || true)
	slow=$(ls "$artifacts" | grep -c '^slow-unit-' || true)
	if [ "$rc" -ne 0 ] || [ -n "$what" ] || [ -n "$bad" ]; then
		[ -n "$what" ] || what=" exit status $rc"
		failed="$failed $t"
		line="fuzz_$t: FAILED:$what; artifacts: $(printf '%s\n' "$bad" | sed "s|^|$artifacts|" | tr '\n' ' ')"
		grep -E 'invariant violated|runtime error:|^SUMMARY:|ERROR: ' "$log" | head -n 5
	else
		line="fuzz_$t: clean"
	fi
	line="$line (runs ${execs:-?}, ${speed:-?} exec/s, $cov)"
	[ "$slow" -gt 0 ] && line="$line; $slow input(s) slower than 10 s kept in $artifacts"
	echo "$line"
	summary="$summary$line
"
done

echo
echo "== summary (work directory $work)"
printf '%s' "$summary"
if [ -n "$failed" ]; then
	echo "failed:$failed"
	exit 1
fi
exit 0
