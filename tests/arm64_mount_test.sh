#!/usr/bin/env bash
# arm64_mount_test.sh — the AArch64 scenarios of mkdump (tests/scenarios.c,
# "AArch64 Linux": a kernel table found through the VMCOREINFO text in
# memory, two processes' TTBR0 tables given with --dirbase) mounted for real
# from their LiME captures, checked for exact values: /info's mode lines,
# the listings, each space's roots, entry files (a page, a block, a page of
# a contiguous run, a PROT_NONE entry, a table entry), maps, vmem's bytes in
# both halves against /phys, SEEK_DATA and SEEK_HOLE on vmem, regions/ and
# the tree's size.  WinDbg's texts for the same dumps are windbg_test.sh's.
#
#   tests/arm64_mount_test.sh PTFS MKDUMP
PTFS=$1
MKDUMP=$2
. "$(dirname "$0")/lib.sh"
M=$WORK/m

# seek FILE WHENCE OFFSET: lseek(2)'s answer in hex, or its error's name
# (python3 is there wherever meson is).
seek() {
	python3 - "$@" <<'EOF'
import errno, os, sys
f = os.open(sys.argv[1], os.O_RDONLY)
whence = {"data": os.SEEK_DATA, "hole": os.SEEK_HOLE}[sys.argv[2]]
try:
    print("%x" % os.lseek(f, int(sys.argv[3], 0), whence))
except OSError as e:
    print(errno.errorcode[e.errno])
EOF
}

# text_at FILE OFFSET COUNT: COUNT bytes at OFFSET, as text (NULs dropped).
text_at() {
	dd if="$1" bs=1 skip=$(($2)) count=$(($3)) status=none | tr -d '\0'
}

# zeros_at FILE OFFSET COUNT: "zeros" when the COUNT bytes at OFFSET read
# and are all zero.
zeros_at() {
	dd if="$1" bs=1 skip=$(($2)) count=$(($3)) status=none |
		cmp -s - <(head -c $(($3)) /dev/zero) && echo zeros
}

# hash_at FILE OFFSET COUNT: the sha256 of COUNT bytes at OFFSET (multiples of
# 4096).
hash_at() {
	dd if="$1" bs=4096 skip=$(($2 / 4096)) count=$(($3 / 4096)) status=none | sha256sum
}

