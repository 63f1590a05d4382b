#!/usr/bin/env bash
# qemu-dump.sh — dump the memory of a running QEMU guest and mount it with ptfs.
#
#   examples/qemu-dump.sh [-o DUMP] [-m MOUNTPOINT] [--no-mount] QMP-SOCKET
#   examples/qemu-dump.sh [-o DUMP] [-m MOUNTPOINT] [--no-mount] --virsh DOMAIN
#
# The dump is QEMU's ELF core (dump-guest-memory with paging off): guest
# physical memory as PT_LOAD segments, each vCPU's registers (CR3 among them)
# in a QEMU note, and the guest kernel's VMCOREINFO when the guest has one to
# give. ptfs reads its address spaces from those notes, and names processes
# from VMCOREINFO (Linux 6.0+ with BTF, as Debian 12's kernel is).
#
# Start the guest with a QMP socket, and with -device vmcoreinfo so that the
# guest kernel hands QEMU its VMCOREINFO (a Linux guest needs its qemu_fw_cfg
# driver loaded: built in, or `modprobe qemu_fw_cfg`):
#
#   qemu-system-x86_64 -m 1G -accel kvm -drive file=disk.img,format=qcow2 \
#       -qmp unix:/tmp/qmp.sock,server=on,wait=off -device vmcoreinfo
#   examples/qemu-dump.sh -o /tmp/guest.elf -m /tmp/guest /tmp/qmp.sock
#
# (QEMU before 6.0 spells the socket option `server,nowait`.) A libvirt guest
# needs no socket: `--virsh DOMAIN` runs `virsh dump --memory-only --format elf`
# (add <vmcoreinfo state='on'/> to the domain's <features> for VMCOREINFO).
#
# Options:
#   -o DUMP        where to write the dump (default: ./guest-DATE-TIME.elf);
#                  an existing file is never overwritten
#   -m MOUNTPOINT  where to mount it (default: a new /tmp/ptfs-qemu.XXXXXX)
#   --no-mount     only take the dump
# ptfs and ptwalk are taken from $PTFS and $PTWALK, else from PATH, else from
# build/fs/ beside this script.
#
# Needs python3 (for QMP; meson, which builds ptfs, needs it too), or virsh.
set -euo pipefail

prog=qemu-dump.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() {
	sed -n '4,5p' "$0" | sed 's/^# *//' >&2
	exit 2
}

