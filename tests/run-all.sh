#!/usr/bin/env bash
# run-all.sh — install what the tests need, build, and run every test:
#   1. unit (cmocka), integration (FUSE mounts of generated dumps) and the
#      real dumps of ../shared/dumps, on a normal build;
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. every libFuzzer target for a bounded time (FUZZ_SECONDS, default 60).
# Needs root (or sudo) for apt-get (tests/install-deps.sh), and /dev/fuse
# for the mounts.
set -euo pipefail
cd "$(dirname "$0")/.."

tests/install-deps.sh --test

setup() { # DIR [meson options...]
	local dir=$1
	shift
	if [[ -f "$dir/build.ninja" ]]; then
		meson setup --reconfigure "$dir" "$@" > /dev/null
	else
		meson setup "$dir" "$@" > /dev/null
	fi
	ninja -C "$dir"
}

echo "== build and test"
setup build-test
meson test -C build-test --print-errorlogs --num-processes 2

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3

echo "== fuzzing (${FUZZ_SECONDS:-60} s per target)"
CC=clang setup build-fuzz
tests/fuzz/run.sh build-fuzz "${FUZZ_SECONDS:-60}"

echo "== all tests passed"