# What every scenario holds, at addresses that follow from its granule
# (scenarios.c): checks the caller's variables
#   S K A B      the scenario, the kernel's table, alpha's and beta's
#   VA PAGE BLK  VA bits, the page and level-2 block sizes
#   NCONT        pages of the contiguous run
#   HEAP_A HEAP_B  the PA of each process's first heap page
#   VMCI KIMAGE  VMCOREINFO's PA, the kernel image's VA
#   COUNTS       the pages and tables lines of alpha's info
common() {
	local half=$((1 << VA)) a=$M/dtb/$A/vmem b=$M/dtb/$B/vmem k=$M/dtb/$K/vmem
	local p1=$((0x600000 + PAGE))
	expect "$S: ls dtb" "$(ls "$M/dtb" | sort)" "$(printf '%s\n' "$K" "$A" "$B" | sort)"
	expect "$S: ls proc" "$(ls "$M/dtb/$A" | tr '\n' ' ')" \
		"info info.json layout.svg maps pte ptov regions ttbr0 ttbr1 vmem vtop "
	expect "$S: ls kernel" "$(ls "$M/dtb/$K" | tr '\n' ' ')" \
		"info info.json layout.svg maps pte ptov regions ttbr1 vmem vtop "
	expect "$S: roots" "$(grep -h '^ttbr' "$M/dtb/$K/info" "$M/dtb/$A/info" "$M/dtb/$B/info")" \
"ttbr0: none
ttbr1: $K
ttbr0: $A
ttbr1: $K
ttbr0: $B
ttbr1: $K"
	expect "$S: counts" "$(grep -E '^(pages|tables)' "$M/dtb/$A/info" | tr '\n' ' ')" "$COUNTS"
	expect "$S: kernel's ttbr0 ENOENT" "$(ls "$M/dtb/$K/ttbr0" 2>&1 | sed 's/.*: //')" \
		"No such file or directory"
	expect "$S: kernel's ttbr0 entry ENOENT" "$(stat "$M/dtb/$K/ttbr0/l1" 2>&1 | sed 's/.*: //')" \
		"No such file or directory"
	expect "$S: vmem size" "$(stat -c %s "$a" "$k" | tr '\n' ' ')" "$((2 * half)) $((2 * half)) "
	# the lower half: each process's heap markers, at its own frames
	expect "$S: alpha heap" "$(text_at "$a" 0x600000 35; echo; text_at "$a" $p1 35)" \
"PTFS-SAMPLE arm64 alpha va=0x600000
PTFS-SAMPLE arm64 alpha va=0x$(printf %x $p1)"
	expect "$S: beta heap" "$(text_at "$b" 0x600000 34; echo; text_at "$b" $p1 34)" \
"PTFS-SAMPLE arm64 beta va=0x600000
PTFS-SAMPLE arm64 beta va=0x$(printf %x $p1)"
	expect "$S: alpha heap = phys" "$(hash_at "$a" 0x600000 $((2 * PAGE)))" \
		"$(hash_at "$M/phys" "$HEAP_A" $((2 * PAGE)))"
	expect "$S: beta heap = phys" "$(hash_at "$b" 0x600000 $((2 * PAGE)))" \
		"$(hash_at "$M/phys" "$HEAP_B" $((2 * PAGE)))"
	expect "$S: hexdump" "$(hexdump -C -s 0x600000 -n 32 "$a")" \
"00600000  50 54 46 53 2d 53 41 4d  50 4c 45 20 61 72 6d 36  |PTFS-SAMPLE arm6|
00600010  34 20 61 6c 70 68 61 20  76 61 3d 30 78 36 30 30  |4 alpha va=0x600|
00600020"
	expect "$S: PROT_NONE reads zeros" "$(zeros_at "$a" $((0x600000 + 2 * PAGE)) 4096)" "zeros"
	expect "$S: contiguous run" "$(text_at "$a" $((0x800000 + PAGE)) 43)" \
		"PTFS-SAMPLE arm64 contiguous-1 va=0x$(printf %x $((0x800000 + PAGE)))"
	expect "$S: user block" "$(text_at "$a" 0x40000000 44; echo; text_at "$b" 0x40000000 43)" \
"PTFS-SAMPLE arm64 alpha-block va=0x40000000
PTFS-SAMPLE arm64 beta-block va=0x40000000"
	expect "$S: block past its RAM" "$(zeros_at "$a" $((0x40000000 + 65536)) 4096)" "zeros"
	# the upper half, folded after the lower: offset 2^VA + (VA - (2^64 -
	# 2^VA)); the linear map's VA PAGE_OFFSET + PA is at 2^VA + PA
	expect "$S: linear map = phys" "$(hash_at "$a" $((half + VMCI)) 4096)" "$(hash_at "$M/phys" "$VMCI" 4096)"
	expect "$S: VMCOREINFO through the linear map" "$(text_at "$k" $((half + VMCI)) 10)" "OSRELEASE="
	expect "$S: kernel text" "$(text_at "$b" $((half + KIMAGE + BLK + half)) 29)" \
		"PTFS-SAMPLE arm64 kernel text"
	expect "$S: kernel image block" "$(text_at "$k" $((half + KIMAGE + half)) 30)" \
		"PTFS-SAMPLE arm64 kernel image"
	expect "$S: past the end" "$(dd if="$a" bs=4096 skip=$((2 * half / 4096)) count=1 status=none | wc -c)" "0"
	# SEEK_DATA and SEEK_HOLE: the mapped stretches, in both halves
	expect "$S: seek" "$(seek "$a" data 0) $(seek "$a" hole 0x400000) \
$(seek "$a" data $((0x400000 + PAGE))) $(seek "$a" hole 0x600000) \
$(seek "$a" data $((0x600000 + 2 * PAGE))) $(seek "$a" hole 0x800000) \
$(seek "$a" data $((0x800000 + NCONT * PAGE))) $(seek "$a" hole 0x40000000) \
$(seek "$a" data $((0x40000000 + BLK))) $(seek "$a" hole $half)" \
"400000 $(printf %x $((0x400000 + PAGE))) \
600000 $(printf %x $((0x600000 + 2 * PAGE))) \
800000 $(printf %x $((0x800000 + NCONT * PAGE))) \
40000000 $(printf %x $((0x40000000 + BLK))) \
$(printf %x $half) $(printf %x $((half + 3 * BLK)))"
	expect "$S: kernel seek" "$(seek "$k" data 0) $(seek "$k" data $((2 * half - 1)))" \
		"$(printf %x $half) ENXIO"
	# vmem's blocks are its mapped bytes: text, heap, the run, the block,
	# and the kernel's three blocks of linear map, its image block and two
	# pages
	expect "$S: vmem blocks" "$(stat -c %b "$a" "$k" | tr '\n' ' ')" \
"$(((PAGE + 2 * PAGE + NCONT * PAGE + BLK + 3 * BLK + BLK + 2 * PAGE) / 512)) \
$(((3 * BLK + BLK + 2 * PAGE) / 512)) "
}

