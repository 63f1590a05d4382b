#!/usr/bin/env bash
# man_test.sh — the man pages ptfs(1) and ptwalk(1) against the programs.
#
#   tests/man_test.sh PTFS PTWALK MKDUMP PTFS.1 PTWALK.1
#
# Both pages render without a warning from groff (-ww) or man.  The
# options of `ptfs --help` and `ptwalk --help`, and ptwalk's commands, are
# exactly those of the pages' OPTIONS and COMMANDS sections (names and
# value synopses, compared as sorted lists).  Every option listed is taken
# by its program, and ptfs's own (libfuse's) mount; every command listed
# runs; an option or command not listed is refused.  Every dump format the
# walker reads is named by ptfs --help and both pages, and --version and
# the pages give meson.build's version.
PTFS=$1
PTWALK=$2
MKDUMP=$3
PTFS_MAN=$4
PTWALK_MAN=$5
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

want_version=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$HERE/../meson.build")

# ---- rendering -------------------------------------------------------------------
for page in "$PTFS_MAN" "$PTWALK_MAN"; do
	name=$(basename "$page")
	expect "$name: groff -ww warnings" "$(groff -man -Tutf8 -ww -z "$page" 2>&1)" ""
	expect "$name: man -l warnings" \
		"$(MANWIDTH=80 man --warnings=all -l "$page" 2>&1 > /dev/null)" ""
	expect "$name: man -l renders NAME" \
		"$(MANWIDTH=80 man -P cat -l "$page" 2> /dev/null | sed -n '/^NAME$/{n;p;}' | cut -d' ' -f8)" \
		"${name%.1}"
	expect "$name: version in the footer" \
		"$(MANWIDTH=80 man -P cat -l "$page" 2> /dev/null | tail -1 | awk '{print $1, $2}')" \
		"ptfs $want_version"
done

# The tags of a rendered page's section: the lines of its .TP lists, which
# start in column 7 after a blank line (or the heading) with bold or italic text (groff's
# overstrikes: c BS c bold, _ BS c italic), up to the first plain word.
man_tags() { # PAGE SECTION
	groff -man -Tutf8 -P-c -rLL=80n "$1" 2> /dev/null | perl -e '
		my ($want, $on, $prev) = (shift, 0, "");
		while (my $l = <STDIN>) {
			chomp $l;
			(my $plain = $l) =~ s/.\x08//g;
			if ($plain =~ /^\S/) { $on = $plain eq $want; $plain = ""; }
			elsif ($on && $prev eq "" && $l =~ /^ {7}(?:(.)\x08\1|_\x08)/) {
				my ($rest, $tag) = (substr($l, 7), "");
				while ($rest =~ s/^(?:(.)\x08\1|_\x08(.)|([ ,]))//) {
					$tag .= $1 // $2 // $3;
				}
				$tag =~ s/[ ,]+$//;
				print "$tag\n";
			}
			$prev = $plain;
		}' "$2" | sort
}

# The tags of a --help section: its lines indented by two, up to the first
# two spaces.
help_tags() { # HEADER
	awk -v want="$1" '/^[^ ]/ { on = $0 == want; next }
		on && /^  [^ ]/ { sub(/^  /, ""); sub(/  .*/, ""); print }' | sort
}

# Lists equal and not empty; the difference on failure.
same_list() { # NAME HELP-LIST MAN-LIST
	if [[ -n $2 && $2 == "$3" ]]; then
		echo "ok   $1 ($(wc -l <<< "$2") entries)"
	else
		echo "FAIL $1: --help (<) and the man page (>) differ"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/     /' || true
		FAILED=1
	fi
}

ptfs_help=$("$PTFS" --help)
ptwalk_help=$("$PTWALK" --help)
ptfs_opts=$(help_tags "Options:" <<< "$ptfs_help")
ptwalk_opts=$(help_tags "Options:" <<< "$ptwalk_help")
ptwalk_cmds=$(help_tags "Commands:" <<< "$ptwalk_help")
same_list "ptfs: OPTIONS = --help" "$ptfs_opts" "$(man_tags "$PTFS_MAN" OPTIONS)"
same_list "ptwalk: OPTIONS = --help" "$ptwalk_opts" "$(man_tags "$PTWALK_MAN" OPTIONS)"
same_list "ptwalk: COMMANDS = --help" "$ptwalk_cmds" "$(man_tags "$PTWALK_MAN" COMMANDS)"
# Not vacuous: the extraction finds what is known to be there.
expect "ptfs: --help lists -h, --help and -o" \
	"$(grep -x -e '-h, --help' -e '-o OPT\[,OPT...\]' <<< "$ptfs_opts")" \
	"-h, --help
