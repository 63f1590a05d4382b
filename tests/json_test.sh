#!/usr/bin/env bash
# json_test.sh — the JSON forms (ptwalk --json, /info.json, /dtb/<x>/info.json)
# say what the texts say: every form parses (python3's json, and jq), each
# line of a JSON Lines form on its own, and tests/json_check.py compares
# each with its text field by field; known entries give exact values.
# Generated dumps of three kinds (Linux x86-64, Windows x86-64, AArch64),
# and one real dump when ../shared/dumps is there.
#
#   tests/json_test.sh PTFS PTWALK MKDUMP CACHE_DIR
PTFS=$1
PTWALK=$2
MKDUMP=$3
CACHE=$4
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

for tool in python3 jq; do
	command -v "$tool" > /dev/null ||
		{ echo "FAIL: $tool is needed (tests/install-deps.sh --test)"; exit 1; }
done
CHECK=$HERE/json_check.py

# compare LABEL KIND WANT PTWALK-ARGS...: the command with and without
# --json; jq reads the JSON, json_check.py KIND compares it with the text
# and must print WANT.
compare() {
	local label=$1 kind=$2 want=$3
	shift 3
	local f=$WORK/${label//[^a-zA-Z0-9-]/_}
	"$PTWALK" "$@" > "$f.txt" 2> /dev/null || true
	"$PTWALK" --json "$@" > "$f.json" 2> "$f.err" || true
	expect "$label: jq" "$(jq -c 'type' < "$f.json" | sort | uniq -c | sed 's/^ *//')" \
		"$(wc -l < "$f.json") \"object\""
	expect "$label" "$(python3 "$CHECK" "$kind" "$f.txt" "$f.json" 2>&1)" "$want"
	LAST=$f.json
}

# The mount's info.json files: /info.json is ptwalk --json info byte for
# byte (but the scan's time, measured by each run), and a space's
# info.json says what its info says.
check_mount() { # LABEL DUMP DIRBASE
	local label=$1 dump=$2 d=$3
	mount_ptfs "$WORK/m" "$dump"
	"$PTWALK" --json "$dump" info > "$WORK/info.json" 2> /dev/null
	expect "$label: /info.json = ptwalk --json info" \
		"$(cmp <(sed 's/"seconds":[0-9.]*/"seconds":_/' "$WORK/m/info.json") \
		       <(sed 's/"seconds":[0-9.]*/"seconds":_/' "$WORK/info.json") && echo same)" "same"
	expect "$label: /info.json size" "$(stat -c %s "$WORK/m/info.json")" \
		"$(wc -c < "$WORK/m/info.json")"
	expect "$label: /info.json = /info" \
		"$(python3 "$CHECK" info "$WORK/m/info" "$WORK/m/info.json" 2>&1)" \
		"$(python3 "$CHECK" info "$WORK/m/info" "$WORK/info.json" 2>&1)"
	expect "$label: dtb/$d/info.json = info" \
		"$(python3 "$CHECK" space-info "$WORK/m/dtb/$d/info" "$WORK/m/dtb/$d/info.json" 2>&1)" \
		"$SPACE_WANT"
	expect "$label: dtb/$d/info.json size" "$(stat -c %s "$WORK/m/dtb/$d/info.json")" \
		"$(wc -c < "$WORK/m/dtb/$d/info.json")"
	unmount_ptfs "$WORK/m"
}

# ---- Linux x86-64: no self-map, 2M and 1G pages, PROT_NONE, swap -------------------
LX=$WORK/linux-x64.elf
"$MKDUMP" linux-x64 elf "$LX"
compare "lx info" info "5 spaces, 1 ranges equal" "$LX" info
compare "lx ps" ps "5 spaces equal" "$LX" ps
compare "lx maps" maps "10 runs equal" "$LX" maps 10a000
compare "lx ptov" ptov "15 pages equal" "$LX" ptov 10a000
compare "lx pte 4k" pte "4 entries in the text" --dirbase 10a000 "$LX" pte 603abc
expect "lx pte 4k: values" "$(jq -r '.entries[3] | "\(.pfn) \(.flags) \(.contains) \(.address) \(.software)"' "$LAST")" \
	"0x322 ---DA--UW-V 0x8000000000322867 0x10f018 soft-dirty"
expect "lx pte 4k: outcome" "$(jq -c '{status, pa, page_size, selfmap}' "$LAST")" \
	'{"status":"mapped","pa":"0x322abc","page_size":4096,"selfmap":false}'
compare "lx pte 2m" pte "3 entries in the text" --dirbase 10a000 "$LX" pte 7f0000001234
compare "lx pte protnone" pte "4 entries in the text" --dirbase 10a000 "$LX" pte 604000
expect "lx pte protnone: decoded" "$(jq -c '.entries[3].nonpresent' "$LAST")" \
	'{"kind":"protnone","os":"linux","pfn":"0x324"}'
compare "lx pte swap" pte "4 entries in the text" --dirbase 10a000 "$LX" pte 605000
expect "lx pte swap: decoded" "$(jq -c '.entries[3].nonpresent' "$LAST")" \
	'{"kind":"swap","os":"linux","swap_type":1,"offset":"0x1f3"}'
compare "lx pte range" pte-range "3 blocks, 12 entries in the text" --dirbase 10a000 "$LX" pte 601000 603000
expect "lx pte range: VAs" "$(jq -r .va "$LAST" | tr '\n' ' ')" "0x601000 0x602000 0x603000 "
compare "lx vtop 1g" vtop "2 steps, pa 0x12345678" "$LX" vtop 10a000 ffff888012345678
compare "lx vtop unmapped" vtop "3 steps, not-present" "$LX" vtop 10a000 200000
# pte ADDR 1 without a self-map: ADDR is physical
compare "lx pte literal" pte-literal "pa 0x8000000000322867: 2 decodings equal" --dirbase 10a000 "$LX" pte 10f018 1
expect "lx pte literal: values" "$(jq -c '[.query, .address_kind, .selfmap, .entry_pa, .contains]' "$LAST")" \
	'["0x10f018","pa",false,"0x10f018","0x8000000000322867"]'
expect "lx pte literal: as_pde" "$(jq -c .as_pde "$LAST")" \
	'{"level":"PDE","windbg":"PDE","entry_pa":"0x10f018","address":"0x10f018","contains":"0x8000000000322867","valid":true,"pfn":"0x322","flags":"---DA--UW-V","leaf":false}'
expect "lx pte literal: as_pte" "$(jq -c .as_pte "$LAST")" \
	'{"level":"PTE","windbg":"PTE","entry_pa":"0x10f018","address":"0x10f018","contains":"0x8000000000322867","valid":true,"pfn":"0x322","flags":"---DA--UW-V","leaf":true,"page_size":4096,"software":"soft-dirty"}'
compare "lx pte literal swap" pte-literal "pa 0xffffffffffc1800: 2 decodings equal" --dirbase 10a000 "$LX" pte 10f028 1
expect "lx pte literal swap: decoded" "$(jq -c '[.as_pte.valid, .as_pte.pfn, .as_pte.nonpresent]' "$LAST")" \
	'[false,null,{"kind":"swap","os":"linux","swap_type":1,"offset":"0x1f3"}]'
SPACE_WANT="15 pages, 17 tables equal"
check_mount lx "$LX" 10a000

# ---- names: any byte, escaped --------------------------------------------------------
name=$'q"\\\x01\xff\xc3\xa9 z'
expect "name escaped" \
	"$("$PTWALK" --json --process 42:10a000:"$name" "$LX" ps 2> /dev/null | grep -o '"name":"[^,]*,"mode"' | sed -n 1p)" \
	'"name":"q\"\\\u0001\u00ffé z","mode"'
expect "name read back" \
	"$("$PTWALK" --json --process 42:10a000:"$name" "$LX" ps 2> /dev/null |
	   python3 -c 'import json,sys; print(ascii([json.loads(l)["name"] for l in sys.stdin][1]))')" \
	"'q\"\\\\\\x01\\xff\\xe9 z'"