# regions/ (last: what a scenario checks after them is lost if they crash
# the daemon): each process lists its lower half, the kernel (VMCOREINFO's
# table) the upper half they all share; the caller's variables as
# common()'s, and PROC_REGIONS and KERNEL_REGIONS, the listings.
regions() {
	expect "$S: alpha regions" "$(ls "$M/dtb/$A/regions" | tr '\n' ' ')" "$PROC_REGIONS"
	expect "$S: kernel regions" "$(ls "$M/dtb/$K/regions" | tr '\n' ' ')" "$KERNEL_REGIONS"
	# the kernel image's stretch (its block, text and rodata pages) is the
	# kernel's, with its bytes, and no process's
	local image=$(printf '%016x-%016x' "$KIMAGE" $((KIMAGE + BLK + 2 * PAGE)))
	expect "$S: kernel text in its region" "$(text_at "$M/dtb/$K/regions/$image" "$BLK" 29)" \
		"PTFS-SAMPLE arm64 kernel text"
	expect "$S: shared stretch not a process's" "$(ls "$M/dtb/$A/regions/$image" 2>&1 | sed 's/.*: //')" \
		"No such file or directory"
	expect "$S: beta regions" "$(ls "$M/dtb/$B/regions" | tr '\n' ' ')" "$PROC_REGIONS"
}

# ---- arm64-4k-48: 4 KiB granule, 48-bit VA, Linux 6.1 --------------------------
"$MKDUMP" arm64-4k-48 lime "$WORK/arm64-4k-48.lime"
mount_ptfs "$M" --dirbase 8000 --dirbase 9000 "$WORK/arm64-4k-48.lime"
S=arm64-4k-48 K=1000 A=8000 B=9000 VA=48 PAGE=4096 BLK=$((2 << 20)) NCONT=16
HEAP_A=0x43000 HEAP_B=0x46000 VMCI=0x2000 KIMAGE=0xffff800020000000
COUNTS="pages-4k: 21 pages-2m: 5 pages-1g: 0 tables: 13 tables-outside-dump: 0 "
expect "$S: info" "$(grep -E '^(vmcoreinfo|paging-mode|mode-from|upper-root):' "$M/info")" \
"vmcoreinfo: 6.1.0 (found in memory at PA 2000)
paging-mode: arm64-4k-48 (AArch64 4 KiB granule, 48-bit VA)
mode-from: VMCOREINFO (arm64 kernel, 4096-byte pages, 48-bit VA)
upper-root: ttbr1 1000"
common
T=$M/dtb/8000/ttbr0
expect "$S: ls ttbr0" "$(ls "$T" "$T/l0/0" "$T/l0/0/l1" | tr '\n' ' ')" \
	"$T: l0  $T/l0/0: entry l1  $T/l0/0/l1: 0 1 "
