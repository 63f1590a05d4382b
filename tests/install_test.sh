#!/usr/bin/env bash
# install_test.sh — `meson install` into a scratch DESTDIR, and what a user
# gets from it.
#
#   tests/install_test.sh MESON BUILD-DIR SOURCE-DIR MKDUMP PREFIX BINDIR LIBDIR
#                         INCLUDEDIR MANDIR VERSION SANITIZE CC...
#
# (tests/meson.build passes the build's own options and compiler.)  Checks:
# exactly the files a user needs are installed (the programs, libptwalk.so
# with its soname and links, the two public headers, ptwalk.pc, the man
# pages ptfs(1), ptwalk(1) and libptwalk(3)); the library exports exactly
# the functions the headers declare, versioned; the headers compile alone,
# with no internal header; pkg-config gives the DESTDIR's flags;
# examples/translate.c and the program of libptwalk(3)'s EXAMPLE build
# against the installed library and print what they print in the tree and
# what the page shows; the pages render without warnings and man finds
# them; the installed programs run and need no search path.
#
# Under a sanitizer build (SANITIZE not "none") the library is
# instrumented, so the programs built here are compiled with the same
# -fsanitize flags, as anything linking that library must be.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

MESON=$1 BUILD=$2 SRC=$3 MKDUMP=$4 PREFIX=$5
BINDIR=$6 LIBDIR=$7 INCLUDEDIR=$8 MANDIR=$9
VERSION=${10} SANITIZE=${11}
CC=("${@:12}")
SOMAJOR=${VERSION%%.*}

