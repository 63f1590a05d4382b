#!/usr/bin/env bash
# mount_test.sh — mount generated dumps for real through FUSE and use them
# with ls, cat, stat, hexdump, dd, strings, find; check exact outputs; check
# that bad input gives a clear error and mounts nothing.
#
#   tests/mount_test.sh PTFS MKDUMP
PTFS=$1
MKDUMP=$2
. "$(dirname "$0")/lib.sh"

for s in linux-x64 windows-x64 linux-pae windows-x86 linux-la57; do
	"$MKDUMP" "$s" elf "$WORK/$s.elf"
	"$MKDUMP" "$s" raw "$WORK/$s.raw"
done

# ---- linux-x64: the tree, the texts, the bytes --------------------------------
M=$WORK/m
mount_ptfs "$M" --process 42:10a000:alpha "$WORK/linux-x64.elf"

expect "ls /" "$(ls "$M")" "dtb
info
info.json
name
phys
proc"
expect "ls /dtb" "$(ls "$M/dtb")" "100000
10a000
10b000
118000
119000"
expect "ls space" "$(ls "$M/dtb/10a000")" "info
info.json
layout.svg
maps
pml4
pte
ptov
regions
vmem
vtop"
expect "ls pml4" "$(ls "$M/dtb/10a000/pml4" | sort -n | tr '\n' ' ')" "0 254 255 273 508 511 "
expect "ls pml4/0" "$(ls "$M/dtb/10a000/pml4/0")" "entry
pdpt"
expect "ls 2M leaf" "$(ls "$M/dtb/10a000/pml4/254/pdpt/0/pd/0")" "entry"
expect "cat PTE entry" "$(cat "$M/dtb/10a000/pml4/0/pdpt/0/pd/3/pt/3/entry")" "level: PTE
index: 3
table: 10f000
address: 10f018
contains: 8000000000322867
pfn: 322
flags: ---DA--UW-V
software: soft-dirty
va: 0000000000603000-0000000000603fff
page: 4K"
expect "cat maps" "$(cat "$M/dtb/10a000/maps")" "0000000000400000-0000000000402000 0000000000310000 4K ----A--UR-V
0000000000600000-0000000000602000 0000000000320000 4K ---DA--UW-V
0000000000602000-0000000000603000 0000000000323000 4K ---DA--UW-V
0000000000603000-0000000000604000 0000000000322000 4K ---DA--UW-V
00007f0000000000-00007f0000200000 0000000000400000 2M --LDA--UW-V
00007ffffffde000-00007ffffffdf000 0000000000340000 4K ---DA--UW-V
ffff888000000000-ffff888040000000 0000000000000000 1G -GLDA--KW-V
fffffe0000000000-fffffe0000001000 0000000000304000 4K -G-DA--KW-V
ffffffff81000000-ffffffff81200000 0000000000200000 2M -GLDA--KREV
ffffffff82000000-ffffffff82004000 0000000000300000 4K -G-DA--KW-V"
expect "stat sizes" "$(stat -c '%n %s' "$M/dtb/10a000/vmem" "$M/dtb/10a000/maps" "$M/phys" | sed "s|$M/||")" \
"dtb/10a000/vmem 281474976710656
dtb/10a000/maps 660
phys 8388608"
expect "stat kinds" "$(stat -c '%A %h' "$M/dtb/10a000" "$M/dtb/10a000/pml4" "$M/proc/42" "$M/info")" \
"dr-xr-xr-x 6
dr-xr-xr-x 8
lrwxrwxrwx 1
-r--r--r-- 1"
expect "stat size = bytes" "$(stat -c %s "$M/info")" "$(wc -c < "$M/info")"
expect "hexdump vmem" "$(hexdump -C -s 0x600000 -n 48 "$M/dtb/10a000/vmem")" \
"00600000  50 54 46 53 2d 53 41 4d  50 4c 45 20 61 6c 70 68  |PTFS-SAMPLE alph|
00600010  61 20 76 61 3d 30 78 36  30 30 30 30 30 00 50 54  |a va=0x600000.PT|
00600020  46 53 2d 53 41 4d 50 4c  45 20 61 6c 70 68 61 20  |FS-SAMPLE alpha |
00600030"
# vmem's four data pages are phys frames 320, 321, 323, 322
vm=$(dd if="$M/dtb/10a000/vmem" bs=4096 skip=$((0x600)) count=4 status=none | sha256sum)
ph=$(for f in 320 321 323 322; do dd if="$M/phys" bs=4096 skip=$((0x$f)) count=1 status=none; done | sha256sum)
expect "dd vmem = phys frames" "$vm" "$ph"
# upper half folded: offset 0xffffffff81000000 & (2^48-1)
expect "dd kernel text" "$(dd if="$M/dtb/10a000/vmem" bs=1 skip=$((0xffff81000000)) count=23 status=none)" \
"PTFS-SAMPLE kernel text"
expect "unmapped reads zeros" "$(dd if="$M/dtb/10a000/vmem" bs=4096 skip=$((0x700)) count=16 status=none | tr -d '\0' | wc -c)" "0"
expect "read past the end" "$(dd if="$M/dtb/10a000/vmem" bs=4096 skip=$(((1 << 48) / 4096)) count=1 status=none | wc -c)" "0"
expect "strings" "$(dd if="$M/dtb/10a000/vmem" bs=4096 skip=$((0x600)) count=4 status=none | strings | sort | uniq -c | sed 's/^ *//')" \
"136 PTFS-SAMPLE alpha va=0x600000
136 PTFS-SAMPLE alpha va=0x601000
136 PTFS-SAMPLE alpha va=0x602000
136 PTFS-SAMPLE alpha va=0x603000"
expect "find nodes" "$(find "$M/dtb/10a000" | wc -l)" "97"
# regions/: a process's own memory; the kernel half it shares is listed
# once, under the kernel's own space (VMCOREINFO's table)
expect "process regions" "$(ls "$M/dtb/10a000/regions" | tr '\n' ' ')" \
"0000000000400000-0000000000402000 0000000000600000-0000000000604000 00007f0000000000-00007f0000200000 00007ffffffde000-00007ffffffdf000 "
expect "kernel regions" "$(ls "$M/dtb/100000/regions" | tr '\n' ' ')" \
"ffff888000000000-ffff888040000000 fffffe0000000000-fffffe0000001000 ffffffff81000000-ffffffff81200000 ffffffff82000000-ffffffff82004000 "
expect "kernel text in its region" "$(dd if="$M/dtb/100000/regions/ffffffff81000000-ffffffff81200000" bs=1 count=23 status=none)" \
"PTFS-SAMPLE kernel text"
expect "shared stretch not listed twice" "$(ls "$M/dtb/10a000/regions/ffffffff81000000-ffffffff81200000" 2>&1 | sed 's/.*: //')" \
"No such file or directory"
expect "find entries" "$(find "$M/dtb/10a000" -name entry | wc -l)" "33"
expect "find dirs" "$(find "$M/dtb/10a000" -type d | wc -l)" "54"
expect "readlink proc" "$(readlink "$M/proc/42")" "../dtb/10a000"
expect "proc hex" "$(readlink "$M/proc/0x2a")" "../dtb/10a000"
expect "through the link" "$(head -c 33 "$M/proc/42/maps")" "0000000000400000-0000000000402000"
expect "ls -l name" "$(ls -l "$M/name" | awk 'NR > 1 {print $1, $(NF-2), $(NF-1), $NF}')" \
	"lrwxrwxrwx alpha-42 -> ../proc/42"