-o OPT[,OPT...]"
expect "ptwalk: --help lists pte's three forms" "$(grep '^pte' <<< "$ptwalk_cmds")" \
	"pte ADDR 1
pte START END
pte VA"

# ---- every option listed is taken --------------------------------------------------
"$MKDUMP" linux-x64 elf "$WORK/lx.elf"
cat > "$WORK/listing.txt" <<'EOF'
PROCESS ffffe00b2a8a4040
    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000
    DirBase: 0010a000  ObjectTable: ffffc2078a404040  HandleCount: 2883.
    Image: System
EOF
# A value each option's synopsis accepts; a new synopsis needs one here.
value_for() { # SYNOPSIS
	case $1 in
	MODE) echo x64 ;;
	'windows|linux') echo linux ;;
	HEX) echo 10a000 ;;
	'CID:DIRBASE[:NAME]') echo 4:10a000:System ;;
	FILE) echo "$WORK/listing.txt" ;;
	ADDR) echo 40000000 ;;
	ID) echo 2d71000 ;;
	'OPT[,OPT...]') echo allow_other ;;
	*) echo "FAIL: man_test.sh has no value for an option's $1" >&2; return 1 ;;
	esac
}

# Each name of each tag, with a value if the tag has one, taken by TOOL
# before --version (or --help itself, or --version itself).
options_taken() { # TOOL PROGRAM TAGS
	local tool=$1 prog=$2 tag names arg name v usage
	usage="usage: $tool [options] DUMP MOUNTPOINT"
	[[ $tool == ptwalk ]] && usage="usage: $tool [options] DUMP COMMAND [ARGS]"
	while read -r tag; do
		names=${tag%% [A-Za-z]*}
		arg=${tag#"$names"}
		arg=${arg# }
		for name in ${names//,/}; do
			v=()
			if [[ -n $arg ]]; then
				v=("$(value_for "$arg")") || { FAILED=1; continue; }
			fi
			case $name in
			-h|--help)
				"$prog" "$name" > "$WORK/out" 2>&1 && rc=0 || rc=$?
				expect "$tool takes $name" "$rc $(head -1 "$WORK/out")" "0 $usage" ;;
			*)
				"$prog" "$name" "${v[@]}" --version > "$WORK/out" 2>&1 && rc=0 || rc=$?
				expect "$tool takes $name ${v[*]}" \
					"$rc $(sed 's/ (FUSE library [0-9.]*)$//' "$WORK/out")" \
					"0 $tool $want_version" ;;
			esac
		done
	done <<< "$3"
}
options_taken ptfs "$PTFS" "$ptfs_opts"
options_taken ptwalk "$PTWALK" "$ptwalk_opts"

# ptfs's own options (those ptwalk has not: libfuse's) each mount, as
# libfuse takes them.
M=$WORK/m
while read -r tag; do
	name=${tag%% *}
	arg=${tag#"$name"}
	v=()
	[[ -n ${arg# } ]] && v=("$(value_for "${arg# }")")
	mount_ptfs "$M" "$name" "${v[@]}" "$WORK/lx.elf" 2> "$WORK/fuse.log"
	expect "ptfs $name ${v[*]}: mounted" "$(head -2 "$M/info")" "dump: $WORK/lx.elf
format: elf64"
	opts=$(awk -v m="$M" '$2 == m { print $4 }' /proc/mounts)
	expect "ptfs $name ${v[*]}: read-only" "${opts%%,*}" "ro"
	if [[ $name == -o ]]; then
		expect "ptfs -o allow_other: in the mount's options" \
			"$(tr , '\n' <<< "$opts" | grep -x allow_other)" "allow_other"
	fi
	unmount_ptfs "$M"
done < <(comm -23 <(printf '%s\n' "$ptfs_opts") <(printf '%s\n' "$ptwalk_opts"))

# What is not listed is refused, naming the option.
out=$("$PTFS" --frob "$WORK/lx.elf" "$M" 2>&1) && rc=0 || rc=$?
expect "ptfs refuses --frob" "$rc $out" "2 ptfs: unknown option '--frob' (see ptfs --help)"
out=$("$PTFS" -V "$WORK/lx.elf" "$M" 2>&1) && rc=0 || rc=$?
expect "ptfs refuses -V (libfuse's, not listed)" "$rc $out" "2 ptfs: unknown option '-V' (see ptfs --help)"
out=$("$PTWALK" --frob "$WORK/lx.elf" ps 2>&1) && rc=0 || rc=$?
expect "ptwalk refuses --frob" "$rc $out" "1 ptwalk: unknown option '--frob' (see ptwalk --help)"
out=$("$PTWALK" --no-scan=1 "$WORK/lx.elf" ps 2>&1) && rc=0 || rc=$?
expect "ptwalk: a flag takes no value" "$rc $out" "1 ptwalk: --no-scan takes no value"
out=$("$PTWALK" --dirbase 2>&1) && rc=0 || rc=$?
expect "ptwalk: a value missing" "$rc $out" "1 ptwalk: --dirbase needs a value"
out=$("$PTWALK" -f "$WORK/lx.elf" ps 2>&1) && rc=0 || rc=$?
expect "ptwalk refuses ptfs's -f" "$rc $out" "1 ptwalk: unknown option '-f' (see ptwalk --help)"

# ---- every command listed runs -------------------------------------------------------
while read -r cmd rest; do
	args=()
	for a in $rest; do
		case $a in
		VA) args+=(603abc) ;;
		START) args+=(603000) ;;
		ADDR) args+=(10f018) ;;
		1) args+=(1) ;;
		END) args+=(604fff) ;;
		DIRBASE) args+=(10a000) ;;
		PA) args+=(10a000) ;;
		LEN) args+=(16) ;;
		*) echo "FAIL: man_test.sh has no value for a command's $a"; FAILED=1 ;;
		esac
	done
	"$PTWALK" --no-scan --dirbase 10a000 "$WORK/lx.elf" "$cmd" "${args[@]}" \
		> "$WORK/out" 2> "$WORK/err" && rc=0 || rc=$?
	expect "ptwalk $cmd ${args[*]}: runs" "$rc $(head -c 200 "$WORK/err")" "0 "
	bytes=$(wc -c < "$WORK/out")
	expect "ptwalk $cmd ${args[*]}: prints" "$((bytes > 0))" "1"
