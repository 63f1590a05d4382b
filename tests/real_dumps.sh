#!/usr/bin/env bash
# real_dumps.sh — the dumps of real Linux guests in ../shared/dumps, mounted
# for real and checked against the guests' own truth.txt.
#
#   tests/real_dumps.sh PTFS TRUTH_CHECK CACHE_DIR PTWALK
#
# On x86-64 the processes also get their names from the kernel's own data
# (kallsyms, BTF, init_task's list): /proc/<pid>, each space's info and
# `ptwalk DUMP ps` must say what the guest's truth says of each process.
#
# The dumps are looked for in $PTFS_SHARED_DUMPS, else ../shared/dumps beside
# the repository.  When absent the test says so and is skipped (exit 77).
PTFS=$1
TRUTH_CHECK=$2
CACHE=$3
PTWALK=$4
. "$(dirname "$0")/lib.sh"

SHARED=${PTFS_SHARED_DUMPS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/dumps}
if [[ ! -d "$SHARED" ]]; then
	echo "SKIP: no real dumps at $SHARED (../shared/dumps beside the repository);"
	echo "      the real-dump checks did NOT run"
	exit 77
fi
command -v zstd > /dev/null || { echo "FAIL: zstd is needed (apt-get install zstd)"; exit 1; }
mkdir -p "$CACHE"