# ---- errors: text on stderr, nothing on stdout, non-zero -------------------------------
err() { # ARGS...: "exit N: stderr | stdout bytes"
	local out rc=0
	out=$("$PTWALK" --json "$@" 2> "$WORK/err") || rc=$?
	echo "exit $rc: $(cat "$WORK/err") | ${#out}"
}
expect "error: bad VA" "$(err --dirbase 10a000 "$LX" pte 8000000000000000)" \
	"exit 1: ptwalk: not a canonical address: 8000000000000000 | 0"
expect "error: bad range" "$(err --dirbase 10a000 "$LX" pte 603000 601000)" \
	"exit 1: ptwalk: pte 603000 601000: the range's end 601000 lies below its start 603000 (an entry at a literal address is pte ADDR 1) | 0"
# pte ADDR 1: what is wrong with ADDR, as the text says it
expect "error: literal unaligned" "$(err --dirbase 10a000 "$LX" pte 10f01c 1)" \
	"exit 1: ptwalk: pte 10f01c 1: 10f01c is not 8-byte aligned, as an entry's address is | 0"
expect "error: literal outside the dump" "$(err --dirbase 10a000 "$LX" pte 7fffff8 1)" \
	"exit 1: ptwalk: pte 7fffff8 1: 7fffff8 is unreadable: physical address outside the dump (no self-map: the address is physical) | 0"
