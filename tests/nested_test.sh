#!/usr/bin/env bash
# nested_test.sh — a guest inside a hypervisor's dump (issue 13): the real
# dump of a KVM host running one guest vCPU under AMD SVM with nested
# paging (../shared/dumps/nested-svm-npt), mounted for real.
#
#   tests/nested_test.sh PTFS PTWALK CACHE_DIR MKNESTED TRUTH_CHECK
#
# The guest is found (its VMCB, nested root, host-save area, the vCPU that
# was in it), its tree answers what its VMM recorded (nested_check.py: the
# marks through the guest's maps, npt-maps, vmem and phys, its page tables
# where the tree puts them), and the host is unchanged (the vmm process,
# pid 150, and no space for the guest's CR3).  Then a real Linux guest:
# the real x86-64 dump made the guest of a generated host (tests/mknested.c)
# passes its own truth check under /vm/<id>/, owners and all.  Skipped (77)
# without ../shared/dumps.
PTFS=$1
PTWALK=$2
CACHE=$3
MKNESTED=$4
TRUTH_CHECK=$5
. "$(dirname "$0")/lib.sh"

SHARED=${PTFS_SHARED_DUMPS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/dumps}
NESTED=nested-svm-npt
if [[ ! -f "$SHARED/$NESTED/$NESTED.elf.zst" ]]; then
	echo "SKIP: no $SHARED/$NESTED (../shared/dumps beside the repository);"
	echo "      the nested-guest checks did NOT run"
	exit 77
fi
command -v zstd > /dev/null || { echo "FAIL: zstd is needed (apt-get install zstd)"; exit 1; }
mkdir -p "$CACHE"
D=$CACHE/$NESTED.elf
if [[ ! -s "$D" || "$SHARED/$NESTED/$NESTED.elf.zst" -nt "$D" ]]; then
	zstd -d --long=31 -q -f -o "$D.tmp" "$SHARED/$NESTED/$NESTED.elf.zst"
	mv "$D.tmp" "$D"
fi
TRUTH=$SHARED/$NESTED/truth.txt

