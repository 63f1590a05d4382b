#!/usr/bin/env bash
# qemu_dump_test.sh — examples/qemu-dump.sh against a real guest: boot Debian's
# kernel under QEMU (TCG) with a busybox initramfs whose /init starts two
# processes that each keep a marker string in their heap and print what the
# guest kernel says of them (pid, child's pid, heap range, the pagemap entry of
# every heap page); dump the guest through its QMP socket with the example,
# mount, and check the mount against what the guest printed.
#
#   qemu_dump_test.sh PTFS PTWALK QEMU-DUMP-SH CACHE-DIR
#
# The kernel: $PTFS_QEMU_KERNEL (a bzImage; $PTFS_QEMU_FWCFG its qemu_fw_cfg.ko,
# for VMCOREINFO), else CACHE-DIR's, else Debian's linux-image-amd64 kernel
# fetched once into CACHE-DIR with `apt-get download` (70 MB; only vmlinuz and
# qemu_fw_cfg.ko are kept). Needs qemu-system-x86_64 (qemu-system-x86) and a
# static busybox (busybox-static); without them, or without a kernel, the
# test says why and exits 77 (skipped).
PTFS=$(realpath "$1")
PTWALK=$(realpath "$2")
QEMU_DUMP=$(realpath "$3")
CACHE=$4
export PTFS PTWALK
source "$(dirname "$0")/lib.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
t0=$SECONDS
phase() { echo "---- $1 (at $((SECONDS - t0)) s)"; }

[[ $(uname -m) == x86_64 ]] || skip "the guest's busybox must be x86-64 (this host is $(uname -m))"
command -v qemu-system-x86_64 > /dev/null ||
	skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
busybox=$(command -v busybox || true)
# ldd fails on a static program, and says so.
[[ -n $busybox && $(ldd "$busybox" 2>&1 || true) == *"not a dynamic executable"* ]] ||
	skip "no static busybox for the initramfs (apt-get install busybox-static)"

