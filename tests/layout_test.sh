#!/usr/bin/env bash
# layout_test.sh — layout.svg of generated dumps (Linux x86-64, Windows
# x64, Linux arm64): well-formed XML with the title, the legend and the
# labels of the regions known there; rendered by rsvg-convert to a PNG
# whose pixels (below the legend, which shows every class) hold the
# colours of the runs known to be there and none of the absent classes';
# the mount's file equal to ptwalk's output.
#
#   tests/layout_test.sh PTFS PTWALK MKDUMP SRCDIR
PTFS=$1
PTWALK=$2
MKDUMP=$3
SRC=$4
. "$(dirname "$0")/lib.sh"

for tool in python3 rsvg-convert; do
	command -v "$tool" > /dev/null ||
		{ echo "FAIL: $tool is needed (tests/install-deps.sh --test: librsvg2-bin)"; exit 1; }
done

# The classes' colours (view/layout.c): kernel full hues, user tints.
K_R=0072b2 K_RW=009e73 K_RX=e69f00 K_RWX=d55e00
U_R=80b9d9 U_RW=80cfb9 U_RX=f3cf80 U_RWX=eaaf80
LEGEND_END=112   # the picture's rows from here down hold no legend

"$MKDUMP" linux-x64 elf "$WORK/lx.elf"
"$MKDUMP" win10-x64-bitmap dmp "$WORK/w.dmp"
"$MKDUMP" arm64-4k-48 elf "$WORK/a64.lime"

# svg_facts FILE: the title, the legend's presence and the labels, one a line.
svg_facts() {
	python3 - "$1" << 'EOF'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
print("root", root.tag == ns + "svg")
print("title", root.find(ns + "title").text)
print("heading", "".join(root.find(ns + "text").itertext()))
legend = root.find(".//" + ns + "g[@id='legend']")
print("legend", " ".join(t.text for t in legend.iter(ns + "text")))
labels = []
for t in root.iter(ns + "text"):
    if t.get("class") == "rl" and t.text not in labels:
        labels.append(t.text)
print("labels", "|".join(labels))
EOF
}

# colours SVG C...: the pixels of each colour below the legend, "C:N" on one line.
colours() {
	local svg=$1
	shift
	rsvg-convert "$svg" -o "$svg.png"
	python3 "$SRC/tests/png_colours.py" "$svg.png" "$LEGEND_END" "$@" |
		awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $1, ($2 > 0 ? "some" : "none") }'
}

legend="legend kernel R RW RX RWX user R RW RX RWX page size (bar height), pages mapped:"

# ---- Linux x86-64 -------------------------------------------------------------------
"$PTWALK" "$WORK/lx.elf" layout 10a000 > "$WORK/lx.svg"
facts=$(svg_facts "$WORK/lx.svg")
expect "linux: well-formed svg" "$(grep '^root' <<< "$facts")" "root True"
expect "linux: title" "$(grep '^title' <<< "$facts")" "title Address space 10a000"
expect "linux: heading" "$(grep '^heading' <<< "$facts")" \
	"heading Address space 10a000 — x64 (x86-64 4-level)"
expect "linux: legend" "$(grep '^legend' <<< "$facts" | cut -c1-${#legend})" "$legend"
expect "linux: page counts" "$(grep -o '4K × [0-9]*\|2M × [0-9]*\|1G × [0-9]*' "$WORK/lx.svg" | tr '\n' ' ')" \
	"4K × 12 2M × 2 1G × 1 "
expect "linux: labels" "$(grep '^labels' <<< "$facts")" \
	"labels program image|mmap area|stack|direct map (page_offset_base)|cpu_entry_area|kernel image (__START_KERNEL_map)"
# 400000 user R, 600000 user RW, the direct map kernel RW (1G), the kernel
# text kernel RX; nothing executable and writable, nothing user-executable
expect "linux: colours" "$(colours "$WORK/lx.svg" $U_R $U_RW $K_RW $K_RX $K_R $U_RX $U_RWX $K_RWX)" \
	"$U_R:some $U_RW:some $K_RW:some $K_RX:some $K_R:none $U_RX:none $U_RWX:none $K_RWX:none"
expect "linux: the sections" "$(grep -o 'lower half (user)\|upper half (kernel)' "$WORK/lx.svg" | tr '\n' ' ')" \
	"lower half (user) upper half (kernel) "
expect "linux: gap sizes" "$(grep -o '[0-9.]* [KMGT]iB unmapped' "$WORK/lx.svg" | head -3 | tr '\n' ' ')" \
	"4 MiB unmapped 127 TiB unmapped 1 TiB unmapped "