expect "$S: page entry" "$(cat "$T/l0/0/l1/0/l2/3/l3/0/entry")" \
"level: L3
index: 0
table: d000
address: d000
contains: 00e8000000043f43
pfn: 43
flags: ---DAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000000600000-0000000000600fff
page: 4K"
expect "$S: block entry" "$(cat "$T/l0/0/l1/1/l2/0/entry")" \
"level: L2
index: 0
table: f000
address: f000
contains: 00e8000000200f41
pfn: 200
flags: --LDAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000040000000-00000000401fffff
page: 2M"
expect "$S: contiguous entry" "$(cat "$T/l0/0/l1/0/l2/4/l3/1/entry")" \
"level: L3
index: 1
table: e000
address: e008
contains: 00f80000000f1f43
pfn: f1
flags: C--DAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), Contiguous, PXN, UXN, software bit 55
va: 0000000000801000-0000000000801fff
page: 4K"
expect "$S: PROT_NONE entry" "$(grep -E '^(contains|pfn|ProtNone)' "$T/l0/0/l1/0/l2/3/l3/2/entry")" \
"contains: 0460000000045f82
pfn: 45
ProtNone: pfn 45 (resident; not present to the CPU)"
expect "$S: swap entry" "$(grep -E '^(contains|pfn|Swap)' "$T/l0/0/l1/0/l2/3/l3/3/entry")" \
"contains: 000000000001f308
pfn: -
Swap: type 1, offset 1f3"
expect "$S: table entry" "$(cat "$T/l0/0/l1/0/l2/3/entry")" \
"level: L2
index: 3
table: b000
address: b018
contains: 080000000000d003
pfn: d
flags: -----UW-EV
attributes: APTable 00, PXNTable
va: 0000000000600000-00000000007fffff"
expect "$S: linear map entry" "$(cat "$M/dtb/1000/ttbr1/l0/0/l1/0/l2/1/entry")" \
"level: L2
index: 1
table: 4000
address: 4008
contains: 0068000000200701
pfn: 200
flags: -GLDAKW--V
attributes: AttrIndx 0, SH inner, AP 00 (EL1 RW, EL0 none), AF, DBM (writable, dirty), PXN, UXN
va: ffff000000200000-ffff0000003fffff
page: 2M"
KMAPS="ffff000000000000-ffff000000600000 0000000000000000 2M GLDAKW--V
ffff800020000000-ffff800020200000 0000000000000000 2M GL-AKRX-V
ffff800020200000-ffff800020201000 0000000000040000 4K G--AKRX-V
ffff800020201000-ffff800020202000 0000000000041000 4K G--AKR--V"
expect "$S: alpha maps" "$(cat "$M/dtb/8000/maps")" \
"0000000000400000-0000000000401000 0000000000042000 4K ---AUR-EV
0000000000600000-0000000000602000 0000000000043000 4K --DAUW--V
0000000000800000-0000000000810000 00000000000f0000 4K --DAUW--V
0000000040000000-0000000040200000 0000000000200000 2M -LDAUW--V
$KMAPS"
expect "$S: beta maps" "$(cat "$M/dtb/9000/maps")" \
"0000000000400000-0000000000401000 0000000000042000 4K ---AUR-EV
0000000000600000-0000000000602000 0000000000046000 4K --DAUW--V
0000000000800000-0000000000810000 00000000000f0000 4K --DAUW--V
0000000040000000-0000000040200000 0000000000400000 2M -LDAUW--V
$KMAPS"
expect "$S: kernel maps" "$(cat "$M/dtb/1000/maps")" "$KMAPS"
expect "$S: find ttbr0" "$(find "$T" | wc -l) $(find "$M/dtb/9000/ttbr0" | wc -l)" "64 64"
expect "$S: find ttbr1" "$(find "$M/dtb/1000/ttbr1" | wc -l)" "29"
PROC_REGIONS="0000000000400000-0000000000401000 0000000000600000-0000000000602000 0000000000800000-0000000000810000 0000000040000000-0000000040200000 "
KERNEL_REGIONS="ffff000000000000-ffff000000600000 ffff800020000000-ffff800020202000 "
regions
unmount_ptfs "$M"