# ---- ptwalk: the guest found, the host unchanged ----
expect "vms" "$("$PTWALK" "$D" vms)" \
"ID               VCPUS NESTED GUEST-MODE MAPPED       RUNS   VMM
2d71000          1     npt4   x64        4176 KiB     22     host table 2d48000 (cid 150 vmm)"
expect "info: the vCPU was in the guest" "$("$PTWALK" "$D" info | grep -A1 '^cpus:')" \
"cpus: 1
  cpu 0: cr0 80050033 cr3 1a5000 cr4 60 (in a guest at the dump: the registers are the guest's; see vms)"
expect "info: vms" "$("$PTWALK" "$D" info | sed -n '/^vms:/,$p')" \
"vms: 1 (VMCB and host-save candidates 2, rejected 0)
  2d71000  vcpus 1  nested npt4  guest-mode x64  mapped 4176 KiB in 22 runs  vmm host table 2d48000 (cid 150 vmm)
    vmcb 2d30000  asid 1  cr0 80050033  cr3 1a5000  cr4 60  efer 1d00  rip 8078  rsp 7ff0  exit-code 60  in-guest-at-dump: cpu 0  host-save 2ec4000
  host-save 2ec4000  cr3 2d48000  rax 2d30000"
expect "host spaces: no guest CR3, the vmm process" \
	"$("$PTWALK" "$D" ps | awk 'NR > 1 { print $3, $5 }')" \
"9c000 [trampoline]
105c000 [poking_mm]
2a12000 -
2a34000 init
2d48000 vmm
2f2e000 sleep
bc10000 swapper/0"
expect "ptwalk --vm: vtop of mark 12" "$("$PTWALK" --vm 2d71000 "$D" vtop 1a5000 7f1234560123)" \
"Amd64VtoP: Virt 00007f1234560123, pagedir 00000000001a5000
Amd64VtoP: PML4E 00000000001a57f0
Amd64VtoP: PDPE 00000000000c7240
Amd64VtoP: PDE 000000000015bd10
Amd64VtoP: PTE 0000000000109b00
Amd64VtoP: Mapped phys 0000000200007123
Virtual address 7f1234560123 translates to physical address 200007123."
expect "ptwalk --vm: the guest's default space" \
	"$("$PTWALK" --vm 2d71000 "$D" ps)" \
"CID      PARENT   DIRBASE          MODE  NAME             OWNER-FROM    FOUND
-        -        1a5000           x64   -                -             CR3 of vCPU 0"
expect "ptwalk --vm: a mark's bytes" \
	"$("$PTWALK" --vm 2d71000 "$D" read 1a5000 7f1234560000 48)" \
	"NESTED-MARK gva=0x00007f1234560000 n=12 gpa=0x20"
expect "ptwalk --vm: discovery options are the guest's" \
	"$("$PTWALK" --vm 2d71000 --dirbase 1a5000 "$D" ps | tail -n +2)" \
	"-        -        1a5000           x64   -                -             command line, CR3 of vCPU 0"
expect "ptwalk --vm --no-scan" "$("$PTWALK" --vm 2d71000 --no-scan "$D" ps 2>&1 || true)" \
	"ptwalk: --vm needs the scan that finds guests: leave out --no-scan (it cannot apply to the guest alone)"
expect "ptwalk --vm: no such guest" "$("$PTWALK" --vm 123 "$D" ps 2>&1 || true)" \
	"ptwalk: --vm 123: no guest with nested root 0x123 (see the vms command or /info)"
expect "ptwalk --json vms" "$("$PTWALK" --json "$D" vms | python3 -c '
import json, sys
for line in sys.stdin:
    v = json.loads(line)
    c = v["vcpus"][0]
    print(v["id"], v["nested_mode"], v["guest_mode"], v["mapped"], v["runs"], v["vmm_cid"],
          v["vmm_name"], c["vmcb"], c["asid"], c["cr3"], c["in_guest_at_dump_cpu"], c["host_save"])')" \
	"0x2d71000 npt4 x64 4276224 22 150 vmm 0x2d30000 1 0x1a5000 0 0x2ec4000"

# The host's raw image (no CPU note, no VMCOREINFO note): the same guest,
# its vCPU's registers from the VMCB alone.
"$PTWALK" "$D" phys 0 0x10000000 > "$WORK/nest.raw"
expect "raw image: vms" "$("$PTWALK" "$WORK/nest.raw" vms)" "$("$PTWALK" "$D" vms)"
expect "raw image: the guest's vtop" \
	"$("$PTWALK" --vm 2d71000 "$WORK/nest.raw" vtop 0 7f1234560123 | tail -1)" \
	"Virtual address 7f1234560123 translates to physical address 200007123."
rm -f "$WORK/nest.raw"

# ---- the mount ----
M=$WORK/m
mount_ptfs "$M" "$D"
G=$M/vm/2d71000
expect "root lists vm" "$(ls "$M")" "$(printf '%s\n' dtb info info.json name phys proc vm)"
expect "the guest's tree" "$(ls "$G")" \
	"$(printf '%s\n' dtb info info.json name npt npt-maps phys proc)"
expect "the guest's info" "$(head -7 "$G/info")" \
"vm: 2d71000
nested-table: npt4 (AMD64 nested (NPT) 4-level) at host PA 2d71000, the VMCBs' N_CR3; its format is the host's paging mode
nested-maps: 4176 KiB in 22 runs
guest-mode: x64 (VMCB 0x2d30000: CR0.PG=1 CR4.PAE=1 EFER.LMA=1 CR4.LA57=0)
vmm: host table 2d48000 (cid 150 vmm)
vcpus: 1
  vcpu 0: vmcb 2d30000  asid 1  cr0 80050033  cr3 1a5000  cr4 60  efer 1d00  rip 8078  rsp 7ff0  exit-code 60  in-guest-at-dump: cpu 0  host-save 2ec4000"
expect "the guest has no owners" "$(grep -E '^(owners|address-spaces):' "$G/info")" \
"owners: no kernel data: no kernel page table named by VMCOREINFO or a dump header
address-spaces: 1"
expect "a nested 4K leaf, KVM's bits" "$(cat "$G/npt/pml4/0/pdpt/0/pd/0/pt/2/entry")" \
"level: PTE
index: 2
table: 2a7e000
address: 2a7e010
contains: 000000000b003e67
pfn: b003
flags: ---DA--UWEV
software: host-writable mmu-writable mmu-present
guest-pa: 0000000000002000-0000000000002fff
page: 4K"
expect "a nested 2M leaf" "$(cat "$G/npt/pml4/0/pdpt/1/pd/1/entry")" \
"level: PDE
index: 1
table: 2a7d000
address: 2a7d008
contains: 0000000003000ee7
pfn: 3000
flags: --LDA--UWEV
software: host-writable mmu-writable mmu-present
guest-pa: 0000000040200000-00000000403fffff
page: 2M"
expect "a guest entry and where it lives" "$(cat "$G/dtb/1a5000/pml4/254/entry")" \
"level: PML4E
index: 254
table: 1a5000
address: 1a57f0
host-address: fde77f0
contains: 00000000000c7023
pfn: c7
flags: ----A--KWEV
va: 00007f0000000000-00007f7fffffffff"
expect "guest phys: its size is the highest guest PA + 1" "$(stat -c %s "$G/phys")" \
	"$((0x200083000))"
python3 "$(dirname "$0")/nested_check.py" "$M" "$TRUTH" || FAILED=1
# The host's own tree is what it was: the vmm process by pid.
expect "host /proc/150" "$(readlink "$M/proc/150")" "../dtb/2d48000"
unmount_ptfs "$M"

# ---- a real Linux guest: the real x86-64 dump behind a generated nested table ----
LX=linux-x86_64-4level
if [[ -f "$SHARED/$LX/$LX.elf.zst" ]]; then
	L=$CACHE/$LX.elf
	if [[ ! -s "$L" || "$SHARED/$LX/$LX.elf.zst" -nt "$L" ]]; then
		zstd -d --long=31 -q -f -o "$L.tmp" "$SHARED/$LX/$LX.elf.zst"
		mv "$L.tmp" "$L"
	fi
	"$MKNESTED" "$L" "$WORK/lxnest.elf" > /dev/null
	id=$("$PTWALK" --json "$WORK/lxnest.elf" vms | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["id"][2:])')
	expect "real Linux guest: ps as alone" "$("$PTWALK" --vm "$id" "$WORK/lxnest.elf" ps)" \
		"$("$PTWALK" "$L" ps)"
	expect "real Linux guest: no host space" "$("$PTWALK" "$WORK/lxnest.elf" ps | tail -n +2)" ""
	mount_ptfs "$M" "$WORK/lxnest.elf"
	"$TRUTH_CHECK" --owners "$M/vm/$id" "$SHARED/$LX/truth.txt" || FAILED=1
	unmount_ptfs "$M"
else
	echo "FAIL: $SHARED/$LX is missing"
	FAILED=1
fi
finish
