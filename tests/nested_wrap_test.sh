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