# Decompressed once into the build tree, kept for later runs (sparse: the
# arm64 raw image is 1 GiB of zeros before its RAM).
dump() {
	local src=$SHARED/$1 out=$CACHE/$(basename "${1%.zst}")
	if [[ ! -s "$out" || "$src" -nt "$out" ]]; then
		zstd -d --long=31 --sparse -q -f -o "$out.tmp" "$src"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

M=$WORK/m

# ptwalk DUMP ps lists every process of the truth with its parent and
# name, from the task list.
check_ps() {
	local file=$1 truth=$2 ps pid ppid comm
	ps=$("$PTWALK" "$file" ps)
	while read -r pid ppid comm; do
		expect "ps names $pid" \
			"$(awk -v p="$pid" '$1 == p && $6 == "task-list" { print $1, $2, $5; exit }' <<< "$ps")" \
			"$pid $ppid $comm"
	done < <(sed -n 's/^PROC pid=\([0-9]*\) ppid=\([0-9]*\) comm=\([^ ]*\) .*/\1 \2 \3/p' "$truth")
}

# regions/ as tools take it: each process's holds its own memory (nothing
# of the kernel half it shares), few enough files for `strings regions/*`;
# the kernel half is listed once, under the kernel's own space, and on
# x86-64 Linux's ESPFIX area (one page mapped 65536 times, 64 KiB apart)
# is one file in the whole dump.
check_regions_layout() {
	local out=$1 truth=$2 p d names kdtb kstart
	for p in $(sed -n 's/^PROC pid=\([0-9]*\) .*/\1/p' "$truth"); do
		d=$(sed -n "s/^pid $p ([^)]*): dtb \([0-9a-f]*\):.*/\1/p" <<< "$out")
		names=$(ls "$M/dtb/$d/regions")
		kstart=c0000000
		[[ $(head -1 <<< "$names" | cut -d- -f1 | wc -c) -gt 9 ]] && kstart=ffff800000000000
		expect "regions of $p: nothing of the kernel half" \
			"$(awk -F- -v k="$kstart" '$1 >= k' <<< "$names" | wc -l)" "0"
		expect "regions of $p: strings takes them all" \
			"$(strings "$M/dtb/$d/regions/"* > /dev/null 2>&1; echo $?)" "0"
	done
	kdtb=$(sed -n 's/^  \([0-9a-f]*\) .*found: VMCOREINFO.*/\1/p' "$M/info")
	expect "kernel space lists the kernel half" \
		"$(ls "$M/dtb/$kdtb/regions" | awk -F- '$1 >= "c0000000"' | wc -l | sed 's/^0$/none/;s/^[1-9][0-9]*$/some/')" "some"
	if grep -q '^paging-mode: x64 ' "$M/info"; then
		expect "ESPFIX: one file in the whole dump" \
			"$(for d in "$M"/dtb/*/; do ls "$d/regions"; done | grep -c -- '-x65536-every-10000$')" "1"
		expect "ESPFIX: under the kernel's space" \
			"$(ls "$M/dtb/$kdtb/regions" | grep -c -- '^ffffff[0-9a-f]*-ffffff[0-9a-f]*-x65536-every-10000$')" "1"
	fi
}

# layout.svg of the kernel's own space: well-formed, small whatever its
# runs (x86-64's ESPFIX area alone is 65 536 of them), titled with its
# DirBase, the kernel's regions labelled; a named process's names its owner.
check_layout() {
	local out=$1 owners=$2 kdtb svg=$WORK/layout.svg want p d comm
	kdtb=$(sed -n 's/^  \([0-9a-f]*\) .*found: VMCOREINFO.*/\1/p' "$M/info")
	cp "$M/dtb/$kdtb/layout.svg" "$svg"
	expect "layout: well-formed" \
		"$(python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1]); print("ok")' "$svg")" "ok"
	expect "layout: small, rectangles bounded" \
		"$(( $(stat -c %s "$svg") < 65536 && $(grep -c '<rect' "$svg") <= 3100 ))" "1"
	expect "layout: title" "$(grep -o '<title>[^<]*' "$svg")" "<title>Address space $kdtb"
	case $(sed -n 's/^paging-mode: \([^ ]*\) .*/\1/p' "$M/info") in
	x64) want="cpu_entry_area|direct map (page_offset_base)|ESPFIX stacks|kernel image (__START_KERNEL_map)|vmalloc (vmalloc_base)|vmemmap (vmemmap_base)" ;;
	pae) want="kernel (PAGE_OFFSET)" ;;
	*) want="kernel image (_stext)|linear map (PAGE_OFFSET)|vmalloc|vmemmap" ;;
	esac
	expect "layout: kernel regions" \
		"$(grep -o 'class="rl">[^<]*' "$svg" | sed 's/class="rl">//' | grep -xF -f <(tr '|' '\n' <<< "$want") | LC_ALL=C sort -u)" \
		"$(tr '|' '\n' <<< "$want" | LC_ALL=C sort -u)"
	if [[ -n "$owners" ]]; then
		read -r p comm < <(sed -n 's/^PROC pid=\([0-9]*\) ppid=[0-9]* comm=\([^ ]*\) .*/\1 \2/p' "$truth" | head -1)
		d=$(sed -n "s/^pid $p ([^)]*): dtb \([0-9a-f]*\):.*/\1/p" <<< "$out")
		expect "layout: owner of $p" "$(grep -o "owner: [^ ]* (cid [0-9]*)" "$M/dtb/$d/layout.svg")" \
			"owner: $comm (cid $p)"
	fi
}