# The raw image of the same memory (sparse between its RAM regions) gives
# the same spaces, maps and /phys.
"$MKDUMP" arm64-4k-48 raw "$WORK/arm64-4k-48.raw"
R=$WORK/r
mount_ptfs "$R" --dirbase 8000 --dirbase 9000 "$WORK/arm64-4k-48.raw"
mount_ptfs "$M" --dirbase 8000 --dirbase 9000 "$WORK/arm64-4k-48.lime"
expect "$S: raw/lime info" "$(grep -E '^(paging-mode|mode-from|upper-root):' "$R/info")" \
	"$(grep -E '^(paging-mode|mode-from|upper-root):' "$M/info")"
expect "$S: raw/lime spaces" "$(ls "$R/dtb")" "$(ls "$M/dtb")"
for d in 1000 8000 9000; do
	expect "$S: raw/lime maps $d" "$(cat "$R/dtb/$d/maps")" "$(cat "$M/dtb/$d/maps")"
done
expect "$S: raw/lime phys" "$(sha256sum < "$R/phys")" "$(sha256sum < "$M/phys")"
unmount_ptfs "$R"
unmount_ptfs "$M"

# With no --dirbase only the kernel's space is listed; a process's table
# opens on demand with the kernel's as its upper root.
mount_ptfs "$M" "$WORK/arm64-4k-48.lime"
expect "$S: alone: ls dtb" "$(ls "$M/dtb")" "1000"
expect "$S: on demand" "$(grep -E '^(ttbr0|ttbr1|found):' "$M/dtb/9000/info")" \
"ttbr0: 9000
ttbr1: 1000
found: opened on demand"
expect "$S: on demand: kernel text" "$(text_at "$M/dtb/9000/vmem" $((0xffff800020200000 + (2 << 48))) 29)" \
	"PTFS-SAMPLE arm64 kernel text"
unmount_ptfs "$M"

# ---- arm64-16k-47: 16 KiB granule, 47-bit VA (three levels, L1 first) ----------
"$MKDUMP" arm64-16k-47 lime "$WORK/arm64-16k-47.lime"
mount_ptfs "$M" --dirbase 18000 --dirbase 1c000 "$WORK/arm64-16k-47.lime"
S=arm64-16k-47 K=4000 A=18000 B=1c000 VA=47 PAGE=16384 BLK=$((32 << 20)) NCONT=128
HEAP_A=0x10c000 HEAP_B=0x118000 VMCI=0x8000 KIMAGE=0xffffc00020000000
COUNTS="pages-16k: 133 pages-32m: 5 tables: 7 tables-outside-dump: 0 "
expect "$S: info" "$(grep -E '^(vmcoreinfo|paging-mode|mode-from|upper-root):' "$M/info")" \
"vmcoreinfo: 6.1.0 (found in memory at PA 8000)
paging-mode: arm64-16k-47 (AArch64 16 KiB granule, 47-bit VA)
mode-from: VMCOREINFO (arm64 kernel, 16384-byte pages, 47-bit VA)
upper-root: ttbr1 4000"
common
T=$M/dtb/18000/ttbr0
expect "$S: ls ttbr0" "$(ls "$T" "$T/l1/0" "$T/l1/0/l2" | tr '\n' ' ')" \
	"$T: l1  $T/l1/0: entry l2  $T/l1/0/l2: 0 32 "