expect "through name" "$(head -c 33 "$M/name/alpha-42/maps")" "0000000000400000-0000000000402000"
expect "info names alpha" "$(grep '10a000  cid 42' "$M/info")" \
"  10a000  cid 42  parent -  name alpha  owner-from cmdline  found: command line, scan: shares the kernel half, KPTI kernel copy, user copy at 10b000"
expect "on-demand DirBase" "$(ls "$M/dtb/3000")" "info
info.json
layout.svg
maps
pml4
pte
ptov
regions
vmem
vtop"
expect "on-demand found" "$(grep found "$M/dtb/3000/info")" "found: opened on demand"

# read-only, and unknown names
expect "touch" "$(touch "$M/x" 2>&1 | sed "s|$M/||")" "touch: cannot touch 'x': Read-only file system"
expect "write" "$( (echo hi > "$M/info") 2>&1 | sed 's/.*: //')" "Read-only file system"
expect "write vmem" "$( (printf x | dd of="$M/dtb/10a000/vmem" conv=notrunc status=none) 2>&1 | sed 's/.*: //')" "Read-only file system"
expect "mkdir" "$(mkdir "$M/d" 2>&1 | sed 's/.*: //')" "Read-only file system"
expect "rm" "$(rm -f "$M/info" 2>&1 | sed 's/.*: //')" "Read-only file system"
expect "unknown name" "$(cat "$M/nothing" 2>&1 | sed 's/.*: //')" "No such file or directory"
expect "uppercase dirbase" "$(ls "$M/dtb/10A000" 2>&1 | sed 's/.*: //')" "No such file or directory"
expect "zero entry" "$(ls "$M/dtb/10a000/pml4/1" 2>&1 | sed 's/.*: //')" "No such file or directory"
unmount_ptfs "$M"

