#!/usr/bin/env python3
"""nested_check.py — a guest inside a host's dump, checked through the mount
against what the guest's VMM recorded (truth.txt of nested-svm-npt).

    nested_check.py MOUNT TRUTH

MOUNT is ptfs's mount of the host's dump.  From truth.txt:
  TRUTH-VM    the guest's CR3 (a guest-physical address) and the VMM's pid;
  TRUTH-MARK  pages the guest wrote: guest VA -> guest PA -> host PA, and
              the FNV-1a 64 of their 4096 bytes;
  TRUTH-GPT   the guest's own page tables: guest PA, level, host PA, FNV;
  TRUTH-GPAGE guest pages and whether the guest touched them (an untouched
              one has no nested mapping at all).
Checked, each through the mount only:
  - /vm lists one guest; its info names the VMM's pid;
  - for every mark: the guest's maps give its guest PA, npt-maps its host
    PA, and the bytes through the guest's vmem and through the guest's
    phys hash to its FNV;
  - for every guest table: npt-maps puts it at its host PA, its bytes (the
    guest's phys) hash to its FNV, and the guest's table tree holds it at
    the level truth says, its entries' host-address lines at that host PA;
  - touched guest pages are mapped at their host PA, the untouched one is
    a hole of phys (zeros, skipped by SEEK_DATA).
Prints a line per check; exits 1 on any failure.
"""
import os
import re
import sys

FAILED = 0


def check(name, ok, detail=""):
    global FAILED
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        FAILED = 1


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xffffffffffffffff
    return h


def fields(line):
    """key=value pairs, the first of each key (head= repeats gva=)."""
    out = {}
    for m in re.finditer(r"(\w+)=(\S+)", line):
        out.setdefault(m.group(1), m.group(2))
    return out


def read_truth(path):
    recs = {"TRUTH-VM": [], "TRUTH-MARK": [], "TRUTH-GPT": [], "TRUTH-GPAGE": []}
    with open(path) as f:
        for line in f:
            kind = line.split(" ", 1)[0]
            if kind in recs:
                recs[kind].append(fields(line))
    return recs


def runs(path):
    """maps lines: (start, end, pa), all hex."""
    out = []
    with open(path) as f:
        for line in f:
            a, pa = line.split()[0:2]
            s, e = a.split("-")
            out.append((int(s, 16), int(e, 16), int(pa, 16)))
    return out


def lookup(rs, addr):
    for s, e, pa in rs:
        if s <= addr < e:
            return pa + (addr - s)
    return None


def read_at(path, off, n=4096):
    with open(path, "rb") as f:
        f.seek(off)
        return f.read(n)


def vmem_offset(va):
    """vmem's offsets: x86-64's upper half folded down (va & (2^48 - 1))."""
    return va & ((1 << 48) - 1)


def entry_files(top):
    """Every entry file under a table tree: its parsed lines."""
    for d, _, files in os.walk(top):
        if "entry" in files:
            with open(os.path.join(d, "entry")) as f:
                yield dict(l.rstrip("\n").split(": ", 1) for l in f if ": " in l)


def main():
    mnt, truth = sys.argv[1], sys.argv[2]
    t = read_truth(truth)
    vm = t["TRUTH-VM"][0]
    vms = sorted(os.listdir(os.path.join(mnt, "vm")))
    check("one guest under /vm", len(vms) == 1, repr(vms))
    g = os.path.join(mnt, "vm", vms[0])
    cr3 = "%x" % int(vm["l2_cr3_gpa"], 16)
    check("guest space dtb/%s" % cr3, os.listdir(os.path.join(g, "dtb")) == [cr3],
          repr(os.listdir(os.path.join(g, "dtb"))))
    with open(os.path.join(mnt, "info")) as f:
        info = f.read()
    check("host info: the VMM is pid %s" % vm["vmm_pid"],
          re.search(r"^  %s .* vmm host table \w+ \(cid %s vmm\)$" % (vms[0], vm["vmm_pid"]),
                    info, re.M) is not None)
    space = os.path.join(g, "dtb", cr3)
    gmaps = runs(os.path.join(space, "maps"))
    npt = runs(os.path.join(g, "npt-maps"))
    phys = os.path.join(g, "phys")
    vmem = os.path.join(space, "vmem")

    for m in t["TRUTH-MARK"]:
        gva, gpa, hpa, fnv = (int(m[k], 16) for k in ("gva", "gpa", "hpa", "fnv"))
        n = m["n"]
        got = lookup(gmaps, gva)
        check("mark %s: guest maps %x -> %x" % (n, gva, gpa), got == gpa,
              "got %s" % (hex(got) if got is not None else None))
        got = lookup(npt, gpa)
        check("mark %s: npt-maps %x -> %x" % (n, gpa, hpa), got == hpa,
              "got %s" % (hex(got) if got is not None else None))
        check("mark %s: vmem bytes" % n, fnv1a64(read_at(vmem, vmem_offset(gva))) == fnv)
        check("mark %s: phys bytes" % n, fnv1a64(read_at(phys, gpa)) == fnv)

    entries = list(entry_files(os.path.join(space, "pml4")))
    levels = {4: "PML4E", 3: "PDPTE", 2: "PDE", 1: "PTE"}
    for p in t["TRUTH-GPT"]:
        gpa, hpa, fnv = (int(p[k], 16) for k in ("gpa", "hpa", "fnv"))
        level = int(p["level"])
        check("guest table %x: npt-maps -> %x" % (gpa, hpa), lookup(npt, gpa) == hpa)
        check("guest table %x: bytes" % gpa, fnv1a64(read_at(phys, gpa)) == fnv)
        mine = [e for e in entries if int(e["table"], 16) == gpa]
        check("guest table %x: in the tree at level %s" % (gpa, levels[level]),
              mine != [] and all(e["level"] == levels[level] for e in mine),
              "%d entries, levels %s" % (len(mine), sorted({e["level"] for e in mine})))
        check("guest table %x: entries' host addresses" % gpa,
              mine != [] and all(int(e["host-address"], 16) - int(e["address"], 16) == hpa - gpa
                                 for e in mine))

    size = os.path.getsize(phys)
    for p in t["TRUTH-GPAGE"]:
        gpa, hpa = int(p["gpa"], 16), int(p["hpa"], 16)
        if p["l2_touched"] == "1":
            check("guest page %x: npt-maps -> %x" % (gpa, hpa), lookup(npt, gpa) == hpa)
            continue
        check("untouched guest page %x: not mapped" % gpa, lookup(npt, gpa) is None)
        check("untouched guest page %x: zeros" % gpa, read_at(phys, gpa) == bytes(4096))
        fd = os.open(phys, os.O_RDONLY)
        try:
            data = os.lseek(fd, gpa, os.SEEK_DATA)
        finally:
            os.close(fd)
        check("untouched guest page %x: a hole to SEEK_DATA" % gpa,
              gpa + 4096 <= data < size, "SEEK_DATA gave %x" % data)
    sys.exit(FAILED)


if __name__ == "__main__":
    main()
