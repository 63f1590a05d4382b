#!/bin/sh
# layering.sh WALKER-DIR [LIBPTWALK.a] — the walker's layers depend one way
# only: base → dump → paging → owners → discover → view.
#
# 1. Includes: each walker/<layer>/*.{c,h} includes (with quotes) only
#    headers of its own layer or a lower one, by path from walker/
#    ("dump/dump.h"), and the public ptwalk.h; ptview.h only in view/.
#    The public headers include no internal one.
# 2. Symbols (when the library and nm are given): no object of a layer
#    uses a function or object that a higher layer's object defines, so
#    that a prototype declared by hand cannot hide an upward call.
set -u
walker=${1:?usage: layering.sh WALKER-DIR [LIBPTWALK.a]}
lib=${2:-}
layers="base dump paging owners discover view"
fail=0

# The position of a layer in the order (1 = base), or 0 if it is none.
rank() {
	n=1
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $n; return; }
		n=$((n + 1))
	done
	echo 0
}

bad() {
	echo "layering: $*" >&2
	fail=1
}

# Nothing of the library but the public headers stays flat in walker/.
for f in "$walker"/*.c "$walker"/*.h; do
	[ -e "$f" ] || continue
	case ${f##*/} in
	ptwalk.h|ptview.h) ;;
	*) bad "${f##*/}: walker/ holds only ptwalk.h and ptview.h; put it in a layer's folder" ;;
	esac
done

for h in ptwalk.h ptview.h; do
	[ -e "$walker/$h" ] || { bad "walker/$h is missing"; continue; }
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$walker/$h"); do
		[ "$inc" = ptwalk.h ] || bad "$h includes \"$inc\": a public header includes only ptwalk.h"
	done
done

for dir in "$walker"/*/; do
	[ -d "$dir" ] || continue
	layer=$(basename "$dir")
	me=$(rank "$layer")
	if [ "$me" = 0 ]; then
		bad "walker/$layer/ is no layer ($layers)"
		continue
	fi
	for f in "$dir"*.c "$dir"*.h; do
		[ -e "$f" ] || continue
		name="$layer/${f##*/}"
		# Every quoted include: "N:path".
		for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			case $inc in
			ptwalk.h) continue ;;
			ptview.h)
				[ "$layer" = view ] ||
					bad "$name includes ptview.h: only view/ sits above the views' API"
				continue ;;
			*/*) ;;
			*)
				bad "$name includes \"$inc\": internal headers go by path from walker/ (\"dump/dump.h\")"
				continue ;;
			esac
			them=$(rank "${inc%%/*}")
			if [ "$them" = 0 ]; then
				bad "$name includes \"$inc\", which is in no layer"
			elif [ "$layer" = base ]; then
				[ "${inc%%/*}" = base ] ||
					bad "$name includes \"$inc\": base/ includes nothing of the walker but ptwalk.h"
			elif [ "$them" -gt "$me" ]; then
				bad "$name includes \"$inc\": $layer/ is below ${inc%%/*}/"
			fi
		done
	done
done

# Symbols: meson names an object after its path, "<layer>_<file>.c.o".
if [ -n "$lib" ] && command -v nm >/dev/null 2>&1; then
	nm -A "$lib" 2>/dev/null | awk -v layers="$layers" '
		BEGIN { n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i }
		{
			# "LIB:OBJ:ADDR T sym" or "LIB:OBJ: U sym"
			split($1, f, ":"); obj = f[2]
			layer = obj; sub(/_.*/, "", layer)
			if (!(layer in rank)) next
			if (NF == 3 && $2 ~ /^[TDRB]$/) def[$3] = obj
			else if (NF == 3 && $2 == "U") use[obj, $3] = 1
		}
		END {
			bad = 0
			for (k in use) {
				split(k, p, SUBSEP)
				if (!(p[2] in def)) continue
				from = p[1]; sub(/_.*/, "", from)
				to = def[p[2]]; sub(/_.*/, "", to)
				if (rank[to] > rank[from]) {
					printf "layering: %s uses %s of %s: %s/ is below %s/\n", p[1], p[2], def[p[2]], from, to > "/dev/stderr"
					bad = 1
				}
			}
			exit bad
		}' || fail=1
fi

[ "$fail" = 0 ] && echo "layering: $layers: no include or symbol goes upward"
exit $fail