# ---- the kernel's caches: a second walk sends no request ---------------------------
# With -d the daemon logs every request it gets.  A walk reads each directory
# with two READDIRPLUS (the entries with their attributes and ids, so no
# LOOKUP, then the empty end) and opens none (zero-message opendir: one
# OPENDIR answered ENOSYS per mount, no RELEASEDIR); a second walk is
# answered by the kernel's dentries, attributes and cached listings.
# Regions are listed without ids (a space may list 65 000): ls -l looks
# each up once.  find's own STATFS is left out.
# Another process dropping the kernel's caches (echo 3 > drop_caches, as
# benchmarks do) in between would make the kernel ask again: such a run is
# done over, up to three times.
log=$WORK/debug.log
# requests FROM TO: the requests logged between two line counts, by opcode
requests() {
	sed -n "$(($1 + 1)),$2p" "$log" | grep -o 'opcode: [A-Z_]*' | grep -v STATFS |
		sort | uniq -c | awk '{ print $3, $1 }'
}
drops() { awk '$1 == "drop_pagecache" || $1 == "drop_slab" { n += $2 } END { print n + 0 }' /proc/vmstat; }
for attempt in 1 2 3; do
	d0=$(drops)
	mount_ptfs "$M" -d "$WORK/linux-x64.elf" 2>"$log"
	ls -l "$M" >/dev/null # and the ENOSYS of ls's first GETXATTR, once per mount
	l0=$(wc -l <"$log")
	w1=$(find "$M/dtb/10a000" | wc -l)
	l1=$(wc -l <"$log")
	w2=$(find "$M/dtb/10a000" | wc -l)
	l2=$(wc -l <"$log")
	w3=$(ls -lR "$M/dtb/10a000" | wc -l)
	l3=$(wc -l <"$log")
	w4=$(ls -lR "$M/dtb/10a000" | wc -l)
	l4=$(wc -l <"$log")
	[[ $(drops) == "$d0" || $attempt == 3 ]] && break
	echo "note: the kernel's caches were dropped during the walks; again"
	unmount_ptfs "$M"
done
expect "walk 1" "$w1" "97"
expect "walk 2" "$w2" "97"
expect "walk 3, ls -lR" "$w3" "257"
expect "walk 4, ls -lR" "$w4" "257"
expect "walk 1: requests (its start directory looked up)" "$(requests "$l0" "$l1")" "LOOKUP 1
READDIRPLUS 108"
expect "walk 2: requests" "$(requests "$l1" "$l2")" ""
expect "walk 3: requests (the 4 regions)" "$(requests "$l2" "$l3")" "LOOKUP 4"
expect "walk 4: requests" "$(requests "$l3" "$l4")" ""
expect "one OPENDIR per mount" "$(grep -c 'opcode: OPENDIR' "$log")" "1"
# pte/<VA> is interned for as long as the kernel holds it; its text reads
expect "pte through the mount" "$(head -1 "$M/dtb/10a000/pte/603000")" \
	"                                           VA 0000000000603000"
