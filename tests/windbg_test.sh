#!/usr/bin/env bash
# windbg_test.sh — WinDbg's !pte, !vtop and !ptov (and maps) for every paging
# mode, through the command-line tool and through the mount: both must give
# exactly tests/expected/<name>.txt for every case of windbg_cases.txt.
# Then the rest of ptwalk's commands, and its errors.
#
#   tests/windbg_test.sh PTFS PTWALK MKDUMP [--update]
#
# --update rewrites the expected files from ptwalk's output (then read every
# one of them before committing: they are the specification).
PTFS=$1
PTWALK=$2
MKDUMP=$3
UPDATE=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
EXPECTED=$HERE/expected
. "$HERE/lib.sh"

# Each scenario's dump: its ELF core; the AArch64 ones' LiME capture (they
# have no ELF form yet).
dump_of() {
	case $1 in
	arm64-*) echo "$WORK/$1.lime" ;;
	*) echo "$WORK/$1.elf" ;;
	esac
}
for s in $("$MKDUMP" --list); do
	f=$(dump_of "$s")
	"$MKDUMP" "$s" "${f##*.}" "$f"
done

# The file of the mount that holds the same text as the case, or nothing.
mount_path() { # DIRBASE COMMAND ARGS...
	local d=$1 cmd=$2
	shift 2
	case $cmd in
	pte) if [[ $# == 1 ]]; then echo "dtb/$d/pte/$1"; elif [[ $2 == 1 ]]; then echo "dtb/$d/pte/$1,1"; fi ;;
	vtop) echo "dtb/$1/vtop/$2" ;;
	ptov) echo "dtb/$1/ptov" ;;
	maps) echo "dtb/$1/maps" ;;
	esac
}

# Every scenario mounted once, here in the test's own shell.
declare -A MOUNTED=()
if [[ $UPDATE != --update ]]; then
	for s in $("$MKDUMP" --list); do
		mount_ptfs "$WORK/m-$s" "$(dump_of "$s")"
		MOUNTED[$s]=$WORK/m-$s
	done
fi

