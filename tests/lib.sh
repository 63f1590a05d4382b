# lib.sh — shared by the shell tests: mount ptfs for real, always unmount.
#
# Needs PTFS (the daemon).  Sets WORK (a scratch directory removed at exit).
# mount_ptfs MNT [ptfs options] DUMP   mounts in the background (-f) and
#                                      waits until the mount is live
# unmount_ptfs MNT                     unmounts; fails if the daemon's exit
#                                      status is not 0 (sanitizer reports)
# expect NAME GOT WANT                 compares two texts, shows a diff

set -euo pipefail

WORK=$(mktemp -d /tmp/ptfs-work.XXXXXX)
declare -A PTFS_PID=()
FAILED=0

cleanup() {
	local m
	for m in "${!PTFS_PID[@]}"; do
		fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		wait "${PTFS_PID[$m]}" 2>/dev/null || true
	done
	# Whatever a test left mounted under WORK (a mount made in a subshell
	# is not in PTFS_PID): unmount it, and never let rm walk into a mount.
	awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts |
		while read -r m; do fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; done
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# Call it from the test's own shell, not in $(...): the record of the
# mount (PTFS_PID) must outlive the call.
mount_ptfs() {
	local mnt=$1
	shift
	mkdir -p "$mnt"
	"$PTFS" -f "$@" "$mnt" &
	local pid=$! i
	for i in $(seq 1 600); do
		if mountpoint -q "$mnt"; then
			PTFS_PID[$mnt]=$pid
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" || true
			echo "FAIL: ptfs exited before mounting $*" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "FAIL: ptfs did not mount $* within 30 s" >&2
	kill "$pid"
	return 1
}

unmount_ptfs() {
	local mnt=$1 pid=${PTFS_PID[$1]}
	fusermount3 -u "$mnt"
	unset "PTFS_PID[$mnt]"
	if ! wait "$pid"; then
		echo "FAIL: ptfs for $mnt exited with an error" >&2
		FAILED=1
	fi
}

expect() {
	local name=$1 got=$2 want=$3
	if [[ "$got" == "$want" ]]; then
		echo "ok   $name"
	else
		echo "FAIL $name"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/     /' || true
		FAILED=1
	fi
}

finish() {
	if [[ $FAILED != 0 ]]; then
		echo "some checks FAILED"
		exit 1
	fi
	echo "all checks passed"
}