unmount_ptfs "$M"

# ---- owners from a WinDbg listing (--processes) ------------------------------
cat > "$WORK/listing.txt" <<'EOF'
0: kd> !process 0 0
**** NT ACTIVE PROCESS DUMP ****
PROCESS ffffe00b2a8a4040
    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000
    DirBase: 0010a000  ObjectTable: ffffc2078a404040  HandleCount: 2883.
    Image: System

PROCESS ffffe00b2c5c5080
    SessionId: 1  Cid: 0188    Peb: 1a0ab63000  ParentCid: 0004
    DirBase: 00118002  ObjectTable: ffffc2078ae9b040  HandleCount:  53.
    Image: Memory Compression
EOF
mount_ptfs "$M" --processes "$WORK/listing.txt" "$WORK/linux-x64.elf"
expect "listing: ls proc" "$(ls "$M/proc")" "392
4"
expect "listing: name links" "$(cd "$M/name" && for f in *; do echo "$f -> $(readlink "$f")"; done)" \
"Memory Compression-392 -> ../proc/392
System-4 -> ../proc/4"
expect "listing: owner info" "$(grep -E '^(cid|parent|name|owner-from|owner-object):' "$M/name/Memory Compression-392/info")" \
"cid: 392
parent: 4
name: Memory Compression
owner-from: listing
owner-object: ffffe00b2c5c5080"
unmount_ptfs "$M"
expect "listing: bad listing refused" "$("$PTFS" --processes /dev/null "$WORK/linux-x64.elf" "$M" 2>&1; echo "exit $?")" \
"ptfs: --processes /dev/null: process listing: no PROCESS blocks (want the text of WinDbg's !process 0 0)
exit 2"

# ---- raw and ELF of the same memory give the same spaces and maps --------------
R=$WORK/r
E=$WORK/e
mount_ptfs "$R" "$WORK/linux-x64.raw"
mount_ptfs "$E" "$WORK/linux-x64.elf"
expect "raw/elf spaces" "$(ls "$R/dtb")" "$(ls "$E/dtb")"
for d in $(ls "$E/dtb"); do
	expect "raw/elf maps $d" "$(cat "$R/dtb/$d/maps")" "$(cat "$E/dtb/$d/maps")"
done
expect "raw/elf phys" "$(sha256sum < "$R/phys")" "$(sha256sum < "$E/phys")"
unmount_ptfs "$R"
unmount_ptfs "$E"

# ---- the other modes -------------------------------------------------------------
mount_ptfs "$M" "$WORK/linux-pae.elf"
expect "pae spaces" "$(ls "$M/dtb" | tr '\n' ' ')" "100000 104000 105000 10e000 10f000 "
expect "pae top" "$(ls "$M/dtb/104000")" "info
info.json
layout.svg
maps
pdpt
pte
ptov
regions
vmem
vtop"
expect "pae pdpt" "$(ls "$M/dtb/104000/pdpt" | tr '\n' ' ')" "0 2 3 "
expect "pae vmem size" "$(stat -c %s "$M/dtb/104000/vmem")" "4294967296"
expect "pae 2M entry" "$(grep -E '^(level|pfn|flags|page)' "$M/dtb/104000/pdpt/2/pd/445/entry")" "level: PDE
pfn: 400
flags: --LDA--UW-V
page: 2M"
expect "pae marker" "$(dd if="$M/dtb/104000/vmem" bs=1 skip=$((0xb7a00000)) count=28 status=none)" "PTFS-SAMPLE delta va=0xb7a00"
# vmem reports its mapped bytes as its blocks (five 2 MiB and three 4 KiB
# pages), so cp and tar look for holes, and find them with SEEK_HOLE
expect "vmem blocks" "$(stat -c %b "$M/dtb/104000/vmem")" "$(((5 * 2097152 + 3 * 4096) / 512))"
cp --sparse=always "$M/dtb/104000/vmem" "$WORK/vmem.copy"
expect "cp --sparse size" "$(stat -c %s "$WORK/vmem.copy")" "4294967296"
expect "cp --sparse bytes" "$(dd if="$WORK/vmem.copy" bs=4096 skip=$((0xb7a00)) count=512 status=none | sha256sum)" \
	"$(sha256sum < "$M/dtb/104000/regions/b7a00000-b7c00000")"