done <<< "$ptwalk_cmds"
out=$("$PTWALK" "$WORK/lx.elf" frob 2>&1) && rc=0 || rc=$?
expect "ptwalk refuses frob" "$rc $out" "1 ptwalk: unknown command 'frob' (see ptwalk --help)"

# ---- dump formats and versions ---------------------------------------------------------
# The walker's readers (dump.c's formats[]), each named by ptfs --help and
# by both pages, whatever words they use around it.
formats=$(sed -n '/formats\[\] = {/,/};/s/.*&ptw_format_\([a-z0-9_]*\).*/\1/p' \
	"$HERE/../walker/dump/dump.c")
expect "the walker's formats" "$(tr '\n' ' ' <<< "$formats")" "elf kdump lime windows raw "
for page in "$PTFS_MAN" "$PTWALK_MAN"; do
	text=$(MANWIDTH=1000 man -P cat -l "$page" 2> /dev/null | sed -n '/^DESCRIPTION/,/^[A-Z]/p')
	for f in $formats; do
		expect "$(basename "$page") names the $f format" \
			"$(grep -ioc "\b$f\b" <<< "$text" | sed 's/^[1-9][0-9]*$/yes/')" "yes"
	done
done
for f in $formats; do
	expect "ptfs --help names the $f format" \
		"$(grep -ioc "\b$f\b" <<< "$ptfs_help" | sed 's/^[1-9][0-9]*$/yes/')" "yes"
done
expect "ptfs --version" "$("$PTFS" --version | sed 's/ (FUSE library [0-9.]*)$//')" \
	"ptfs $want_version"
expect "ptwalk --version" "$("$PTWALK" --version)" "ptwalk $want_version"

finish