# ---- the kernel
phase "kernel"
fetch_kernel() { # into CACHE: boot/vmlinuz-*, lib/modules/*/.../qemu_fw_cfg.ko*
	command -v apt-get > /dev/null ||
		skip "no kernel: set PTFS_QEMU_KERNEL to a bzImage (no apt-get to fetch Debian's)"
	local pkg deb
	pkg=$(apt-cache depends linux-image-amd64 2> /dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	[[ -n $pkg ]] || skip "no kernel: apt-cache knows no linux-image-amd64 (set PTFS_QEMU_KERNEL)"
	mkdir -p "$CACHE/download"
	chmod 777 "$CACHE/download" # apt-get download runs as _apt where it can
	(cd "$CACHE/download" && apt-get download -q "$pkg") > "$WORK/apt.log" 2>&1 ||
		skip "no kernel: apt-get download $pkg failed: $(tail -n 1 "$WORK/apt.log")"
	deb=$(echo "$CACHE"/download/"$pkg"_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$CACHE" --wildcards \
		'./boot/vmlinuz-*' './lib/modules/*/qemu_fw_cfg.ko*'
	rm -rf "$CACHE/download"
	echo "fetched $pkg into $CACHE"
}
if [[ -n ${PTFS_QEMU_KERNEL:-} ]]; then
	kernel=$PTFS_QEMU_KERNEL
	fwcfg=${PTFS_QEMU_FWCFG:-}
else
	mkdir -p "$CACHE"
	kernel=$(ls "$CACHE"/boot/vmlinuz-* 2> /dev/null | head -n 1 || true)
	if [[ -z $kernel ]]; then
		fetch_kernel
		kernel=$(ls "$CACHE"/boot/vmlinuz-* | head -n 1)
	fi
	fwcfg=$(find "$CACHE/lib" -name 'qemu_fw_cfg.ko*' 2> /dev/null | head -n 1)
fi
[[ -r $kernel ]] || skip "no kernel: $kernel is not readable"
echo "kernel: $kernel"
echo "qemu_fw_cfg: ${fwcfg:-none (the dump will carry no VMCOREINFO note)}"

# ---- the initramfs: busybox, /init, and the marker script
phase "initramfs"
root=$WORK/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp "$busybox" "$root/bin/busybox"
case $fwcfg in
*.xz) xz -dc "$fwcfg" > "$root/qemu_fw_cfg.ko" ;;
*.zst) zstd -qdc "$fwcfg" > "$root/qemu_fw_cfg.ko" ;;
?*) cp "$fwcfg" "$root/qemu_fw_cfg.ko" ;;
esac
cat > "$root/init" << 'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# qemu_fw_cfg hands the kernel's VMCOREINFO to QEMU's -device vmcoreinfo.
[ -e /qemu_fw_cfg.ko ] && insmod /qemu_fw_cfg.ko
for n in alpha:ALPHA beta:BETA; do
	cp /bin/marker /bin/ptfs-${n%:*} # a script's comm is its file's name
	/bin/ptfs-${n%:*} ${n%:*} ${n#*:} &
done
while [ "$(ls /tmp/ready-* 2>/dev/null | wc -l)" != 2 ]; do sleep 0.1; done
sleep 1
# The markers now sleep in wait; their heaps stay put. Name each one's heap
# and the frame of every present heap page, as the guest kernel has them.
for f in /tmp/ready-*; do
	pid=${f#/tmp/ready-}
	read -r name kid < $f
	heap=$(grep '\[heap\]' /proc/$pid/maps)
	start=${heap%%-*}
	end=${heap#*-}
	end=${end%% *}
	echo "PTFS-GUEST proc name=$name pid=$pid kid=$kid heap=$start-$end"
	va=$((0x$start))
	while [ $va -lt $((0x$end)) ]; do
		e=$(dd if=/proc/$pid/pagemap bs=8 skip=$((va / 4096)) count=1 2>/dev/null | od -An -tx8)
		case $e in *[89abcdef]???????????????) echo "PTFS-GUEST page pid=$pid va=$(printf %x $va) pagemap=$(echo $e)" ;; esac
		va=$((va + 4096))
	done
done
echo "PTFS-GUEST up $(cat /proc/sys/kernel/osrelease)"
while :; do sleep 3600; done
EOF
# The marker is assembled at run time, so the script's own text does not
# hold it: it is in the shell's variables, on its heap. After its child it
# forks nothing (echo, read and wait are the shell's own), so no
# copy-on-write moves its heap pages once init has listed them.
cat > "$root/bin/marker" << 'EOF'
#!/bin/sh
m=PTFS-QEMU
mark="$m-MARK-$1-$$-$2"
sleep 100000 &
echo "ptfs-$1 $!" > /tmp/ready-$$
wait
EOF
chmod +x "$root/init" "$root/bin/marker"
(cd "$root" && find . | busybox cpio -o -H newc 2> /dev/null) > "$WORK/initramfs.cpio"

# ---- boot
phase "boot"
sock=$WORK/qmp.sock
serial=$WORK/serial.log
qemu-system-x86_64 -accel tcg -machine pc -m 256M -smp 1 -nodefaults -display none \
	-no-reboot -kernel "$kernel" -initrd "$WORK/initramfs.cpio" \
	-append 'console=ttyS0 loglevel=3 panic=-1' -serial "file:$serial" \
	-device vmcoreinfo -qmp "unix:$sock,server=on,wait=off" < /dev/null > "$WORK/qemu.log" 2>&1 &
qemu_pid=$!
trap 'kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; cleanup' EXIT
for ((i = 0; i < 3000; i++)); do
	grep -q 'PTFS-GUEST up' "$serial" 2> /dev/null && break
	if ! kill -0 "$qemu_pid" 2> /dev/null; then
		echo "FAIL: QEMU exited before the guest was up:"
		cat "$WORK/qemu.log" "$serial" 2> /dev/null
		exit 1
	fi
	sleep 0.1
done
guest=$(tr -d '\r' < "$serial" | grep '^PTFS-GUEST' || true)
if ! grep -q 'PTFS-GUEST up' <<< "$guest"; then
	echo "FAIL: the guest did not come up within 300 s; its console:"
	tail -n 30 "$serial"
	exit 1
fi
echo "$guest"
release=$(awk '$2 == "up" { print $3 }' <<< "$guest")
field() { # NAME KEY: KEY= of the guest's proc line for ptfs-NAME
	awk -v n="name=ptfs-$1" -v k="$2=" '$2 == "proc" && $3 == n {
		for (i = 4; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' <<< "$guest"
}

# ---- the example's errors, before it touches the guest
phase "errors"
got=$("$QEMU_DUMP" -o "$WORK/x.elf" "$WORK/none.sock" 2>&1) && { echo "FAIL: a missing socket accepted"; FAILED=1; }
expect "missing socket" "$got" \
	"qemu-dump.sh: $WORK/none.sock: no such QMP socket (start QEMU with -qmp unix:$WORK/none.sock,server=on,wait=off)"
got=$("$QEMU_DUMP" -o "$WORK/x.elf" "$serial" 2>&1) && { echo "FAIL: a file taken for a socket"; FAILED=1; }
expect "not a socket" "$got" "qemu-dump.sh: $serial is not a socket"
got=$("$QEMU_DUMP" -o "$serial" "$sock" 2>&1) && { echo "FAIL: an existing dump overwritten"; FAILED=1; }
expect "existing dump" "$got" "qemu-dump.sh: $serial exists; remove it or give another -o"
got=$(PTFS=$WORK/no-ptfs "$QEMU_DUMP" -o "$WORK/x.elf" "$sock" 2>&1) && { echo "FAIL: no ptfs accepted"; FAILED=1; }
expect "ptfs missing" "$got" \
	"qemu-dump.sh: ptfs not found (not in \$PTFS, PATH or $(dirname "$QEMU_DUMP")/../build/fs/): build it with 'meson setup build && ninja -C build', or give --no-mount"
got=$("$QEMU_DUMP" --no-mount -o /proc/ptfs-test.elf "$sock" 2>&1) && { echo "FAIL: a failed dump accepted"; FAILED=1; }
# QEMU's own words follow the prefix; they name the file.
grep -q '^qemu-dump.sh: QEMU refused dump-guest-memory: .*/proc/ptfs-test.elf' <<< "$got" &&
	echo "ok   dump refused" || { echo "FAIL dump refused: $got"; FAILED=1; }
got=$("$QEMU_DUMP" -o "$WORK/x.elf" -m /proc "$sock" 2>&1) && { echo "FAIL: a mount point taken"; FAILED=1; }
expect "mount point in use" "$got" "qemu-dump.sh: /proc is a mount point already"
got=$("$QEMU_DUMP" --virsh guest "$sock" 2>&1) && { echo "FAIL: both a socket and --virsh accepted"; FAILED=1; }
expect "socket and --virsh" "$got" "qemu-dump.sh: give a QMP socket or --virsh DOMAIN, not both"
if ! command -v virsh > /dev/null; then
	got=$("$QEMU_DUMP" -o "$WORK/x.elf" --virsh guest 2>&1) && { echo "FAIL: --virsh without virsh accepted"; FAILED=1; }
	expect "no virsh" "$got" "qemu-dump.sh: virsh not found (apt-get install libvirt-clients)"
fi
[[ ! -e $WORK/x.elf ]] || { echo "FAIL: a dump was written despite an error"; FAILED=1; }

# ---- dump and mount with the example, as a user would
phase "dump"
dump=$WORK/guest.elf
mnt=$WORK/mnt
out=$("$QEMU_DUMP" -o "$dump" -m "$mnt" "$sock" 2>&1) || { echo "$out"; echo "FAIL: qemu-dump.sh"; exit 1; }
echo "$out"
expect "dump described" "$(head -n 1 <<< "$out")" \
	"qemu-dump.sh: $dump: 256 MiB of guest memory, 1 vCPU state note(s), VMCOREINFO: $release"
expect "next commands" "$(tail -n +2 <<< "$out")" "mounted $dump on $mnt; next:
  cat $mnt/info
  ls -l $mnt/name/
  ls $mnt/proc/PID/regions/
  $PTWALK $dump ps
  fusermount3 -u $mnt"
mountpoint -q "$mnt" || { echo "FAIL: qemu-dump.sh did not mount $mnt"; exit 1; }
expect "the example's mount" "$(grep -E '^(format|machine|cpus|vmcoreinfo):' "$mnt/info")" "format: elf64
machine: x86-64
cpus: 1
vmcoreinfo: $release"
fusermount3 -u "$mnt"

out=$("$QEMU_DUMP" --no-mount -o "$WORK/second.elf" "$sock" 2>&1)
expect "--no-mount" "$(tail -n 1 <<< "$out")" "mount it with: $PTFS $WORK/second.elf MOUNTPOINT"
rm -f "$WORK/second.elf"
phase "checks"

# ---- the dump, mounted by the test (the daemon's exit status checked)
m=$WORK/m
mount_ptfs "$m" "$dump"
cr3=$(awk '$1 == "cpu" && $2 == "0:" { print $6 }' "$m/info")
expect "vCPU 0's CR3 is an address space found from it" \
	"$(grep -c "^  $cr3  .*found: CR3 of vCPU 0" "$m/info")" 1
expect "owners from the task list" "$(grep -o '^owners: Linux task list' "$m/info")" \
	"owners: Linux task list"

for n in alpha beta; do
	pid=$(field $n pid)
	kid=$(field $n kid)
	heap=$(field $n heap)
	expect "name/ptfs-$n-$pid" "$(readlink "$m/name/ptfs-$n-$pid")" "../proc/$pid"
	expect "$n's info" "$(grep -E '^(cid|parent|name|owner-from):' "$m/proc/$pid/info")" "cid: $pid
parent: 1
name: ptfs-$n
owner-from: task-list"
	expect "$n's child" "$(readlink "$m/name/sleep-$kid"; grep -E '^parent:' "$m/proc/$kid/info")" \
		"../proc/$kid
parent: $pid"
	dirbase=$(readlink "$m/proc/$pid")
	dirbase=${dirbase##*/}
	expect "ptwalk ps: $n" "$("$PTWALK" "$dump" ps | awk -v d="$dirbase" '$3 == d { print $1, $2, $5, $6 }')" \
		"$pid 1 ptfs-$n task-list"

	# The marker: in one region file of the process, which starts where
	# the guest's heap starts and ends within it (the region is what is
	# mapped, the heap what may be); not in the other process's memory.
	mark="PTFS-QEMU-MARK-$n-$pid-${n^^}"
	files=$(cd "$m/proc/$pid/regions" && grep -a -l -F -- "$mark" *)
	expect "$n's marker in one region file" "$(grep -c . <<< "$files")" 1
	files=$(head -n 1 <<< "$files")
	hs=$((0x${heap%-*}))
	he=$((0x${heap#*-}))
	rs=$((0x${files%-*}))
	re=$((0x${files#*-}))
	expect "$n's marker in one region, in its heap" \
		"$(printf '%x %d' $rs $((re > rs && re <= he)))" "$(printf '%x 1' $hs)"
	other=$([[ $n == alpha ]] && field beta pid || field alpha pid)
	expect "$n's marker not in pid $other" "$(grep -a -l -F -r -- "$mark" "$m/proc/$other/regions/" || true)" ""

	# Where it is: the same bytes through vmem, ptwalk read and /phys.
	off=$(grep -a -b -o -F -- "$mark" "$m/proc/$pid/regions/$files" | head -n 1 | cut -d: -f1)
	va=$((rs + off))
	expect "$n's marker through vmem" \
		"$(dd if="$m/proc/$pid/vmem" bs=4096 iflag=skip_bytes,count_bytes skip=$va count=${#mark} status=none)" "$mark"
	expect "$n's marker through ptwalk read" \
		"$("$PTWALK" "$dump" read "$dirbase" "$(printf %x $va)" ${#mark})" "$mark"
	pa=0x$(awk '/translates to physical address/ { sub(/\.$/, "", $NF); print $NF }' \
		"$m/proc/$pid/vtop/$(printf %x $va)")

	# Every heap page the guest listed: at the frame its pagemap gave,
	# through the mount's !vtop. The listed pages are the marker's region.
	pages=$(awk -v p="pid=$pid" '$2 == "page" && $3 == p {
		sub(/^va=/, "", $4); sub(/^pagemap=/, "", $5); print $4, $5 }' <<< "$guest")
	want= got= last=0
	while read -r pva entry; do
		want+="$pva $(printf %x $((0x$entry & ((1 << 55) - 1))))"$'\n'
		got+="$pva $(awk '/translates to physical address/ { sub(/\.$/, "", $NF);
			print substr($NF, 1, length($NF) - 3) }' "$m/proc/$pid/vtop/$pva")"$'\n'
		last=$((0x$pva + 4096))
	done <<< "$pages"
	expect "$n's heap pages at the guest's frames ($(grep -c . <<< "$pages"))" "$got" "$want"
	expect "$n's marker region is the heap's present pages" \
		"$(printf '%x-%x' $rs $re)" "$(printf '%x-%x' $hs $last)"
	expect "$n's marker page is one of them" \
		"$(grep -c "^$(printf %x $((va & ~4095))) " <<< "$want")" 1
	expect "$n's marker through /phys" \
		"$(dd if="$m/phys" bs=4096 iflag=skip_bytes,count_bytes skip=$((pa)) count=${#mark} status=none)" "$mark"
done
unmount_ptfs "$m"
phase "done"
finish
