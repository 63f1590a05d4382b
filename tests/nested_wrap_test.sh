#!/usr/bin/env bash
# nested_wrap_test.sh — a dump made the guest of a generated host
# (tests/mknested.c) must give under /vm/<id>/ what the dump gives alone:
# every paging mode as a guest (x64, LA57, PAE, 32-bit; Linux and Windows
# tables), guest memory behind 2 MiB and 4 KiB nested leaves out of order,
# the CPU note holding the guest's registers or the host's.
#
#   tests/nested_wrap_test.sh PTFS PTWALK MKDUMP MKNESTED
PTFS=$1
PTWALK=$2
MKDUMP=$3
MKNESTED=$4
. "$(dirname "$0")/lib.sh"

# The columns of ps that owners and spaces decide: cid, parent, DirBase,
# mode, name (FOUND differs: a guest's VMCOREINFO is not an ELF note).
ps_cols() {
	"$PTWALK" "$@" ps | awk '{ print $1, $2, $3, $4, $5 }'
}

# The id of the one guest of a host dump.
vm_id() {
	"$PTWALK" --json "$1" vms | python3 -c '
import json, sys
v = [json.loads(l) for l in sys.stdin]
print(v[0]["id"][2:] if len(v) == 1 else "none")'
}

# The first 8 MiB of a space's first 64 regions, hashed (a Windows
# space's self-map region alone is 1 GiB).
regions_bytes() {
	(cd "$1/regions" && ls | head -64 | xargs cat | head -c 8388608 | sha256sum)
}

I=$WORK/i
N=$WORK/n
for sc in linux-x64 linux-la57 linux-pae windows-x64 windows-pae windows-x86; do
	"$MKDUMP" "$sc" elf "$WORK/$sc.elf" > /dev/null
	for how in "" --4k --host-cpu; do
		name="$sc${how:+ $how}"
		"$MKNESTED" $how "$WORK/$sc.elf" "$WORK/nest.elf" > /dev/null
		id=$(vm_id "$WORK/nest.elf")
		expect "$name: ps as a guest" "$(ps_cols --vm "$id" "$WORK/nest.elf")" \
			"$(ps_cols "$WORK/$sc.elf")"
		in_guest=$("$PTWALK" "$WORK/nest.elf" info | grep -c 'in-guest-at-dump: cpu 0' || true)
		expect "$name: the vCPU note is the guest's" "$in_guest" \
			"$([[ $how == --host-cpu ]] && echo 0 || echo 1)"
		# The host shows no space for the guest's CR3; with the host's
		# registers in the note, only the host's own table.
		expect "$name: host spaces" "$("$PTWALK" "$WORK/nest.elf" ps | awk 'NR > 1 { print $3 }')" \
			"$([[ $how == --host-cpu ]] && "$PTWALK" "$WORK/nest.elf" vms | awk 'NR == 2 { print $NF }')"
		mount_ptfs "$I" "$WORK/$sc.elf"
		mount_ptfs "$N" "$WORK/nest.elf"
		G=$N/vm/$id
		expect "$name: dtb/" "$(ls "$G/dtb")" "$(ls "$I/dtb")"
		n=0
		for s in $(ls "$I/dtb"); do
			if ! cmp -s "$I/dtb/$s/maps" "$G/dtb/$s/maps" ||
			   ! cmp -s <(regions_bytes "$I/dtb/$s") <(regions_bytes "$G/dtb/$s"); then
				echo "FAIL $name: dtb/$s differs (maps or regions' bytes)"
				FAILED=1
			fi
			n=$((n + 1))
		done
		echo "ok   $name: maps and regions' bytes of $n spaces compared"
		expect "$name: phys" "$(sha256sum < "$G/phys")" "$(sha256sum < "$I/phys")"
		unmount_ptfs "$N"
		unmount_ptfs "$I"
	done
done
# Look-alikes whose nested tables no hypervisor builds, in raw 8 MiB images:
# a VMCB at 1000 with its nested root at 2000, that (a) maps guest memory
# 0-8 MiB onto host memory 0-8 MiB, its own VMCB and root included, (b)
# maps one host 2 MiB block at every guest address (512 GiB of guest).
# Dropped with the reason, at once.
craft() { # KIND OUT
	python3 - "$1" "$2" <<'PY'
import struct, sys
kind, out = sys.argv[1], sys.argv[2]
img = bytearray(8 << 20)
q = lambda off, v: img.__setitem__(slice(off, off + 8), struct.pack('<Q', v))
d = lambda off, v: img.__setitem__(slice(off, off + 4), struct.pack('<I', v))
v = 0x1000                                    # the VMCB
d(v + 0x10, 0x6e4f); d(v + 0x58, 1); q(v + 0x90, 1); q(v + 0xb0, 0x2000)
img[v + 0x412:v + 0x414] = struct.pack('<H', 0xa9b)
q(v + 0x4d0, 0x1d00); q(v + 0x548, 0x20); q(v + 0x558, 0x80050033)
q(0x2000, 0x3000 | 0x827)                     # nested PML4 -> PDPT
if kind == 'identity':
    q(v + 0x550, 0x5000)                      # guest CR3
    q(0x3000, 0x4000 | 0x827)
    for i in range(4):                        # 2 MiB leaves, 0-8 MiB
        q(0x4000 + 8 * i, (i << 21) | 0xee7)
    q(0x5000, 0x6000 | 0x23)
else:
    q(v + 0x550, 0x1000)
    for i in range(512):
        q(0x3000 + 8 * i, 0x4000 | 0x827)
        q(0x4000 + 8 * i, 0x200000 | 0xee7)
    q(0x201000, 0x1000 | 0x23)
open(out, 'wb').write(img)
PY
}
craft identity "$WORK/ident.raw"
expect "a nested table mapping its own VMCB" "$("$PTWALK" "$WORK/ident.raw" info | sed -n '/^vms:/,$p')" \
"vms: 0 (VMCB and host-save candidates 1, rejected 1)
  rejected 1000: the nested table at 0x2000 maps its VMCB 0x1000 into its guest (at guest PA 0x1000), as no hypervisor does"
craft alias "$WORK/alias.raw"
expect "a nested table aliasing one host block everywhere" \
	"$("$PTWALK" "$WORK/alias.raw" info | sed -n '/^vms:/,$p')" \
"vms: 0 (VMCB and host-save candidates 1, rejected 1)
  rejected 1000: the nested table at 0x2000 maps more guest memory than is left of 16 times the host's (0x800000 bytes), for all guests together"

# A guest that runs a guest of its own (nested virtualization): the inner
# one is counted in the outer one's info, not opened; the host's tree and
# the outer guest's close cleanly (under ASan in CI).
# vm-x64 is a host of two guests; made a guest itself, they are the
# guest's guests.
"$MKDUMP" vm-x64 elf "$WORK/one.elf" > /dev/null
"$MKNESTED" --host-cpu "$WORK/one.elf" "$WORK/two.elf" > /dev/null
outer=$(vm_id "$WORK/two.elf")
expect "a guest's guests: counted" "$("$PTWALK" --vm "$outer" "$WORK/two.elf" info | grep '^vms:')" \
	"vms: 2 guests of this guest found (not shown as trees)"
mount_ptfs "$N" "$WORK/two.elf"
expect "a guest's guests: no vm/ in the guest's tree" "$(ls "$N/vm/$outer")" \
	"$(printf '%s\n' dtb info info.json name npt npt-maps phys proc)"
unmount_ptfs "$N"
finish