expect "cp --sparse holes" "$(($(du -k "$WORK/vmem.copy" | cut -f1) < 16384))" "1"
tar --sparse -cf "$WORK/vmem.tar" -C "$M/dtb/104000" vmem
expect "tar --sparse" "$(($(stat -c %s "$WORK/vmem.tar") < 16 * 1048576))" "1"
expect "pae kernel regions" "$(ls "$M/dtb/100000/regions" | tr '\n' ' ')" "c0000000-c0800000 ff800000-ff801000 "
expect "pae regions" "$(ls "$M/dtb/104000/regions" | tr '\n' ' ')" \
	"08048000-08049000 b7a00000-b7c00000 bfff0000-bfff1000 "
unmount_ptfs "$M"

mount_ptfs "$M" "$WORK/windows-x86.elf"
expect "x86 top" "$(ls "$M/dtb/100000" | tr '\n' ' ')" "info info.json layout.svg maps pd pte ptov regions vmem vtop "
expect "x86 pd" "$(ls "$M/dtb/100000/pd" | sort -n | tr '\n' ' ')" "1 511 512 513 514 768 "
expect "x86 selfmap" "$(grep selfmap "$M/dtb/100000/info")" "selfmap: 0x300 (PTEs at c0000000)"
expect "x86 4M entry" "$(grep -E '^(contains|pfn|flags)' "$M/dtb/100000/pd/513/entry")" "contains: 004020e3
pfn: 100400
flags: -LDA--KWV"
unmount_ptfs "$M"

mount_ptfs "$M" "$WORK/windows-x64.raw"
expect "win selfmap" "$(grep selfmap "$M/dtb/105000/info")" "selfmap: 0x1ed (PTEs at fffff68000000000)"
expect "win PML4 at its self-map VA" "$(dd if="$M/dtb/105000/vmem" bs=8 skip=$(((0xf6fb7dbed000 + 0x1ed * 8) / 8)) count=1 status=none | od -An -tx8 | tr -d ' ')" \
"8000000000105063"
expect "non-present entry" "$(ls "$M/dtb/105000/pml4/255/pdpt/472/pd/145/pt/321")" "entry"
expect "non-present flags" "$(grep -E '^(pfn|flags)' "$M/dtb/105000/pml4/255/pdpt/472/pd/145/pt/321/entry")" "pfn: -
flags: ---DAN-KRE-"
unmount_ptfs "$M"

mount_ptfs "$M" "$WORK/linux-la57.elf"
expect "la57 top" "$(ls "$M/dtb/10f000" | tr '\n' ' ')" "info info.json layout.svg maps pml5 pte ptov regions vmem vtop "
expect "la57 vmem size" "$(stat -c %s "$M/dtb/10f000/vmem")" "144115188075855872"
expect "la57 marker" "$(dd if="$M/dtb/10f000/vmem" bs=4096 skip=$((0x00ff000000001000 / 4096)) count=1 status=none | head -c 36)" \
"PTFS-SAMPLE golf va=0xff000000001000"
unmount_ptfs "$M"

# ---- a root-only dump stays root-only: nodes take the dump's read bits ------------
cp "$WORK/linux-x64.raw" "$WORK/private.raw"
chmod 600 "$WORK/private.raw"
mount_ptfs "$M" "$WORK/private.raw"
expect "private modes" "$(stat -c '%A' "$M/info" "$M/dtb" "$M/dtb/10a000/vmem")" "-r--------
dr-x------
-r--------"
unmount_ptfs "$M"