# ---- Windows x64 (a crash dump: owners from the EPROCESS list) ------------------------
"$PTWALK" "$WORK/w.dmp" layout 113000 > "$WORK/w.svg"
facts=$(svg_facts "$WORK/w.svg")
expect "windows: well-formed svg" "$(grep '^root' <<< "$facts")" "root True"
expect "windows: heading and owner" "$(grep '^heading' <<< "$facts"; sed -n 's/.*<text x="12" y="44">\([^<]*\)<.*/\1/p' "$WORK/w.svg")" \
	"heading Address space 113000 — x64 (x86-64 4-level)
owner: smss.exe (cid 348) · OS: windows"
expect "windows: labels" "$(grep '^labels' <<< "$facts")" \
	"labels user space|page tables (self-map)|kernel image (ntoskrnl)"
expect "windows: colours" "$(colours "$WORK/w.svg" $U_RW $K_RW $K_RX $U_RX)" \
	"$U_RW:some $K_RW:some $K_RX:none $U_RX:none"
# the KPTI user copy: the kernel's shadow entry page, kernel RX
"$PTWALK" "$WORK/w.dmp" layout 11d000 > "$WORK/wu.svg"
expect "windows: KPTI user copy" "$(grep -o 'KPTI user copy (kernel copy 118000)' "$WORK/wu.svg")" \
	"KPTI user copy (kernel copy 118000)"
expect "windows: KPTI user copy colours" "$(colours "$WORK/wu.svg" $U_RW $K_RX $K_RW)" \
	"$U_RW:some $K_RX:some $K_RW:none"

# ---- Linux arm64 ------------------------------------------------------------------------
"$PTWALK" "$WORK/a64.lime" layout 1000 > "$WORK/a.svg"
facts=$(svg_facts "$WORK/a.svg")
expect "arm64: well-formed svg" "$(grep '^root' <<< "$facts")" "root True"
expect "arm64: heading" "$(grep '^heading' <<< "$facts")" \
	"heading Address space 1000 — arm64-4k-48 (AArch64 4 KiB granule, 48-bit VA)"
expect "arm64: halves" "$(grep -o 'ttbr0 half (user)\|ttbr1 half (kernel)\|ttbr0: none\|ttbr1: 1000\|nothing mapped' "$WORK/a.svg" | tr '\n' ' ')" \
	"ttbr0: none ttbr1: 1000 ttbr0 half (user) nothing mapped ttbr1 half (kernel) "
expect "arm64: labels" "$(grep '^labels' <<< "$facts")" "labels linear map (PAGE_OFFSET)"
# the linear map kernel RW, the image kernel RX and R
expect "arm64: colours" "$(colours "$WORK/a.svg" $K_RW $K_RX $K_R $U_RW)" \
	"$K_RW:some $K_RX:some $K_R:some $U_RW:none"

# ---- bounded size: a space of 65 536 runs ------------------------------------------------
# (the real dumps' ESPFIX area is one; here: every kernel-half check above
# stays small, and a picture never holds more than MAX_RECTS rectangles)
expect "sizes below 64 KiB" "$(for f in lx w wu a; do [[ $(stat -c %s "$WORK/$f.svg") -lt 65536 ]] && echo ok; done | tr '\n' ' ')" \
	"ok ok ok ok "

# ---- through the mount --------------------------------------------------------------------
M=$WORK/m
mount_ptfs "$M" "$WORK/lx.elf"
expect "mount: listed" "$(ls "$M/dtb/10a000" | grep -c '^layout.svg$')" "1"
expect "mount: same as ptwalk" "$(cmp "$M/dtb/10a000/layout.svg" "$WORK/lx.svg" && echo same)" "same"
expect "mount: size" "$(stat -c %s "$M/dtb/10a000/layout.svg")" "$(stat -c %s "$WORK/lx.svg")"
expect "mount: every space's picture is well-formed" \
	"$(for d in "$M"/dtb/*/; do python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$d/layout.svg" && echo ok; done | sort -u)" "ok"
unmount_ptfs "$M"

mount_ptfs "$M" "$WORK/a64.lime"
expect "mount arm64: same as ptwalk" "$(cmp "$M/dtb/1000/layout.svg" "$WORK/a.svg" && echo same)" "same"
unmount_ptfs "$M"

expect "ptwalk: bad dirbase" "$("$PTWALK" "$WORK/lx.elf" layout 7000000 2>&1 > /dev/null; echo "rc $?")" \
	"ptwalk: DirBase 0x7000000 lies outside the dump's physical memory
rc 1"
expect "ptwalk: no argument" "$("$PTWALK" "$WORK/lx.elf" layout 2>&1 > /dev/null; echo "rc $?")" \
	"ptwalk: layout takes DIRBASE
rc 1"
finish