expect "$S: page entry" "$(cat "$T/l1/0/l2/0/l3/384/entry")" \
"level: L3
index: 384
table: 24000
address: 24c00
contains: 00e800000010cf43
pfn: 43
flags: ---DAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000000600000-0000000000603fff
page: 16K"
expect "$S: block entry" "$(cat "$T/l1/0/l2/32/entry")" \
"level: L2
index: 32
table: 20000
address: 20100
contains: 00e8000002000f41
pfn: 800
flags: --LDAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000040000000-0000000041ffffff
page: 32M"
expect "$S: contiguous entry" "$(cat "$T/l1/0/l2/0/l3/513/entry")" \
"level: L3
index: 513
table: 24000
address: 25008
contains: 00f8000000204f43
pfn: 81
flags: C--DAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), Contiguous, PXN, UXN, software bit 55
va: 0000000000804000-0000000000807fff
page: 16K"
expect "$S: PROT_NONE entry" "$(grep -E '^(contains|pfn|ProtNone)' "$T/l1/0/l2/0/l3/386/entry")" \
"contains: 0460000000114f82
pfn: 45
ProtNone: pfn 45 (resident; not present to the CPU)"
expect "$S: swap entry" "$(grep -E '^(contains|pfn|Swap)' "$T/l1/0/l2/0/l3/387/entry")" \
"contains: 000000000001f308
pfn: -
Swap: type 1, offset 1f3"
expect "$S: table entry" "$(cat "$T/l1/0/l2/0/entry")" \
"level: L2
index: 0
table: 20000
address: 20000
contains: 0800000000024003
pfn: 9
flags: -----UW-EV
attributes: APTable 00, PXNTable
va: 0000000000000000-0000000001ffffff"
KMAPS="ffff800000000000-ffff800006000000 0000000000000000 32M GLDAKW--V
ffffc00020000000-ffffc00022000000 0000000000000000 32M GL-AKRX-V
ffffc00022000000-ffffc00022004000 0000000000100000 16K G--AKRX-V
ffffc00022004000-ffffc00022008000 0000000000104000 16K G--AKR--V"
expect "$S: alpha maps" "$(cat "$M/dtb/18000/maps")" \
"0000000000400000-0000000000404000 0000000000108000 16K ---AUR-EV
0000000000600000-0000000000608000 000000000010c000 16K --DAUW--V
0000000000800000-0000000000a00000 0000000000200000 16K --DAUW--V
0000000040000000-0000000042000000 0000000002000000 32M -LDAUW--V
$KMAPS"
expect "$S: beta maps" "$(cat "$M/dtb/1c000/maps")" \
"0000000000400000-0000000000404000 0000000000108000 16K ---AUR-EV
0000000000600000-0000000000608000 0000000000118000 16K --DAUW--V
0000000000800000-0000000000a00000 0000000000200000 16K --DAUW--V
0000000040000000-0000000042000000 0000000004000000 32M -LDAUW--V
$KMAPS"
expect "$S: find ttbr0" "$(find "$T" | wc -l) $(find "$M/dtb/1c000/ttbr0" | wc -l)" "276 276"
PROC_REGIONS="0000000000400000-0000000000404000 0000000000600000-0000000000608000 0000000000800000-0000000000a00000 0000000040000000-0000000042000000 "
KERNEL_REGIONS="ffff800000000000-ffff800006000000 ffffc00020000000-ffffc00022008000 "
regions
unmount_ptfs "$M"

# ---- arm64-64k-52: 64 KiB granule (FEAT_LPA), 52-bit VA, 8 KiB top tables ------
"$MKDUMP" arm64-64k-52 lime "$WORK/arm64-64k-52.lime"
mount_ptfs "$M" --dirbase 60000 --dirbase 62000 "$WORK/arm64-64k-52.lime"
S=arm64-64k-52 K=10000 A=60000 B=62000 VA=52 PAGE=65536 BLK=$((512 << 20)) NCONT=32
HEAP_A=0x130000 HEAP_B=0x160000 VMCI=0x20000 KIMAGE=0xffff800020000000
COUNTS="pages-64k: 37 pages-512m: 5 pages-4t: 0 tables: 7 tables-outside-dump: 0 "
expect "$S: info" "$(grep -E '^(vmcoreinfo|paging-mode|mode-from|upper-root):' "$M/info")" \
"vmcoreinfo: 6.1.0 (found in memory at PA 20000)
paging-mode: arm64-64k-52 (AArch64 64 KiB granule, 52-bit VA)
mode-from: VMCOREINFO (arm64 kernel, 65536-byte pages, 52-bit VA)
upper-root: ttbr1 10000"
common
T=$M/dtb/60000/ttbr0
expect "$S: ls ttbr0" "$(ls "$T" "$T/l1/0" "$T/l1/0/l2" | tr '\n' ' ')" \
	"$T: l1  $T/l1/0: entry l2  $T/l1/0/l2: 0 2 "