expect "error: vtop" "$(err "$LX" vtop 10a000 8000000000000000)" \
	"exit 1: ptwalk: 8000000000000000 is not a x86-64 4-level address | 0"
expect "error: read" "$(err "$LX" read 10a000 400000 16)" \
	"exit 1: ptwalk: read has no --json form (only info, ps, vms, pte, vtop, ptov, maps) | 0"

# ---- Windows x86-64: a self-map, large pages, the non-present kinds --------------------
WX=$WORK/windows-x64.elf
"$MKDUMP" windows-x64 elf "$WX"
compare "win info" info "2 spaces, 1 ranges equal" "$WX" info
compare "win maps" maps "21 runs equal" "$WX" maps 105000
compare "win ptov" ptov "21 pages equal" "$WX" ptov 105000
compare "win pte 4k" pte "4 entries in the text" --dirbase 105000 "$WX" pte 10000
expect "win pte 4k: values" "$(jq -r '.entries[3] | "\(.windbg) \(.address) \(.pfn) \(.flags) \(.contains)"' "$LAST")" \
	"PTE 0xfffff68000000080 0x310 C--DA--UW-V 0x8000000000310267"
compare "win pte 2m" pte "3 entries in the text" --dirbase 105000 "$WX" pte fffff80000123456
expect "win pte 2m: large" "$(jq -c '{pfn, page_size, large_page, unread: [.entries[] | select(.read == false) | .address]}' "$LAST")" \
	'{"pfn":"0x323","page_size":2097152,"large_page":true,"unread":["0xfffff6fc00000918"]}'
compare "win pte transition" pte "4 entries in the text" --dirbase 105000 "$WX" pte 7ff612342000
expect "win pte transition: decoded" "$(jq -c '.entries[3].nonpresent' "$LAST")" \
	'{"kind":"transition","os":"windows","pfn":"0x312","write":true,"protect":"4 - ReadWrite"}'
compare "win pte pagefile" pte "4 entries in the text" --dirbase 105000 "$WX" pte 7ff612341000
expect "win pte pagefile: decoded" "$(jq -c '.entries[3].nonpresent' "$LAST")" \
	'{"kind":"pagefile","os":"windows","pagefile":2,"offset":"0xdef3","protect":"3 - ExecuteRead"}'
compare "win pte of pde" pte "3 entries in the text" --dirbase 105000 "$WX" pte fffff6fb40000000
expect "win pte of pde" "$(jq -c '{va, query, last_level}' "$LAST")" \
	'{"va":"0x0","query":"0xfffff6fb40000000","last_level":"PDE"}'
# pte ADDR 1 with a self-map: ADDR is a VA in its window
compare "win pte literal" pte-literal "va 0x8000000000310267: 2 decodings equal" --dirbase 105000 "$WX" pte fffff68000000080 1
expect "win pte literal: values" "$(jq -c '[.query, .address_kind, .selfmap, .entry_pa, .contains]' "$LAST")" \
	'["0xfffff68000000080","va",true,"0x108080","0x8000000000310267"]'
expect "win pte literal: as_pde" "$(jq -c .as_pde "$LAST")" \
	'{"level":"PDE","windbg":"PDE","entry_pa":"0x108080","address":"0xfffff68000000080","contains":"0x8000000000310267","valid":true,"pfn":"0x310","flags":"C--DA--UW-V","leaf":false}'
expect "win pte literal: as_pte" "$(jq -c .as_pte "$LAST")" \
	'{"level":"PTE","windbg":"PTE","entry_pa":"0x108080","address":"0xfffff68000000080","contains":"0x8000000000310267","valid":true,"pfn":"0x310","flags":"C--DA--UW-V","leaf":true,"page_size":4096}'