# One real dump: the truth check, then the tools people point at it.
# OWNERS (--owners or empty): check the processes' names too.
check_dump() {
	local file=$1 truth=$2 pid=$3 owners=${4:-}
	echo "== $file"
	mount_ptfs "$M" "$file"
	local out
	if out=$("$TRUTH_CHECK" $owners "$M" "$truth"); then
		printf '%s\n' "$out" | sed 's/^/     /'
		echo "ok   truth check"
	else
		printf '%s\n' "$out" | sed 's/^/     /'
		echo "FAIL truth check"
		FAILED=1
	fi
	# The process's heap through vmem: strings finds one marker line per
	# page the process wrote there (not always at the start of a string:
	# the previous page may end in printable bytes), hexdump the first.
	local dtb heap start end pages first
	dtb=$(sed -n "s/^pid $pid ([^)]*): dtb \([0-9a-f]*\):.*/\1/p" <<< "$out")
	heap=$(grep "^MAPS pid=$pid .*\[heap\]" "$truth" | awk '{print $4}')
	start=$((16#${heap%-*}))
	end=$((16#${heap#*-}))
	pages=$(grep -c "^TRUTH pid=$pid .*kind=heap " "$truth")
	expect "strings heap of $pid" \
		"$(dd if="$M/dtb/$dtb/vmem" bs=4096 skip=$((start / 4096)) count=$(((end - start) / 4096)) status=none |
		   strings | grep -o "PTFS-MARK pid=$pid " | wc -l)" "$pages"
	first=$(grep "^TRUTH pid=$pid .*kind=heap " "$truth" | head -1 | sed 's/.* va=0x\([0-9a-f]*\).*/\1/')
	expect "hexdump heap page" \
		"$(hexdump -C -s $((16#$first)) -n 16 "$M/dtb/$dtb/vmem" | head -1 | sed 's/.*|\(.*\)|$/\1/')" \
		"$(printf 'PTFS-MARK pid=%s' "$pid" | head -c 16)"
	expect "grep -a finds the page" \
		"$(dd if="$M/dtb/$dtb/vmem" bs=4096 skip=$((16#$first / 4096)) count=1 status=none | grep -a -c "PTFS-MARK pid=$pid va=0x$first ")" "1"
	# strings over each process's user regions (below ffff8000`00000000,
	# or c0000000 on 32-bit) finds exactly the marker
	# lines of the pages it wrote (kinds written by that pid; a COW child's
	# shared pages carry its parent's pid)
	local p d
	for p in $(sed -n 's/^PROC pid=\([0-9]*\) .*/\1/p' "$truth"); do
		d=$(sed -n "s/^pid $p ([^)]*): dtb \([0-9a-f]*\):.*/\1/p" <<< "$out")
		expect "strings regions of $p" \
			"$(find "$M/dtb/$d/regions" \( -name '0000????????????-*' -o -name '[0-9ab]???????-*' \) \
				-print0 | xargs -0 strings |
			   grep -o "PTFS-MARK pid=$p va=0x[0-9a-f]* " | sort -u)" \
			"$(grep "^TRUTH pid=$p .*present=1 .*kind=\(heap\|anon\|ro\|stack\|huge\|cow_parent\|cow_private\) " "$truth" |
			   sed 's/.* va=\(0x[0-9a-f]*\) .*/PTFS-MARK pid='"$p"' va=\1 /' | sort -u)"
	done
	check_regions_layout "$out" "$truth"
	check_layout "$out" "$owners"
	NODES=$(find "$M/dtb/$dtb" | wc -l)
	echo "     find: $NODES nodes under dtb/$dtb"
	unmount_ptfs "$M"
	if [[ -n "$owners" ]]; then
		check_ps "$file" "$truth"
	fi
}

X64=linux-x86_64-4level
PAE=linux-i386-pae
elf=$(dump "$X64/$X64.elf.zst")
raw=$(dump "$X64/$X64.raw.zst")
pae=$(dump "$PAE/$PAE.elf.zst")

check_dump "$elf" "$SHARED/$X64/truth.txt" 162 --owners
elf_nodes=$NODES
check_dump "$raw" "$SHARED/$X64/truth.txt" 162 --owners
expect "raw/elf find" "$NODES" "$elf_nodes"
# The raw image carries no VMCOREINFO: the kernel's own copy is found in
# memory (vmcoreinfo_data, page-aligned), and names the kernel's tables.
expect "raw vmcoreinfo" "$("$PTWALK" "$raw" info | grep -E '^(vmcoreinfo|mode-from):')" \
"vmcoreinfo: 6.1.0-56-amd64 (found in memory at PA 515d000)
mode-from: VMCOREINFO (x86-64 kernel, pgtable_l5_enabled=0)"
expect "owners raw = elf" "$("$PTWALK" "$raw" info | grep '^owners:')" \
	"$("$PTWALK" "$elf" info | grep '^owners:')"
# Two tables of the kernel's that no task owns, named from kallsyms and BTF
# (real_mode_header->trampoline_pgd: low memory mapped 1:1, the real-mode
# code at 99000 executable; poking_mm->pgd, a KPTI pair): no cid, no parent.
for f in "$elf" "$raw"; do
	expect "kernel tables ($(basename "$f"))" \
		"$("$PTWALK" "$f" ps | awk '$6 == "kallsyms" { print $1, $2, $3, $5 }')" \
"- - 9c000 [trampoline]
- - 485e000 [poking_mm]
- - 485f000 [poking_mm]"
done
expect "kernel tables in /info" "$("$PTWALK" "$elf" info | grep -o '9 address spaces; [^(]*')" \
	"9 address spaces; [trampoline] 9c000; [poking_mm] 485e000 "
# The zero page as alpha (pid 144, 6272000) maps it (truth: kind=zeropage):
# bit 9 is Linux's _PAGE_SPECIAL, not WinDbg's C (copy-on-write), and is
# named after the block; the same entry by its physical address (pte ADDR 1).
expect "zero page: special, no C" "$("$PTWALK" --dirbase 6272000 "$elf" pte 7f4057950000 | sed -n '3,5p')" \
"contains 8000000006241067  contains 000000000621D067  contains 00000000061DE067  contains 8000000003310225
pfn 6241      ---DA--UW-V  pfn 621d      ---DA--UWEV  pfn 61de      ---DA--UWEV  pfn 3310      ----A--UR-V
(Linux software bits: PTE special)"
expect "zero page: pte ADDR 1" "$("$PTWALK" --dirbase 6272000 "$elf" pte 61dea80 1)" \
"                                           PA 00000000061dea80
PDE at 00000000061DEA80    PTE at 00000000061DEA80
contains 8000000003310225  contains 8000000003310225
pfn 3310      ----A--UR-V  pfn 3310      ----A--UR-V
(Linux software bits: PTE special)
(no self-map: the entry address above is physical)"
expect "trampoline maps low memory 1:1" "$("$PTWALK" "$elf" vtop 9c000 99000 | tail -1)" \
	"Virtual address 99000 translates to physical address 99000."
# Kernels before 6.0 write no SYMBOL(kallsyms_*) into VMCOREINFO.  Copies
# of the x86-64 dump with every "SYMBOL(kallsyms_" renamed (same length:
# the ELF note and the kernel's own copy in memory alike) stand for one:
# kallsyms is then found in kernel memory, the processes are named as on
# the original, and /info says where the tables were found (the token
# table VMCOREINFO names on the original).
# The x86-64 truth check with owners on DUMP, mounted: its output shown
# only when it fails.
truth_with_owners() { # NAME DUMP
	mount_ptfs "$M" "$2"
	if out=$("$TRUTH_CHECK" --owners "$M" "$SHARED/$X64/truth.txt"); then
		echo "ok   $1: truth check with owners"
	else
		printf '%s\n' "$out" | sed 's/^/     /'
		echo "FAIL $1: truth check with owners"
		FAILED=1
	fi
	unmount_ptfs "$M"
}

no_kallsyms_lines() {
	local src=$1 out=$CACHE/$(basename "$1").no-kallsyms-lines
	if [[ ! -s "$out" || "$src" -nt "$out" ]]; then
		perl -pe 's/SYMBOL\(kallsyms_/SYMBOL(xallsyms_/g' "$src" > "$out.tmp"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}
ktok=$(grep -a -o -m1 'SYMBOL(kallsyms_token_table)=[0-9a-f]*' "$elf" | cut -d= -f2)
# The owners of FILE's copy without VMCOREINFO's kallsyms lines are the
# original's: the same ps, and the same owners line but for where kallsyms
# came from.
same_owners_without_kallsyms_lines() {
	local f=$1 g name
	g=$(no_kallsyms_lines "$f")
	name=$(basename "$f")
	expect "$name renamed: ps as the original's" "$("$PTWALK" "$g" ps 2>&1)" "$("$PTWALK" "$f" ps 2>&1)"
	expect "$name renamed: owners as the original's" \
		"$("$PTWALK" "$g" info | grep '^owners:' |
		   sed -E 's/found in memory at [0-9a-f]+, layout [^,]*, [0-9.]+ MiB of the image read,/from VMCOREINFO,/')" \
		"$("$PTWALK" "$f" info | grep '^owners:')"
}
for f in "$elf" "$raw"; do
	g=$(no_kallsyms_lines "$f")
	name=$(basename "$f")
	expect "$name: the original names kallsyms" "$(grep -a -c 'SYMBOL(kallsyms_' "$f")" "$(grep -a -c 'SYMBOL(xallsyms_' "$g")"
	expect "$name renamed: no SYMBOL(kallsyms_" "$(grep -a -c 'SYMBOL(kallsyms_' "$g")" "0"
	orig=$("$PTWALK" "$f" info | grep '^owners:')
	expect "$name: owners from VMCOREINFO" "$(grep -o 'kallsyms 94266 symbols from VMCOREINFO, ' <<< "$orig")" \
		"kallsyms 94266 symbols from VMCOREINFO, "
	expect "$name renamed: owners found in memory" "$("$PTWALK" "$g" info | grep '^owners:')" \
		"${orig/from VMCOREINFO,/found in memory at $ktok, layout 6.2-6.3 (seqs_of_names before the token table), 18.0 MiB of the image read,}"
	truth_with_owners "$name renamed" "$g"
	check_ps "$g" "$SHARED/$X64/truth.txt"
done
# A raw image with no VMCOREINFO at all (no note, no copy in memory): the
# raw dump's copy with every "OSRELEASE=" renamed (the line the search
# for VMCOREINFO in memory keys on).  The scan decides Linux from the
# shared kernel half; the kernel is read through the lowest table sharing
# it, kallsyms is searched for from __START_KERNEL_map, the KASLR offset
# follows from its _text (VMCOREINFO's KERNELOFFSET on the original), and
# the kernel's own table is init_top_pgt's (VMCOREINFO's on the original):
# ps as the original's but for the FOUND column's VMCOREINFO.
no_vmcoreinfo() {
	local src=$1 out=$CACHE/$(basename "$1").no-vmcoreinfo
	if [[ ! -s "$out" || "$src" -nt "$out" ]]; then
		perl -pe 's/OSRELEASE=/XSRELEASE=/g' "$src" > "$out.tmp"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}
g=$(no_vmcoreinfo "$raw")
expect "raw without VMCOREINFO: none found" "$("$PTWALK" "$g" info | grep '^vmcoreinfo:')" \
	"vmcoreinfo: none"
expect "raw without VMCOREINFO: ps as the original's" "$("$PTWALK" "$g" ps 2>&1)" \
	"$("$PTWALK" "$raw" ps 2>&1 | sed 's/VMCOREINFO (kernel page table), //')"
orig=$("$PTWALK" "$raw" info | grep '^owners:')
koff=$(grep -a -o 'KERNELOFFSET=[0-9a-f]\+' "$raw" | head -1 | cut -d= -f2)
kpgt=$("$PTWALK" "$raw" ps | awk '/VMCOREINFO \(kernel page table\)/ { print $3 }')
expect "raw without VMCOREINFO: KASLR offset and kernel table" "$koff $kpgt" "19400000 2a10000"
expect "raw without VMCOREINFO: owners" "$("$PTWALK" "$g" info | grep '^owners:')" \
	"${orig/from VMCOREINFO,/found in memory at $ktok, layout 6.2-6.3 (seqs_of_names before the token table), 18.0 MiB of the image read,}; KASLR offset $koff (kallsyms' _text $(printf '%x' $((0xffffffff81000000 + 16#$koff))) - ffffffff81000000); kernel table init_top_pgt $kpgt; kernel read through 9c000 (no kernel page table named by VMCOREINFO or a dump header: the lowest DirBase sharing the kernel half)"
truth_with_owners "raw without VMCOREINFO" "$g"
check_ps "$g" "$SHARED/$X64/truth.txt"
check_dump "$pae" "$SHARED/$PAE/truth.txt" 165
# Debian's 686-pae kernel keeps text symbols only (no CONFIG_KALLSYMS_ALL)
# and no BTF: its processes stay unnamed, and /info says why.
expect "pae owners" "$("$PTWALK" "$pae" info | grep '^owners:')" \
	"owners: Linux task list: kernel has no BTF (CONFIG_DEBUG_INFO_BTF, Linux 5.2+): kallsyms (45515 symbols) has no __start_BTF, __stop_BTF, and the kernel image from c3000000 (80.2 MiB read) holds none"
expect "pae ps: no task-list owners" "$("$PTWALK" "$pae" ps | grep -c ' task-list ' || true)" "0"

# AArch64 (Debian 12's arm64 6.1 kernel, 4 KiB pages, 48-bit VA, KASLR):
# the raw image (file offset = physical address, sparse below RAM at
# 0x40000000).  VMCOREINFO is found in memory; the kernel keeps text
# symbols only in kallsyms, so BTF and init_task are found by scanning
# its image, and every truth process is /proc/<pid> by its comm.
A64=linux-arm64
a64raw=$(dump "$A64/$A64.raw.zst")
check_dump "$a64raw" "$SHARED/$A64/truth.txt" 175 --owners
expect "arm64 raw: mode" "$("$PTWALK" "$a64raw" info | grep -E '^(vmcoreinfo|paging-mode|mode-from|upper-root):')" \
"vmcoreinfo: 6.1.0-57-arm64 (found in memory at PA 4277c018)
paging-mode: arm64-4k-48 (AArch64 4 KiB granule, 48-bit VA)
mode-from: VMCOREINFO (arm64 kernel, 4096-byte pages, 48-bit VA)
upper-root: ttbr1 41858000"
expect "arm64 raw: spaces" "$("$PTWALK" "$a64raw" ps | awk 'NR > 1 { print $1, $2, $3, $5 }')" \
"0 0 41858000 swapper/0
1 0 42407000 init
164 162 42f92000 india-kid
149 1 42f95000 hotel
175 1 42ffe000 juliet
162 1 4341c000 india
151 149 43441000 hotel-kid
177 175 4344f000 juliet-kid
193 1 4349d000 sleep"

# The kdump-compressed dump (makedumpfile's diskdump, zlib), read in place.
KDUMP=$SHARED/linux-x86_64-kdump/linux-x86_64-kdump.kdump
if [[ -f "$KDUMP" ]]; then
	check_dump "$KDUMP" "$SHARED/linux-x86_64-kdump/truth.txt" 172 --owners
	expect "kdump format" "$("$PTWALK" "$KDUMP" info | grep -E '^(format|phys-ranges):')" \
"format: kdump
phys-ranges: 2"
	# Its VMCOREINFO (in the header) without the kallsyms lines: the
	# table is found in the compressed pages, and the spaces are named
	# as on the original.
	same_owners_without_kallsyms_lines "$KDUMP"
else
	echo "FAIL: $KDUMP is missing"
	FAILED=1
fi

# The KVM host's dump (issue 13's): its own processes, named from kallsyms
# found in memory as from VMCOREINFO's lines.
NESTED=nested-svm-npt
if [[ -f "$SHARED/$NESTED/$NESTED.elf.zst" ]]; then
	same_owners_without_kallsyms_lines "$(dump "$NESTED/$NESTED.elf.zst")"
else
	echo "FAIL: $SHARED/$NESTED is missing"
	FAILED=1
fi

# The raw and ELF forms of one moment: the same spaces, maps and memory.
R=$WORK/r
E=$WORK/e
mount_ptfs "$R" "$raw"
mount_ptfs "$E" "$elf"
expect "raw/elf spaces" "$(ls "$R/dtb")" "$(ls "$E/dtb")"
n=0
for d in $(ls "$E/dtb"); do
	if ! cmp -s "$R/dtb/$d/maps" "$E/dtb/$d/maps"; then
		echo "FAIL raw/elf maps of $d differ"
		FAILED=1
	fi
	n=$((n + 1))
done
echo "ok   raw/elf maps of $n spaces compared"
expect "raw/elf phys (first 128 MiB)" "$(head -c 134217728 "$R/phys" | sha256sum)" \
	"$(head -c 134217728 "$E/phys" | sha256sum)"
unmount_ptfs "$R"
unmount_ptfs "$E"

# A real LiME capture (no page tables): one range 0x1000-0x9ffff, and /phys
# returns the file's payload at those addresses, holes around it as zeros.
LIME=$SHARED/lime-slice/deb-x86_64-slice.lime
if [[ -f "$LIME" ]]; then
	L=$WORK/l
	mount_ptfs "$L" "$LIME"
	expect "lime format" "$(grep -E '^(format|phys-ranges|  0)' "$L/info")" \
"format: lime
phys-ranges: 1
  0000000000001000-00000000000a0000  636 KiB"
	expect "lime /phys = payload" \
		"$(dd if="$L/phys" bs=4096 skip=1 count=159 status=none | sha256sum)" \
		"$(tail -c +33 "$LIME" | sha256sum)"
	expect "lime hole below" "$(head -c 4096 "$L/phys" | tr -d '\0' | wc -c)" "0"
	unmount_ptfs "$L"
else
	echo "FAIL: $LIME is missing"
	FAILED=1
fi

# AArch64 (the dump layer; paging and discovery are checked elsewhere): the
# ELF core's machine, its one range of RAM at 0x40000000 and VMCOREINFO;
# the raw image of the same moment (file offset = physical address, zeros
# below the RAM) reads the same RAM, and so does the RAM alone as a raw
# image placed with --phys-base, with a hole below it.
ARM=linux-arm64
if [[ -d "$SHARED/$ARM" ]]; then
	aelf=$(dump "$ARM/$ARM.elf.zst")
	araw=$(dump "$ARM/$ARM.raw.zst")
	aram=$CACHE/$ARM.ram
	if [[ ! -s "$aram" || "$araw" -nt "$aram" ]]; then
		dd if="$araw" of="$aram.tmp" bs=1M skip=1024 status=none
		mv "$aram.tmp" "$aram"
	fi
	# ptwalk [options] DUMP: the lines of info that the dump layer gives
	dump_facts() {
		"$PTWALK" --no-scan "$@" info | grep -E '^(format|machine|phys-ranges|cpus|vmcoreinfo):|^  0'
	}
	expect "arm64 elf facts" "$(dump_facts "$aelf")" \
"format: elf64
machine: aarch64
phys-ranges: 1
  0000000040000000-0000000048000000  128 MiB
cpus: 0
vmcoreinfo: 6.1.0-57-arm64"
	expect "arm64 raw facts" "$(dump_facts --phys-base 0 "$araw" | grep -E '^(format|phys-ranges):|^  0')" \
"format: raw
phys-ranges: 1
  0000000000000000-0000000048000000  1152 MiB"
	expect "arm64 RAM alone at --phys-base" \
		"$(dump_facts --phys-base 0x40000000 "$aram" | grep -E '^(format|phys-ranges):|^  0')" \
"format: raw
phys-ranges: 1
  0000000040000000-0000000048000000  128 MiB"
	# pages: the first, swapper_pg_dir, TTBR0_EL1's table, the last
	for pa in 40000000 41858000 42ffe000 47fff000; do
		want=$("$PTWALK" --no-scan "$aelf" phys "$pa" 4096 | sha256sum)
		expect "arm64 raw page $pa" "$("$PTWALK" --no-scan --phys-base 0 "$araw" phys "$pa" 4096 | sha256sum)" "$want"
		expect "arm64 RAM page $pa" \
			"$("$PTWALK" --no-scan --phys-base 40000000 "$aram" phys "$pa" 4096 | sha256sum)" "$want"
	done
	ram=$("$PTWALK" --no-scan "$aelf" phys 40000000 8000000 | sha256sum)
	expect "arm64 raw = elf (all RAM)" "$("$PTWALK" --no-scan "$araw" phys 40000000 8000000 | sha256sum)" "$ram"
	expect "arm64 RAM = elf (all RAM)" \
		"$("$PTWALK" --no-scan --phys-base 40000000 "$aram" phys 40000000 8000000 | sha256sum)" "$ram"
	expect "arm64 RAM: a hole below" \
		"$("$PTWALK" --no-scan --phys-base 40000000 "$aram" phys 3fff0000 10000 | tr -d '\0' | wc -c)" "0"
	# The ELF and the RAM alone (at --phys-base) through the mount: the
	# truth and the owners as from the raw image, and every space's maps
	# the same in all three.
	check_dump "$aelf" "$SHARED/$ARM/truth.txt" 175 --owners
	R=$WORK/ar
	E=$WORK/ae
	B=$WORK/ab
	mount_ptfs "$R" "$araw"
	mount_ptfs "$E" "$aelf"
	mount_ptfs "$B" --phys-base 40000000 "$aram"
	expect "arm64 raw/elf/RAM spaces" "$(ls "$R/dtb") $(ls "$B/dtb")" "$(ls "$E/dtb") $(ls "$E/dtb")"
	n=0
	for d in $(ls "$E/dtb"); do
		if ! cmp -s "$R/dtb/$d/maps" "$E/dtb/$d/maps" || ! cmp -s "$B/dtb/$d/maps" "$E/dtb/$d/maps"; then
			echo "FAIL arm64 raw/elf/RAM maps of $d differ"
			FAILED=1
		fi
		n=$((n + 1))
	done
	echo "ok   arm64 raw/elf/RAM maps of $n spaces compared"
	expect "arm64 ELF: a kernel VA through vmem's upper half" \
		"$(dd if="$E/dtb/41858000/vmem" bs=4096 skip=$((0x1db6089010000 / 4096)) count=1 status=none | sha256sum)" \
		"$("$PTWALK" --no-scan "$aelf" phys 40210000 4096 | sha256sum)"
	unmount_ptfs "$R"
	unmount_ptfs "$E"
	unmount_ptfs "$B"
	# No vCPU state in an arm64 core: ptwalk's default space is the
	# kernel's own table, as crash and drgn start from it.
	expect "arm64: vtop 0 of kernel text" "$("$PTWALK" "$aelf" vtop 0 ffffdb6089010000 2>&1 | sed -n '1p;$p')" \
"ptwalk: using DirBase 41858000 (the kernel's own table, named by VMCOREINFO)
Virtual address ffffdb6089010000 translates to physical address 40210000."
	expect "arm64 --phys-base on the ELF" \
		"$("$PTWALK" --phys-base 40000000 "$aelf" info 2>&1 > /dev/null | sed 's/.*: a physical/a physical/')" \
		"a physical base (--phys-base 0x40000000) applies to raw images only; this is an ELF core"
else
	echo "FAIL: $SHARED/$ARM is missing"
	FAILED=1
fi

finish