expect "$S: page entry" "$(cat "$T/l1/0/l2/0/l3/96/entry")" \
"level: L3
index: 96
table: 80000
address: 80300
contains: 00e8000000130f43
pfn: 13
flags: ---DAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000000600000-000000000060ffff
page: 64K"
expect "$S: block entry" "$(cat "$T/l1/0/l2/2/entry")" \
"level: L2
index: 2
table: 70000
address: 70010
contains: 00e8000020000f41
pfn: 2000
flags: --LDAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000040000000-000000005fffffff
page: 512M"
expect "$S: contiguous entry" "$(cat "$T/l1/0/l2/0/l3/129/entry")" \
"level: L3
index: 129
table: 80000
address: 80408
contains: 00f8000000210f43
pfn: 21
flags: C--DAUW--V
attributes: AttrIndx 0, SH inner, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), Contiguous, PXN, UXN, software bit 55
va: 0000000000810000-000000000081ffff
page: 64K"
expect "$S: PROT_NONE entry" "$(grep -E '^(contains|pfn|ProtNone)' "$T/l1/0/l2/0/l3/98/entry")" \
"contains: 0460000000150f82
pfn: 15
ProtNone: pfn 15 (resident; not present to the CPU)"
expect "$S: swap entry" "$(grep -E '^(contains|pfn|Swap)' "$T/l1/0/l2/0/l3/99/entry")" \
"contains: 000000000001f308
pfn: -
Swap: type 1, offset 1f3"
expect "$S: table entry" "$(cat "$T/l1/0/l2/0/entry")" \
"level: L2
index: 0
table: 70000
address: 70000
contains: 0800000000080003
pfn: 8
flags: -----UW-EV
attributes: APTable 00, PXNTable
va: 0000000000000000-000000001fffffff"
KMAPS="fff0000000000000-fff0000060000000 0000000000000000 512M GLDAKW--V
ffff800020000000-ffff800040000000 0000000000000000 512M GL-AKRX-V
ffff800040000000-ffff800040010000 0000000000100000 64K G--AKRX-V
ffff800040010000-ffff800040020000 0000000000110000 64K G--AKR--V"
expect "$S: alpha maps" "$(cat "$M/dtb/60000/maps")" \
"0000000000400000-0000000000410000 0000000000120000 64K ---AUR-EV
0000000000600000-0000000000620000 0000000000130000 64K --DAUW--V
0000000000800000-0000000000a00000 0000000000200000 64K --DAUW--V
0000000040000000-0000000060000000 0000000020000000 512M -LDAUW--V
$KMAPS"
expect "$S: beta maps" "$(cat "$M/dtb/62000/maps")" \
"0000000000400000-0000000000410000 0000000000120000 64K ---AUR-EV
0000000000600000-0000000000620000 0000000000160000 64K --DAUW--V
0000000000800000-0000000000a00000 0000000000200000 64K --DAUW--V
0000000040000000-0000000060000000 0000000040000000 512M -LDAUW--V
$KMAPS"
expect "$S: find ttbr0" "$(find "$T" | wc -l) $(find "$M/dtb/62000/ttbr0" | wc -l)" "84 84"
PROC_REGIONS="0000000000400000-0000000000410000 0000000000600000-0000000000620000 0000000000800000-0000000000a00000 0000000040000000-0000000060000000 "
KERNEL_REGIONS="fff0000000000000-fff0000060000000 ffff800020000000-ffff800040020000 "
regions
unmount_ptfs "$M"