compare "win pte literal pde" pte-literal "va 0x2001e1: 2 decodings equal" --dirbase 105000 "$WX" pte fffff6fb7e000000 1
expect "win pte literal pde: large" "$(jq -c '[.as_pde.flags, .as_pde.leaf, .as_pde.page_size, .as_pte.flags, .as_pte.page_size]' "$LAST")" \
	'["-GLDA--KREV",true,2097152,"-G-DA--KREV",4096]'
compare "win pte literal pagefile" pte-literal "va 0xdef300002070: 2 decodings equal" --dirbase 105000 "$WX" pte fffff6bffb091a08 1
expect "win pte literal pagefile: decoded" "$(jq -c .as_pte.nonpresent "$LAST")" \
	'{"kind":"pagefile","os":"windows","pagefile":2,"offset":"0xdef3","protect":"3 - ExecuteRead"}'
expect "win error: literal outside the window" "$(err --dirbase 105000 "$WX" pte 10000 1)" \
	"exit 1: ptwalk: pte 10000 1: 10000 is not in the page tables' self-map window FFFFF68000000000-FFFFF6FFFFFFFFFF | 0"
expect "win error: literal unmapped" "$(err --dirbase 105000 "$WX" pte fffff6fb7c000000 1)" \
	"exit 1: ptwalk: pte fffff6fb7c000000 1: fffff6fb7c000000 is not mapped: no table of the space is there | 0"
compare "win vtop transition" vtop "4 steps, pa 0x312abc" "$WX" vtop 105000 7ff612342abc
SPACE_WANT="21 pages, 25 tables equal"
check_mount win "$WX" 105000

# ---- 32-bit Windows: pte ADDR 1 in PAE's and x86's self-maps -----------------------
PX=$WORK/windows-pae.elf
"$MKDUMP" windows-pae elf "$PX"
compare "pae pte literal" pte-literal "va 0x105027: 2 decodings equal" --dirbase 100020 "$PX" pte c0600000 1
expect "pae pte literal: values" "$(jq -c '[.mode, .entry_pa, .as_pde.pfn, .as_pde.flags, .as_pte.level]' "$LAST")" \
	'["pae","0x101000","0x105","----A--UWEV","PTE"]'
XX=$WORK/windows-x86.elf
"$MKDUMP" windows-x86 elf "$XX"
compare "x86 pte literal" pte-literal "va 0x301067: 2 decodings equal" --dirbase 100000 "$XX" pte c0001004 1
expect "x86 pte literal: values" "$(jq -c '[.mode, .entry_pa, .as_pte.pfn, .as_pte.flags]' "$LAST")" \
	'["x86","0x102004","0x301","--DA--UWV"]'
expect "x86 error: literal unaligned" "$(err --dirbase 100000 "$XX" pte c0001006 1)" \
	"exit 1: ptwalk: pte c0001006 1: c0001006 is not 4-byte aligned, as an entry's address is | 0"

# ---- a Windows crash dump: its header, processes from the EPROCESS list ------------
WD=$WORK/win10.dmp
"$MKDUMP" win10-x64-bitmap dmp "$WD"
compare "dmp info" info "15 spaces, 2 ranges equal" "$WD" info
expect "dmp info: header" "$(jq -c .windows "$LAST")" \
	'{"dump_type":5,"dump_type_name":"complete bitmap","directory_table_base":"0x100002","ps_active_process_head":"0xfffff8031261e2a0","ps_loaded_module_list":"0xfffff8031261e160","kd_debugger_data_block":"0xfffff8031261e5a0","pfn_database":"0xfffffa8000000000","bugcheck":"0xe2","processors":2}'
compare "dmp ps" ps "15 spaces equal" "$WD" ps
expect "dmp ps: notepad" "$(jq -c 'select(.name == "notepad.exe") | [.cid, .parent, .dirbase, .owner_from]' "$LAST")" \
'[5012,4320,"0x14b000","eprocess-list"]
[5012,4320,"0x150000","eprocess-list"]'
mount_ptfs "$WORK/m" "$WD"
expect "dmp: dtb/14b000/info.json" \
	"$(jq -c '{name, cid, parent, kpti_user, owner: (.owner_object | type)}' "$WORK/m/dtb/14b000/info.json")" \
	'{"name":"notepad.exe","cid":5012,"parent":4320,"kpti_user":"0x150000","owner":"string"}'
expect "dmp: dtb/14b000/info.json = info" \
	"$(python3 "$CHECK" space-info "$WORK/m/dtb/14b000/info" "$WORK/m/dtb/14b000/info.json" |
	   sed 's/[0-9][0-9]*/N/g')" "N pages, N tables equal"