# ---- bad input: a clear message, a non-zero exit, nothing mounted -----------------
bad() {
	local name=$1 want=$2
	shift 2
	local out rc=0
	out=$("$PTFS" -f "$@" "$M" 2>&1) || rc=$?
	if [[ $rc != 0 && "$out" == *"$want"* ]] && ! mountpoint -q "$M"; then
		echo "ok   $name (exit $rc: $out)"
	else
		echo "FAIL $name: exit $rc, output: $out"
		FAILED=1
	fi
}
: > "$WORK/empty"
head -c 100000 "$WORK/linux-x64.elf" > "$WORK/cut.elf"
head -c 100 "$WORK/linux-x64.elf" > "$WORK/headers.elf"
bad "empty dump" "is empty" "$WORK/empty"
bad "missing dump" "cannot open" "$WORK/nope"
bad "truncated ELF" "truncated dump?" "$WORK/cut.elf"
bad "ELF headers only" "program header" "$WORK/headers.elf"
bad "unknown mode" "unknown --mode 'arm'" --mode arm "$WORK/linux-x64.raw"
bad "DirBase outside" "lies outside the dump" --dirbase 0x40000000 "$WORK/linux-x64.raw"
bad "bad DirBase" "not a hexadecimal address" --dirbase xyz "$WORK/linux-x64.raw"
bad "bad process" "want CID:DIRBASE" --process 12 "$WORK/linux-x64.raw"
bad "phys-base on an ELF" "a physical base (--phys-base 0x40000000) applies to raw images only; this is an ELF core" \
	--phys-base 40000000 "$WORK/linux-x64.elf"
bad "unaligned phys-base" "(--phys-base 0x40000800) is not 4 KiB-aligned" --phys-base 0x40000800 "$WORK/linux-x64.raw"
bad "bad phys-base" "--phys-base: 'x1' is not a hexadecimal address" --phys-base x1 "$WORK/linux-x64.raw"
out=$("$PTFS" "$WORK/linux-x64.raw" 2>&1) && rc=0 || rc=$?
expect "no mountpoint" "$rc $(head -1 <<< "$out")" "2 usage: ptfs [options] DUMP MOUNTPOINT"

# ---- a Windows bitmap crash dump: the EPROCESS list names the spaces ---------------
"$MKDUMP" win10-x64-bitmap dmp "$WORK/win10.dmp"
mount_ptfs "$M" "$WORK/win10.dmp"
expect "windows: ls proc" "$(ls "$M/proc" | sort -n | tr '\n' ' ')" \
"4 348 452 524 664 672 792 2316 4320 5012 "
expect "windows: proc/4" "$(readlink "$M/proc/4")" "../dtb/100000"
expect "windows: csrss and its user copy" \
"$(grep -h -E '^(cid|parent|name|owner-from):' "$M/dtb/118000/info" "$M/dtb/11d000/info")" \
"cid: 452
parent: 440
name: csrss.exe
owner-from: eprocess-list
cid: 452
parent: 440
name: csrss.exe
owner-from: eprocess-list"
expect "windows: info" "$(grep -E '^(format|windows|owners):' "$M/info")" \
"format: windows64
windows: DumpType 5 (complete bitmap), DirectoryTableBase 100002, PsActiveProcessHead fffff8031261e2a0, PsLoadedModuleList fffff8031261e160, KdDebuggerDataBlock fffff8031261e5a0, PfnDatabase fffffa8000000000, BugCheck 0x000000e2, processors 2
owners: EPROCESS list: 10 processes (ActiveProcessLinks +0x448, UniqueProcessId +0x440, ImageFileName +0x5a8, InheritedFromUniqueProcessId +0x540, UserDirectoryTableBase +0x388)"
unmount_ptfs "$M"

# A daemon told to stop (SIGTERM, as systemd and kill stop it) unmounts and
# exits 0.
mkdir -p "$WORK/t"
"$PTFS" -f "$WORK/linux-x64.elf" "$WORK/t" &
tpid=$!
for _ in $(seq 100); do mountpoint -q "$WORK/t" && break; sleep 0.05; done
kill -TERM "$tpid"
wait "$tpid"
expect "SIGTERM: exit status" "$?" "0"
expect "SIGTERM: unmounted" "$(mountpoint -q "$WORK/t" && echo mounted || echo unmounted)" "unmounted"

# --version: meson.build's version, the one source.
want=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$(dirname "$0")/../meson.build")
expect "ptfs --version" "$("$PTFS" --version | sed 's/ (FUSE library [0-9.]*)$//')" "ptfs $want"

finish