# ---- arm64-4k-52: 4 KiB granule with FEAT_LPA2 (level -1), Linux 6.10 ---------
# Its pgds are 128 bytes, one after the other: beta's is a080.
"$MKDUMP" arm64-4k-52 lime "$WORK/arm64-4k-52.lime"
mount_ptfs "$M" --dirbase a000 --dirbase a080 "$WORK/arm64-4k-52.lime"
S=arm64-4k-52 K=1000 A=a000 B=a080 VA=52 PAGE=4096 BLK=$((2 << 20)) NCONT=16
HEAP_A=0x43000 HEAP_B=0x46000 VMCI=0x2000 KIMAGE=0xffff800020000000
COUNTS="pages-4k: 21 pages-2m: 5 pages-1g: 0 pages-512g: 0 tables: 16 tables-outside-dump: 0 "
expect "$S: info" "$(grep -E '^(vmcoreinfo|paging-mode|mode-from|upper-root):' "$M/info")" \
"vmcoreinfo: 6.10.0 (found in memory at PA 2000)
paging-mode: arm64-4k-52 (AArch64 4 KiB granule, 52-bit VA)
mode-from: VMCOREINFO (arm64 kernel, 4096-byte pages, 52-bit VA)
upper-root: ttbr1 1000"
common
T=$M/dtb/a080/ttbr0
expect "$S: ls ttbr0" "$(ls "$T" "$T/l-1/0" | tr '\n' ' ')" "$T: l-1  $T/l-1/0: entry l0 "
# beta's entries: its heap is frames 46 and 47 (LPA2: no SH field)
expect "$S: page entry" "$(cat "$T/l-1/0/l0/0/l1/0/l2/3/l3/1/entry")" \
"level: L3
index: 1
table: 16000
address: 16008
contains: 00e8000000047c43
pfn: 47
flags: ---DAUW--V
attributes: AttrIndx 0, AP 01 (EL1 RW, EL0 RW), AF, nG, DBM (writable, dirty), PXN, UXN, software bit 55
va: 0000000000601000-0000000000601fff
page: 4K"
expect "$S: top entry" "$(cat "$T/l-1/0/entry")" \
"level: L-1
index: 0
table: a080
address: a080
contains: 0800000000012003
pfn: 12
flags: -----UW-EV
attributes: APTable 00, PXNTable
va: 0000000000000000-0000ffffffffffff"
# Linux 6.10's PROT_NONE: bit 11 (PTE_PRESENT_INVALID), valid clear
expect "$S: PROT_NONE entry" "$(grep -E '^(contains|pfn|ProtNone)' "$T/l-1/0/l0/0/l1/0/l2/3/l3/2/entry")" \
"contains: 0060000000048c82
pfn: 48
ProtNone: pfn 48 (resident; not present to the CPU)"
expect "$S: swap entry" "$(grep -E '^(contains|pfn|Swap)' "$T/l-1/0/l0/0/l1/0/l2/3/l3/3/entry")" \
"contains: 00000000001f4040
pfn: -
Swap: type 1, offset 1f4"
expect "$S: block entry" "$(grep -E '^(contains|pfn|flags|page)' "$T/l-1/0/l0/0/l1/1/l2/0/entry")" \
"contains: 00e8000000400c41
pfn: 400
flags: --LDAUW--V
page: 2M"
KMAPS="fff0000000000000-fff0000000600000 0000000000000000 2M GLDAKW--V
ffff800020000000-ffff800020200000 0000000000000000 2M GL-AKRX-V
ffff800020200000-ffff800020201000 0000000000040000 4K G--AKRX-V
ffff800020201000-ffff800020202000 0000000000041000 4K G--AKR--V"
expect "$S: alpha maps" "$(cat "$M/dtb/a000/maps")" \
"0000000000400000-0000000000401000 0000000000042000 4K ---AUR-EV
0000000000600000-0000000000602000 0000000000043000 4K --DAUW--V
0000000000800000-0000000000810000 00000000000f0000 4K --DAUW--V
0000000040000000-0000000040200000 0000000000200000 2M -LDAUW--V
$KMAPS"
expect "$S: beta maps" "$(cat "$M/dtb/a080/maps")" \
"0000000000400000-0000000000401000 0000000000042000 4K ---AUR-EV
0000000000600000-0000000000602000 0000000000046000 4K --DAUW--V
0000000000800000-0000000000810000 00000000000f0000 4K --DAUW--V
0000000040000000-0000000040200000 0000000000400000 2M -LDAUW--V
$KMAPS"
expect "$S: find ttbr0" "$(find "$M/dtb/a000/ttbr0" | wc -l) $(find "$T" | wc -l)" "67 67"
PROC_REGIONS="0000000000400000-0000000000401000 0000000000600000-0000000000602000 0000000000800000-0000000000810000 0000000040000000-0000000040200000 "
KERNEL_REGIONS="fff0000000000000-fff0000000600000 ffff800020000000-ffff800020202000 "
regions
unmount_ptfs "$M"

finish