# meson's rule: a relative directory option is under the prefix.
under_prefix() { [[ $1 == /* ]] && echo "$1" || echo "$PREFIX/$1"; }
D=$WORK/dest
bin=$D$(under_prefix "$BINDIR")
lib=$D$(under_prefix "$LIBDIR")
inc=$D$(under_prefix "$INCLUDEDIR")/ptwalk
man=$D$(under_prefix "$MANDIR")
san=()
[[ $SANITIZE != none ]] && san=("-fsanitize=$SANITIZE")

# ---- install ------------------------------------------------------------------------
"$MESON" install -C "$BUILD" --no-rebuild --destdir "$D" > "$WORK/install.log" 2>&1 &&
	rc=0 || rc=$?
expect "meson install --destdir: exit status" "$rc" 0
[[ $rc == 0 ]] || { cat "$WORK/install.log"; finish; }

rel() { echo "${1#"$D"}"; }
expect "installed files: these and no others" \
	"$(cd "$D" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort)" \
	"$(printf '%s\n' "$(rel "$bin")/ptfs" "$(rel "$bin")/ptwalk" \
		"$(rel "$inc")/ptview.h" "$(rel "$inc")/ptwalk.h" \
		"$(rel "$lib")/libptwalk.so" "$(rel "$lib")/libptwalk.so.$SOMAJOR" \
		"$(rel "$lib")/libptwalk.so.$VERSION" "$(rel "$lib")/pkgconfig/ptwalk.pc" \
		"$(rel "$man")/man1/ptfs.1" "$(rel "$man")/man1/ptwalk.1" \
		"$(rel "$man")/man3/libptwalk.3" | sort)"

# ---- the library --------------------------------------------------------------------
so=$lib/libptwalk.so.$VERSION
expect "libptwalk.so.$VERSION: soname" \
	"$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')" "libptwalk.so.$SOMAJOR"
expect "libptwalk.so.$SOMAJOR and libptwalk.so: links to it" \
	"$(readlink "$lib/libptwalk.so.$SOMAJOR") $(readlink -f "$lib/libptwalk.so")" \
	"libptwalk.so.$VERSION $(readlink -f "$so")"
expect "libptwalk.so: a shared object" \
	"$(readelf -h "$so" | awk '/Type:/ {print $2}')" "DYN"

# What the headers declare: every identifier followed by "(" once the
# headers are preprocessed (function-pointer typedefs are "(*name)(").
declared() {
	printf '#include <ptview.h>\n' | "${CC[@]}" -E -P -I"$inc" -x c - |
		grep -oE '\b(ptw|ptv)_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u
}
exports=$(nm -D --defined-only "$so" | awk '{print $3}')
expect "exports: exactly the functions ptwalk.h and ptview.h declare" \
	"$(sed 's/@.*//' <<< "$exports" | grep -vx "LIBPTWALK_$SOMAJOR" | sort -u)" \
	"$(declared)"
expect "exports: each in version LIBPTWALK_$SOMAJOR" \
	"$(grep -vx "LIBPTWALK_$SOMAJOR" <<< "$exports" | grep -vc "@@LIBPTWALK_$SOMAJOR\$")" 0
# Not vacuous: the comparison above sees the calls libptwalk(3) starts from.
expect "exports: ptw_dump_open, ptw_translate, ptv_open among them" \
	"$(sed 's/@.*//' <<< "$exports" | grep -xE 'ptw_dump_open|ptw_translate|ptv_open' | sort)" \
	"ptv_open
ptw_dump_open
ptw_translate"
expect "exports: ptw_fail (internal) is not one" \
	"$(sed 's/@.*//' <<< "$exports" | grep -cx ptw_fail)" 0

# ---- the headers ---------------------------------------------------------------------
for h in ptwalk.h ptview.h; do
	expect "$h: installed as in the source tree" \
		"$(cmp "$SRC/walker/$h" "$inc/$h" 2>&1 && echo same)" same
	# Quoted includes only of headers installed beside it; the rest system ones.
	for q in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$inc/$h"); do
		expect "$h includes \"$q\": installed beside it" "$([[ -e $inc/$q ]] && echo yes)" yes
	done
	for std in c99 c11; do
		printf '#include <%s>\n' "$h" > "$WORK/alone.c"
		expect "$h compiles alone (-std=$std -Wall -Wextra -Wpedantic -Werror)" \
			"$("${CC[@]}" -std=$std -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
				-I"$inc" "$WORK/alone.c" 2>&1)" ""
	done
done

# ---- pkg-config ----------------------------------------------------------------------
# The .pc file names the real prefix; the sysroot puts the DESTDIR before it.
pc() { PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config "$@"; }
expect "pkg-config --modversion ptwalk" "$(pc --modversion ptwalk 2>&1)" "$VERSION"
flags=$(pc --cflags --libs ptwalk 2>&1)
expect "pkg-config --cflags --libs ptwalk" "$(echo $flags)" "-I$inc -L$lib -lptwalk"

# ---- programs over the installed library -----------------------------------------------
"$MKDUMP" linux-x64 elf "$WORK/sample.elf" # as the build makes examples/sample.elf
build() { # OUT SOURCE
	# shellcheck disable=SC2086  # pkg-config's flags split into words
	"${CC[@]}" "${san[@]}" -o "$1" "$2" $flags 2>&1
}
run() { LD_LIBRARY_PATH=$lib "$@" 2>&1; }

expect "examples/translate.c builds against the installed library" \
	"$(build "$WORK/translate" "$SRC/examples/translate.c")" ""
expect "translate: libptwalk from the DESTDIR" \
	"$(run ldd "$WORK/translate" | awk '$1 == "libptwalk.so.'"$SOMAJOR"'" {print $3}')" \
	"$lib/libptwalk.so.$SOMAJOR"
expect "translate DUMP: the spaces" "$(run "$WORK/translate" "$WORK/sample.elf")" \
	"elf64 dump, x64 paging (vCPU 0: CR0.PG=1 CR4.PAE=1 CR4.LA57=0, machine x86-64)
  100000  VMCOREINFO (kernel page table), scan: shares the kernel half
  10a000  scan: shares the kernel half, KPTI kernel copy, user copy at 10b000
  10b000  CR3 of vCPU 0, KPTI user copy, kernel copy at 10a000
  118000  scan: shares the kernel half, KPTI kernel copy, user copy at 119000
  119000  KPTI user copy, kernel copy at 118000"
expect "translate DUMP 10a000 603abc: the walk" \
	"$(run "$WORK/translate" "$WORK/sample.elf" 10a000 603abc)" \
	"PML4E  at 10a000 contains 800000000010c027  ----A--UW-V
PDPTE  at 10c000 contains 000000000010d027  ----A--UWEV
PDE    at 10d018 contains 000000000010f027  ----A--UWEV
PTE    at 10f018 contains 8000000000322867  ---DA--UW-V
603abc -> 322abc (4 KiB page)"
out=$(run "$WORK/translate" "$WORK/sample.elf" 10a000 zz) && rc=0 || rc=$?
expect "translate: a bad address named" "$rc $out" "1 translate: 'zz' is not a hexadecimal address"

# ---- the man pages -------------------------------------------------------------------
page=$man/man3/libptwalk.3
render() { LC_ALL=C MANWIDTH=80 man -P cat -l "$1" 2> /dev/null; }
expect "libptwalk.3: groff -ww warnings" "$(groff -man -Tutf8 -ww -z "$page" 2>&1)" ""
expect "libptwalk.3: man -l warnings" \
	"$(MANWIDTH=80 man --warnings=all -l "$page" 2>&1 > /dev/null)" ""
expect "libptwalk.3: NAME" "$(render "$page" | sed -n '/^NAME$/{n;p;}' | awk '{print $1, $2}')" \
	"libptwalk -"
expect "libptwalk.3: version in the footer" "$(render "$page" | tail -1 | awk '{print $1, $2}')" \
	"ptfs $VERSION"
for p in man1/ptfs.1 man1/ptwalk.1 man3/libptwalk.3; do
	name=${p#*/}
	expect "man finds ${name%.*}(${name##*.}) in the installed tree" \
		"$(man -M "$man" -w "${name##*.}" "${name%.*}" 2>&1)" "$man/$p"
done

# Every ptw_/ptv_ name the page mentions is one the headers have.
known=$(printf '#include <ptview.h>\n' | "${CC[@]}" -E -P -I"$inc" -x c - |
	grep -oE '\b(ptw|ptv)_[a-z0-9_]+' | sort -u)
expect "libptwalk.3: names only what the headers have" \
	"$(render "$page" | grep -oE '\b(ptw|ptv)_[a-z0-9_]+' | sort -u | comm -23 - <(echo "$known"))" ""

# The EXAMPLE's program, as the page shows it, built and run as the page
# says: its output is the page's.
example=$(render "$page" | awk '
	/^EXAMPLE$/ { on = 1; next }
	/^[^ ]/ { on = 0 }
	on && !code && /#include <ptwalk.h>/ { code = 1; ind = match($0, /[^ ]/) - 1 }
	on && code { print substr($0, ind + 1) }
	on && code && $0 ~ /^ *}$/ && match($0, /[^ ]/) == ind + 1 { exit }')
printf '%s\n' "$example" > "$WORK/vtop.c"
expect "libptwalk.3: EXAMPLE's program extracted (main to its end)" \
	"$(grep -c '^int main' "$WORK/vtop.c") $(tail -1 "$WORK/vtop.c")" "1 }"
expect "libptwalk.3: EXAMPLE builds against the installed library" \
	"$(build "$WORK/vtop" "$WORK/vtop.c")" ""
shown=$(render "$page" | awk '
	/^EXAMPLE$/ { on = 1; next }
	/^[^ ]/ { on = 0 }
	on && /^ +\$ \.\/vtop / { out = 1; sub(/^ +\$ \.\/vtop /, ""); print; next }
	on && out && /^ *$/ { exit }
	on && out { sub(/^ +/, ""); print }')
read -r _ dirbase va <<< "$(head -1 <<< "$shown")"
expect "libptwalk.3: EXAMPLE's run over the sample dump at $dirbase $va" \
	"$(run "$WORK/vtop" "$WORK/sample.elf" "$dirbase" "$va")" "$(tail -n +2 <<< "$shown")"
out=$(run "$WORK/vtop" "$WORK/sample.elf" 10a000) && rc=0 || rc=$?
expect "libptwalk.3: EXAMPLE's usage" "$rc $out" "2 usage: vtop DUMP DIRBASE VA"

# ---- the installed programs ------------------------------------------------------------
expect "installed ptwalk --version" "$("$bin/ptwalk" --version 2>&1)" "ptwalk $VERSION"
expect "installed ptfs --version" \
	"$("$bin/ptfs" --version 2>&1 | sed 's/ (FUSE library [0-9.]*)$//')" "ptfs $VERSION"
expect "installed ptwalk vtop" \
	"$("$bin/ptwalk" --no-scan "$WORK/sample.elf" vtop 10a000 603abc 2>&1 | tail -1)" \
	"Virtual address 603abc translates to physical address 322abc."
# They link the static library: no libptwalk to find, no build-tree rpath.
for p in ptfs ptwalk; do
	expect "installed $p: needs no libptwalk, no rpath" \
		"$(readelf -d "$bin/$p" | grep -E 'libptwalk|RPATH|RUNPATH')" ""
done

finish