n=0
while IFS='|' read -r name scenario dirbase command; do
	name=$(echo $name)
	[[ -z $name || $name == \#* ]] && continue
	scenario=$(echo $scenario)
	dirbase=$(echo $dirbase)
	read -r -a words <<< "$command"
	if [[ ${words[0]} == pte ]]; then
		got=$("$PTWALK" --dirbase "$dirbase" "$(dump_of "$scenario")" "${words[@]}" 2> /dev/null) || true
	else
		got=$("$PTWALK" "$(dump_of "$scenario")" "${words[@]}" 2> /dev/null) || true
	fi
	file=$EXPECTED/$name.txt
	if [[ $UPDATE == --update ]]; then
		printf '%s\n' "$got" > "$file"
		continue
	fi
	n=$((n + 1))
	if [[ ! -f $file ]]; then
		echo "FAIL $name: no $file"
		FAILED=1
		continue
	fi
	expect "$name (ptwalk)" "$got" "$(cat "$file")"
	path=$(mount_path "$dirbase" "${words[@]}")
	if [[ -n $path ]]; then
		m=${MOUNTED[$scenario]}
		expect "$name (mount: $path)" "$(cat "$m/$path")" "$(cat "$file")"
		expect "$name (stat size)" "$(stat -c %s "$m/$path")" "$(wc -c < "$m/$path")"
	fi
done < "$HERE/windbg_cases.txt"
[[ $UPDATE == --update ]] && { echo "expected files rewritten: read them"; exit 0; }
echo "$n cases compared"

# ---- the other commands --------------------------------------------------------
X=$WORK/linux-x64.elf
expect "ps" "$("$PTWALK" "$X" ps)" \
"CID      PARENT   DIRBASE          MODE  NAME             OWNER-FROM    FOUND
-        -        100000           x64   -                -             VMCOREINFO (kernel page table), scan: shares the kernel half
-        -        10a000           x64   -                -             scan: shares the kernel half, KPTI kernel copy, user copy at 10b000
-        -        10b000           x64   -                -             CR3 of vCPU 0, KPTI user copy, kernel copy at 10a000
-        -        118000           x64   -                -             scan: shares the kernel half, KPTI kernel copy, user copy at 119000
-        -        119000           x64   -                -             KPTI user copy, kernel copy at 118000"
# The user copy of a KPTI pair belongs to its kernel copy's owner.
expect "ps --process" "$("$PTWALK" --process 42:10a000:alpha "$X" ps | grep '^42 ')" \
"42       -        10a000           x64   alpha            cmdline       command line, scan: shares the kernel half, KPTI kernel copy, user copy at 10b000
42       -        10b000           x64   alpha            cmdline       CR3 of vCPU 0, KPTI user copy, kernel copy at 10a000"
m=${MOUNTED[linux-x64]}
expect "info = /info" "$("$PTWALK" "$X" info | grep -v '^scan: ')" "$(grep -v '^scan: ' "$m/info")"
expect "read" "$("$PTWALK" "$X" read 10a000 600000 29)" "PTFS-SAMPLE alpha va=0x600000"
expect "read = vmem" "$("$PTWALK" "$X" read 10a000 601ff0 32 | od -An -v -tx1)" \
	"$(dd if="$m/dtb/10a000/vmem" bs=1 skip=$((0x601ff0)) count=32 status=none | od -An -v -tx1)"
expect "read upper half" "$("$PTWALK" "$X" read 10a000 ffffffff81000000 23)" "PTFS-SAMPLE kernel text"
expect "read unmapped" "$("$PTWALK" "$X" read 10a000 700000 4096 | tr -d '\0' | wc -c)" "0"
expect "phys" "$("$PTWALK" "$X" phys 0x320000 29)" "PTFS-SAMPLE alpha va=0x600000"
expect "phys hole" "$("$PTWALK" "$X" phys 7ffff0 32 | od -An -v -tx1 | tr -d ' \n')" \
	"$(printf '%064d' 0)"
# The vCPU's CR3 is a KPTI user copy: the default is its kernel copy, which
# maps the kernel too (as WinDbg and crash translate kernel addresses).
expect "default space on stderr" "$("$PTWALK" "$X" pte 603abc 2>&1 > /dev/null)" \
	"ptwalk: using DirBase 10a000 (the kernel copy of the KPTI pair whose user copy 10b000 is the CR3 of vCPU 0 in the dump)"
expect "vtop 0 = default" "$("$PTWALK" "$X" vtop 0 603abc 2> /dev/null)" \
	"$("$PTWALK" "$X" vtop 10a000 603abc)"
expect "vtop 0 of a kernel VA" "$("$PTWALK" "$X" vtop 0 ffff888000123000 2> /dev/null | tail -1)" \
	"Virtual address ffff888000123000 translates to physical address 123000."

# errors: a message naming the problem, exit 1 (2 for usage), nothing on stdout
bad() { # NAME WANT-IN-STDERR WANT-EXIT ARGS...
	local name=$1 want=$2 code=$3
	shift 3
	local out err rc=0
	out=$("$PTWALK" "$@" 2> "$WORK/err") || rc=$?
	err=$(cat "$WORK/err")
	if [[ $rc == "$code" && -z $out && $err == *"$want"* ]]; then
		echo "ok   $name ($(head -1 <<< "$err"))"
	else
		echo "FAIL $name: exit $rc, stdout '$out', stderr '$err'"
		FAILED=1
	fi
}
bad "range limit" "more than 65536 pages: narrow it, or add --all" 1 --dirbase 10a000 "$X" pte 0 100000000
bad "non-canonical" "not a canonical address" 1 --dirbase 10a000 "$X" pte 800000000000
bad "range backwards" "pte 603000 2: the range's end 2 lies below its start 603000 (an entry at a literal address is pte ADDR 1)" 1 --dirbase 10a000 "$X" pte 603000 2
# pte ADDR 1 (the literal form): what is wrong with ADDR
W=$WORK/windows-x64.elf
bad "literal unaligned" "pte 10f01c 1: 10f01c is not 8-byte aligned, as an entry's address is" 1 --dirbase 10a000 "$X" pte 10f01c 1
bad "literal outside the dump" "pte 7fffff8 1: 7fffff8 is unreadable: physical address outside the dump (no self-map: the address is physical)" 1 --dirbase 10a000 "$X" pte 7fffff8 1
bad "literal outside the window" "pte 10000 1: 10000 is not in the page tables' self-map window FFFFF68000000000-FFFFF6FFFFFFFFFF" 1 --dirbase 105000 "$W" pte 10000 1
bad "literal unmapped" "pte fffff6fb7c000000 1: fffff6fb7c000000 is not mapped: no table of the space is there" 1 --dirbase 105000 "$W" pte fffff6fb7c000000 1
bad "literal x86 unaligned" "pte c0001006 1: c0001006 is not 4-byte aligned, as an entry's address is" 1 --dirbase 100000 "$WORK/windows-x86.elf" pte c0001006 1
# through the mount, the file's text says the same; only ",1" is the form
m=${MOUNTED[linux-x64]}
expect "literal error in the mount" "$(cat "$m/dtb/10a000/pte/10f01c,1")" "10f01c is not 8-byte aligned, as an entry's address is"
expect "literal ,2 is no name" "$(cat "$m/dtb/10a000/pte/10f018,2" 2>&1 | sed 's/.*: //')" "No such file or directory"
bad "range end non-canonical" "pte 603000 800000000000: 800000000000 is not a canonical address" 1 --dirbase 10a000 "$X" pte 603000 800000000000
bad "bad address" "'xyz' is not a hexadecimal address" 1 "$X" vtop 10a000 xyz
bad "bad dirbase" "DirBase 0x10a800 is not where a x86-64 4-level top table can start" 1 "$X" vtop 10a800 1000
bad "dirbase outside" "lies outside the dump" 1 "$X" ptov 7000000
bad "unknown command" "unknown command 'frob'" 1 "$X" frob
bad "option after DUMP" "'--json' after DUMP: options go before DUMP (ptwalk [options] DUMP COMMAND)" 1 "$X" --json maps 10a000
bad "missing args" "vtop takes DIRBASE VA" 1 "$X" vtop 10a000
bad "read past end" "run past the end of the address space" 1 "$X" read 10a000 ffffffffffffff00 512
bad "no dump" "cannot open" 1 "$WORK/nothing" ps
bad "usage" "usage: ptwalk" 2 "$X"
bad "bad mode" "unknown --mode 'arm'" 1 --mode arm "$X" ps
bad "bad os" "unknown --os 'bsd'" 1 --os bsd "$X" ps
"$MKDUMP" linux-x64 raw "$WORK/linux-x64.raw"

# --phys-base: the raw image's first byte at that physical address, a hole
# below it; refused for a format that places its memory itself
R=$WORK/linux-x64.raw
expect "phys-base: ranges" "$("$PTWALK" --no-scan --phys-base 0x40000000 "$R" info | grep -A1 '^phys-ranges:')" \
"phys-ranges: 1
  0000000040000000-$(printf '%016x' $((0x40000000 + $(stat -c %s "$R"))))  $("$PTWALK" --no-scan "$R" info | sed -n 's/^  0000000000000000-[0-9a-f]*  //p')"
expect "phys-base: bytes at base + offset" \
	"$("$PTWALK" --no-scan --phys-base=40000000 "$R" phys 4010a000 4096 | sha256sum)" \
	"$(dd if="$R" bs=4096 skip=$((0x10a)) count=1 status=none | sha256sum)"
expect "phys-base: a hole below" \
	"$("$PTWALK" --no-scan --phys-base 40000000 "$R" phys 3ffff000 4096 | tr -d '\0' | wc -c)" "0"
bad "phys-base on an ELF" "applies to raw images only; this is an ELF core" 1 --phys-base 40000000 "$X" info
bad "phys-base past 2^52" "puts the image's end past 2^52" 1 --phys-base fffffffffff00000 "$R" info
bad "no default space" "5 address spaces and no CR3 in the dump: choose one with --dirbase" 1 \
	"$WORK/linux-x64.raw" pte 1000
expect "--all lifts the limit" "$("$PTWALK" --all --dirbase 10a000 "$X" pte 0 10000000 | grep -c '^ *VA ')" "65537"

for s in "${!MOUNTED[@]}"; do
	unmount_ptfs "${MOUNTED[$s]}"
done
want=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$HERE/../meson.build")
expect "ptwalk --version" "$("$PTWALK" --version)" "ptwalk $want"

finish