dump= mnt= mount=1 virsh= sock=
while (($#)); do
	case $1 in
	-o) (($# >= 2)) || usage; dump=$2; shift 2 ;;
	-m) (($# >= 2)) || usage; mnt=$2; shift 2 ;;
	--no-mount) mount=0; shift ;;
	--virsh) (($# >= 2)) || usage; virsh=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) [[ -z $sock ]] || usage; sock=$1; shift ;;
	esac
done
[[ -n $sock || -n $virsh ]] || usage
[[ -z $sock || -z $virsh ]] || die "give a QMP socket or --virsh DOMAIN, not both"

here=$(cd "$(dirname "$0")" && pwd)
find_tool() { # NAME ENV-VALUE: the path of ptfs or ptwalk, or nothing
	if [[ -n $2 ]]; then
		echo "$2"
	elif command -v "$1" > /dev/null; then
		command -v "$1"
	elif [[ -x $here/../build/fs/$1 ]]; then
		echo "$here/../build/fs/$1"
	fi
}
ptfs=$(find_tool ptfs "${PTFS:-}")
ptwalk=$(find_tool ptwalk "${PTWALK:-}")
[[ -z $ptfs ]] || ptfs=$(realpath -m -- "$ptfs")
[[ -z $ptwalk ]] || ptwalk=$(realpath -m -- "$ptwalk")
# Say so before the guest is paused for a dump that cannot be mounted.
if ((mount)) && [[ -z $ptfs || ! -x $ptfs ]]; then
	die "ptfs not found (not in \$PTFS, PATH or $here/../build/fs/): build it with" \
		"'meson setup build && ninja -C build', or give --no-mount"
fi

# QEMU opens the file itself, from its own working directory: give it an
# absolute path.
dump=${dump:-guest-$(date +%Y%m%d-%H%M%S).elf}
dump=$(realpath -m -- "$dump")
[[ ! -e $dump ]] || die "$dump exists; remove it or give another -o"
[[ -d $(dirname "$dump") ]] || die "$(dirname "$dump"): no such directory"
if ((mount)) && [[ -n $mnt ]]; then
	mkdir -p -- "$mnt"
	! mountpoint -q -- "$mnt" || die "$mnt is a mount point already"
fi

# One QMP conversation: greeting, qmp_capabilities, dump-guest-memory in the
# background (detach), then query-dump until it completes. The reason for a
# failure is in the DUMP_COMPLETED event, not in query-dump's answer.
qmp_dump() { # SOCKET DUMP
	python3 - "$1" "$2" << 'EOF'
import json, socket, sys, time

sock_path, dump_path = sys.argv[1], sys.argv[2]

def die(msg):
    print(f"qemu-dump.sh: {msg}", file=sys.stderr)
    sys.exit(1)

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sock_path)
except OSError as e:
    die(f"cannot connect to the QMP socket {sock_path}: {e.strerror}"
        " (is the guest running, with -qmp unix:...,server=on,wait=off?)")
s.settimeout(10)
f = s.makefile("rwb")
events = []

def receive():
    try:
        line = f.readline()
    except socket.timeout:
        die(f"{sock_path}: QEMU said nothing for 10 s (is another client"
            " connected to this QMP socket?)")
    if not line:
        die(f"{sock_path}: QEMU closed the connection")
    try:
        return json.loads(line)
    except ValueError:
        die(f"{sock_path} is not a QMP socket (it said {line[:60]!r};"
            " a -monitor socket speaks HMP: use -qmp)")

def command(name, **args):
    msg = {"execute": name}
    if args:
        msg["arguments"] = args
    f.write(json.dumps(msg).encode() + b"\n")
    f.flush()
    while True:
        reply = receive()
        if "event" in reply:
            events.append(reply)
        elif "error" in reply:
            die(f"QEMU refused {name}: {reply['error'].get('desc', reply['error'])}")
        elif "return" in reply:
            return reply["return"]

if "QMP" not in receive():
    die(f"{sock_path}: no QMP greeting")
command("qmp_capabilities")
command("dump-guest-memory", paging=False, protocol="file:" + dump_path, detach=True)
shown = False
while True:
    state = command("query-dump")
    status = state.get("status")
    if status == "completed":
        break
    if status == "failed":
        why = [e["data"]["error"] for e in events
               if e["event"] == "DUMP_COMPLETED" and "error" in e.get("data", {})]
        die("the dump failed" + (f": {why[-1]}" if why else ""))
    total, done = state.get("total", 0), state.get("completed", 0)
    if sys.stderr.isatty() and total:
        print(f"\rqemu-dump.sh: dumping {done >> 20} of {total >> 20} MiB",
              end="", file=sys.stderr)
        shown = True
    time.sleep(0.2)
if shown:
    print(file=sys.stderr)
EOF
}

# What the dump's notes hold, so a missing VMCOREINFO is said here and not
# discovered later as processes without names.
describe_dump() { # DUMP
	python3 - "$1" << 'EOF'
import struct, sys

path = sys.argv[1]
with open(path, "rb") as f:
    eh = f.read(64)
    if eh[:4] != b"\x7fELF" or eh[4] != 2:
        sys.exit(f"qemu-dump.sh: {path} is not a 64-bit ELF core")
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    f.seek(phoff)
    phdrs = [struct.unpack("<IIQQQQQQ", f.read(phentsize)[:56]) for _ in range(phnum)]
    memory, vcpus, release = 0, 0, None
    for p_type, _, off, _, _, filesz, _, _ in phdrs:
        if p_type == 1:
            memory += filesz
        if p_type != 4:
            continue
        f.seek(off)
        notes, pos = f.read(min(filesz, 1 << 20)), 0
        while pos + 12 <= len(notes):
            namesz, descsz, _ = struct.unpack_from("<III", notes, pos)
            name = notes[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            dpos = pos + 12 + (namesz + 3 & ~3)
            desc = notes[dpos:dpos + descsz]
            if name == b"QEMU":
                vcpus += 1
            elif name == b"VMCOREINFO":
                for line in desc.decode("ascii", "replace").splitlines():
                    if line.startswith("OSRELEASE="):
                        release = line[len("OSRELEASE="):]
                release = release or "present"
            pos = dpos + (descsz + 3 & ~3)
print(f"qemu-dump.sh: {path}: {memory >> 20} MiB of guest memory, "
      f"{vcpus} vCPU state note(s), VMCOREINFO: {release or 'none'}")
if release is None:
    print("qemu-dump.sh: no VMCOREINFO: start QEMU with -device vmcoreinfo, and load"
          " the guest's qemu_fw_cfg driver, for process names", file=sys.stderr)
EOF
}

command -v python3 > /dev/null || die "python3 not found (apt-get install python3)"
if [[ -n $virsh ]]; then
	command -v virsh > /dev/null || die "virsh not found (apt-get install libvirt-clients)"
	echo "$prog: virsh dump --memory-only --format elf $virsh $dump" >&2
	virsh dump --memory-only --format elf "$virsh" "$dump" >&2 ||
		die "virsh dump of $virsh failed (above)"
else
	[[ -e $sock ]] || die "$sock: no such QMP socket (start QEMU with -qmp unix:$sock,server=on,wait=off)"
	[[ -S $sock ]] || die "$sock is not a socket"
	qmp_dump "$sock" "$dump"
fi
describe_dump "$dump"

if ((!mount)); then
	echo "mount it with: ${ptfs:-ptfs} $dump MOUNTPOINT"
	exit 0
fi
[[ -n $mnt ]] || mnt=$(mktemp -d /tmp/ptfs-qemu.XXXXXX)
"$ptfs" "$dump" "$mnt" || die "ptfs could not mount $dump (above)"
# The commands a user types next, with the real paths.
cat << EOF
mounted $dump on $mnt; next:
  cat $mnt/info
  ls -l $mnt/name/
  ls $mnt/proc/PID/regions/
  ${ptwalk:-ptwalk} $dump ps
  fusermount3 -u $mnt
EOF