unmount_ptfs "$WORK/m"

# ---- AArch64: a split space, physical entry addresses ---------------------------------
AX=$WORK/arm64.lime
"$MKDUMP" arm64-4k-48 lime "$AX"
compare "arm64 info" info "1 spaces, 3 ranges equal" "$AX" info
compare "arm64 ps" ps "1 spaces equal" "$AX" ps
expect "arm64 ps roots" "$(jq -c '{ttbr0, ttbr1}' "$LAST")" '{"ttbr0":null,"ttbr1":"0x1000"}'
compare "arm64 maps" maps "8 runs equal" "$AX" maps 8000
compare "arm64 pte" pte "4 entries in the text" --dirbase 8000 "$AX" pte 600abc
expect "arm64 pte: values" "$(jq -r '.entries[3] | "\(.level) \(.pfn) \(.flags) \(.contains)"' "$LAST")" \
	"L3 0x43 ---DAUW--V 0xe8000000043f43"
compare "arm64 vtop" vtop "4 steps, pa 0x43abc" "$AX" vtop 8000 600abc
SPACE_WANT="6 pages, 6 tables equal"
check_mount arm64 "$AX" 1000

# ---- a real dump, when there is one ------------------------------------------------------
SHARED=${PTFS_SHARED_DUMPS:-$HERE/../../shared/dumps}
REAL=$SHARED/linux-x86_64-4level/linux-x86_64-4level.elf.zst
if [[ -f $REAL ]] && command -v zstd > /dev/null; then
	mkdir -p "$CACHE"
	R=$CACHE/linux-x86_64-4level.elf
	if [[ ! -s $R || $REAL -nt $R ]]; then # as real_dumps.sh keeps it
		zstd -d --long=31 --sparse -q -f -o "$R.tmp" "$REAL"
		mv "$R.tmp" "$R"
	fi
	"$PTWALK" "$R" info > "$WORK/real-info.txt" 2> /dev/null
	compare "real info" info "$(sed -n 's/^address-spaces: //p' "$WORK/real-info.txt") spaces, $(
		sed -n 's/^phys-ranges: //p' "$WORK/real-info.txt") ranges equal" "$R" info
	compare "real ps" ps "$(($("$PTWALK" "$R" ps 2> /dev/null | wc -l) - 1)) spaces equal" "$R" ps
	expect "real ps: names from the task list" \
		"$(jq -r 'select(.owner_from == "task-list") | .name' "$LAST" | grep -c .)" \
		"$(jq -r 'select(.owner_from == "task-list")' "$LAST" | jq -s length)"
	compare "real maps" maps "$("$PTWALK" "$R" maps 0 2> /dev/null | wc -l) runs equal" "$R" maps 0
	va=$(jq -rn 'first(inputs | select(.page_size == 4096)) | .va_start' "$LAST")
	pa=$(jq -r "select(.va_start == \"$va\") | .pa" "$LAST")
	compare "real pte" pte "4 entries in the text" "$R" pte "$va"
	expect "real pte: the maps' page" "$(jq -r '"\(.status) \(.pa)"' "$LAST")" "mapped $pa"
	compare "real vtop" vtop "4 steps, pa $pa" "$R" vtop 0 "$va"
	kdtb=$(jq -r '.address_spaces[] | select(.found | startswith("VMCOREINFO")) | .dirbase' \
		"$WORK/real_info.json" | sed 's/^0x//')
	mount_ptfs "$WORK/m" "$R"
	"$PTWALK" --json "$R" info > "$WORK/info.json" 2> /dev/null
	expect "real: /info.json = ptwalk --json info" \
		"$(cmp <(sed 's/"seconds":[0-9.]*/"seconds":_/' "$WORK/m/info.json") \
		       <(sed 's/"seconds":[0-9.]*/"seconds":_/' "$WORK/info.json") && echo same)" "same"
	expect "real: dtb/$kdtb/info.json = info" \
		"$(python3 "$CHECK" space-info "$WORK/m/dtb/$kdtb/info" "$WORK/m/dtb/$kdtb/info.json" |
		   sed 's/[0-9][0-9]*/N/g')" "N pages, N tables equal"
	unmount_ptfs "$WORK/m"
else
	echo "SKIP: no real dump at $REAL (or no zstd): the real-dump checks did NOT run"
fi

finish
