#!/usr/bin/env python3
"""json_check.py — json_test.sh's comparisons of a JSON form with its text.

    json_check.py KIND TEXT_FILE JSON_FILE

Each KIND parses the JSON (every line of a JSON Lines form on its own),
parses the text form the way a reader of it would, compares them field by
field, and prints one line saying what agreed ("5 runs equal"), for the
shell test to compare exactly.  Any difference: a message and exit 1.
"""
import json
import re
import sys


def fail(msg):
    print("MISMATCH: " + msg)
    sys.exit(1)


def same(what, got, want):
    if got != want:
        fail(f"{what}: JSON has {got!r}, text has {want!r}")


def doc(path):
    """One document, on one line."""
    data = open(path, "rb").read().decode("utf-8")
    if not data.endswith("\n") or data.count("\n") != 1:
        fail(f"{path}: not one line")
    return json.loads(data)


def lines(path):
    """JSON Lines: each line an object on its own."""
    out = []
    with open(path, "rb") as f:
        for i, raw in enumerate(f, 1):
            try:
                v = json.loads(raw.decode("utf-8"))
            except ValueError as e:
                fail(f"{path}:{i}: {e}")
            if not isinstance(v, dict):
                fail(f"{path}:{i}: not an object")
            out.append(v)
    return out


def text(path):
    return open(path, "rb").read().decode("utf-8", "surrogateescape")


def hx(s):
    """A JSON address: "0x" and lowercase hex, no leading zeros."""
    if not isinstance(s, str) or not re.fullmatch(r"0x(0|[1-9a-f][0-9a-f]*)", s):
        fail(f"{s!r} is not an address string")
    return int(s, 16)


def maps(tpath, jpath):
    rows = lines(jpath)
    tl = text(tpath).splitlines()
    same("runs", len(rows), len(tl))
    for r, line in zip(rows, tl):
        rng, pa, page, flags = line.split(" ")
        start, end = rng.split("-")
        same("va_start", hx(r["va_start"]), int(start, 16))
        same("va_end", hx(r["va_end"]), int(end, 16))
        same("pa", hx(r["pa"]), int(pa, 16))
        same("page", r["page"], page)
        same("flags", r["flags"], flags)
        unit = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
        same("page_size", r["page_size"], int(page[:-1]) * unit[page[-1]])
    return f"{len(rows)} runs equal"


def ptov(tpath, jpath):
    rows = lines(jpath)
    tl = text(tpath).splitlines()[1:]  # under the PtoV header
    same("pages", len(rows), len(tl))
    for r, line in zip(rows, tl):
        pa, va = line.split(" ")[:2]
        same("pa", hx(r["pa"]), int(pa, 16))
        same("va", hx(r["va"]), int(va, 16))
        # the text's tag: none for the mode's page, else how large
        if "(1GB large page)" in line:
            same("size", r["size"] >= 1 << 30, True)
        elif "(large page)" in line:
            same("size", 1 << 16 < r["size"] < 1 << 30, True)
        else:
            same("size", r["size"] <= 1 << 16, True)
    return f"{len(rows)} pages equal"


def kv(t):
    return dict(l.split(": ", 1) for l in t.splitlines() if ": " in l)


def id_of(v):
    return "-" if v is None else str(v)


def space_info(tpath, jpath):
    d = doc(jpath)
    t = kv(text(tpath))
    same("dirbase", hx(d["dirbase"]), int(t["dirbase"], 16))
    same("mode", f'{d["mode"]} ({d["mode_title"]})', t["mode"])
    same("cid", id_of(d["cid"]), t["cid"])
    same("parent", id_of(d["parent"]), t["parent"])
    same("name", d["name"] or "-", t["name"])
    same("owner-from", d["owner_from"] or "-", t["owner-from"])
    same("found", d["found"], t["found"])
    same("owner-object", d["owner_object"] and hx(d["owner_object"]),
         int(t["owner-object"], 16) if "owner-object" in t else None)
    for k in ("kpti-kernel", "kpti-user"):
        key = k.replace("-", "_")
        same(k, hx(d[key]) if key in d else None, int(t[k], 16) if k in t else None)
    sm = d["selfmap"]
    if sm is None:
        same("selfmap", "none", t["selfmap"])
    elif "pdpte" in sm:
        same("selfmap", t["selfmap"].startswith("pdpte %d " % sm["pdpte"]), True)
    else:
        same("selfmap", "0x%x (PTEs at %x)" % (sm["index"], hx(sm["pte_base"])),
             re.sub(r"at 0*", "at ", t["selfmap"]))
    n = 0
    for size, count in d["pages"].items():
        same("pages-" + size, count, int(t["pages-" + size]))
        n += count
    for k in ("tables", "reserved-entries", "tables-outside-dump"):
        same(k, d[k.replace("-", "_")], int(t[k]))
    same("shared-tables", d["shared_tables"], int(t["shared-tables"].split()[0]))
    return f"{n} pages, {d['tables']} tables equal"


def pte_block(d, block):
    """One !pte block's text holds every value of its JSON."""
    up = block.upper()
    for e in d["entries"]:
        if e["windbg"] is None:
            continue  # PAE's PDPTE: !pte has no column for it
        if not e["read"]:
            if e["address"] and f'{hx(e["address"]):X}' not in up:
                fail(f'{e["level"]} address {e["address"]} not in the text')
            continue
        c = hx(e["contains"])
        if not re.search(r"CONTAINS 0*%X\b" % c, up):
            fail(f'{e["level"]} contains {e["contains"]} not in the text')
        if e["valid"]:
            if not re.search(r"PFN %X\s+%s" % (hx(e["pfn"]), re.escape(e["flags"])), up):
                fail(f'{e["level"]} pfn {e["pfn"]} {e["flags"]} not in the text')
        elif "nonpresent" in e:
            np = e["nonpresent"]
            for k in ("pfn", "proto", "offset"):
                if k in np and f"{hx(np[k]):X}" not in up:
                    fail(f"{k} {np[k]} not in the text")
    soft = [f'{e["windbg"]} {e["software"]}' for e in d["entries"]
            if e.get("software") and e["windbg"]]
    if soft and "(Linux software bits: " + "; ".join(soft) + ")" not in block:
        fail(f"software bits {soft} not in the text")
    if d["status"] == "mapped" and d["large_page"]:
        if f'LARGE PAGE PFN {hx(d["pfn"]):X}' not in up:
            fail("large page pfn not in the text")
    return sum(e["read"] for e in d["entries"])


def pte(tpath, jpath):
    n = pte_block(doc(jpath), text(tpath))
    return f"{n} entries in the text"


def pte_range(tpath, jpath):
    rows = lines(jpath)
    blocks = text(tpath).split("\n\n")
    same("blocks", len(rows), len(blocks))
    n = sum(pte_block(r, b) for r, b in zip(rows, blocks))
    return f"{len(rows)} blocks, {n} entries in the text"


def pte_literal(tpath, jpath):
    """!pte ADDR 1: the text's address, its two contains, and the third
    line's two states (pfn and flags, or not valid) are the JSON's."""
    d = doc(jpath)
    t = text(tpath)
    up = t.upper()
    kind = d["address_kind"]
    same("address_kind", kind, "pa" if "(no self-map" in t else "va")
    q = hx(d["query"])
    m = re.search(r"^ +(VA|PA) ([0-9a-f]+)$", t, re.M)
    if m:  # the modern form echoes the address over its columns
        same("echoed kind", kind, m.group(1).lower())
        same("echoed address", q, int(m.group(2), 16))
    else:  # 32-bit x86's two columns start with it
        same("address", q, int(t.split()[0], 16))
    ats = re.findall(r"\b(PDE|PTE) at ([0-9A-F]+)", t)
    same("columns", [(a["windbg"], hx(a["address"])) for a in (d["as_pde"], d["as_pte"])],
         [(w, int(a, 16)) for w, a in ats])
    has = [int(c, 16) for c in re.findall(r"contains ([0-9A-F]+)", t)]
    same("contains", [hx(d["contains"])] + [hx(d[k]["contains"]) for k in ("as_pde", "as_pte")],
         has[:1] + has)
    states = re.findall(r"pfn ([0-9a-f]+) +(\S+)|not valid", t)
    want = [None if not p else (int(p, 16), f) for p, f in states]
    got = [(hx(a["pfn"]), a["flags"]) if a["valid"] else None
           for a in (d["as_pde"], d["as_pte"])]
    same("states", got, want)
    np = d["as_pte"].get("nonpresent")  # the text decodes it as a PTE
    for k in ("pfn", "proto", "offset"):
        if np and k in np and f"{hx(np[k]):X}" not in up:
            fail(f"{k} {np[k]} not in the text")
    soft = [f'{a["windbg"]} {a["software"]}' for a in (d["as_pde"], d["as_pte"])
            if a.get("software")]
    note = re.search(r"^\(Linux software bits: (.*)\)$", t, re.M)
    same("software", "; ".join(soft) or None, note and note.group(1))
    return f"{kind} {d['contains']}: 2 decodings equal"


def vtop(tpath, jpath):
    d = doc(jpath)
    t = text(tpath)
    for s in d["steps"]:
        if f'{hx(s["entry_pa"]):016x}' not in t:
            fail(f'step {s["level"]} at {s["entry_pa"]} not in the text')
    m = re.search(r"translates to physical address ([0-9a-f]+)\.", t)
    if d["status"] == "mapped":
        if not m:
            fail("mapped in JSON, not in the text")
        same("pa", hx(d["pa"]), int(m.group(1), 16))
        return f'{len(d["steps"])} steps, pa {d["pa"]}'
    if m or "translation fails, error " + d["error"] not in t:
        fail("the failure differs")
    return f'{len(d["steps"])} steps, {d["status"]}'


def ps(tpath, jpath):
    rows = lines(jpath)
    tl = text(tpath).splitlines()[1:]
    same("spaces", len(rows), len(tl))
    for r, line in zip(rows, tl):
        cid, parent, dirbase, mode, rest = line.split(None, 4)
        same("cid", id_of(r["cid"]), cid)
        same("parent", id_of(r["parent"]), parent)
        same("dirbase", hx(r["dirbase"]), int(dirbase, 16))
        same("mode", r["mode"], mode)
        name = r["name"] or "-"
        if not rest.startswith(name):
            fail(f"name {name!r} is not at the start of {rest!r}")
        owner, found = rest[len(name):].split(None, 1)
        same("owner-from", r["owner_from"] or "-", owner)
        same("found", r["found"], found)
    return f"{len(rows)} spaces equal"


def info(tpath, jpath):
    d = doc(jpath)
    t = text(tpath)
    k = kv(t)
    same("dump", d["dump"], k["dump"])
    same("format", d["format"], k["format"])
    same("file-size", d["file_size"], int(k["file-size"]))
    same("machine", d["machine"], k["machine"])
    same("phys-size", d["phys_size"], int(k["phys-size"].split()[0]))
    same("phys-end", hx(d["phys_end"]), int(k["phys-end"], 16))
    same("paging-mode", f'{d["paging_mode"]} ({d["paging_mode_title"]})', k["paging-mode"])
    same("mode-from", d["mode_from"], k["mode-from"])
    ranges = re.findall(r"^  ([0-9a-f]{16})-([0-9a-f]{16})  ", t, re.M)
    same("phys-ranges", [(hx(r["start"]), hx(r["end"])) for r in d["phys_ranges"]],
         [(int(a, 16), int(b, 16)) for a, b in ranges])
    cpus = re.findall(r"^  cpu (\d+): cr0 (\S+) cr3 (\S+) cr4 (\S+)$", t, re.M)
    same("cpus", [(c["index"], hx(c["cr0"]), hx(c["cr3"]), hx(c["cr4"])) for c in d["cpus"]],
         [(int(i), int(a, 16), int(b, 16), int(c, 16)) for i, a, b, c in cpus])
    spaces = re.findall(r"^  ([0-9a-f]+)  cid (\S+)  parent (\S+)  name (.*)  owner-from (\S+)  found: (.*)$",
                        t, re.M)
    same("address-spaces", len(d["address_spaces"]), int(k["address-spaces"]))
    same("spaces listed", len(d["address_spaces"]), len(spaces))
    for s, (db, cid, parent, name, owner, found) in zip(d["address_spaces"], spaces):
        same("dirbase", hx(s["dirbase"]), int(db, 16))
        same("cid", id_of(s["cid"]), cid)
        same("parent", id_of(s["parent"]), parent)
        same("name", s["name"] or "-", name)
        same("owner-from", s["owner_from"] or "-", owner)
        same("found", s["found"], found)
    return f'{len(d["address_spaces"])} spaces, {len(ranges)} ranges equal'


KINDS = {"maps": maps, "ptov": ptov, "space-info": space_info, "pte": pte,
         "pte-range": pte_range,
         "pte-literal": pte_literal, "vtop": vtop, "ps": ps, "info": info}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in KINDS:
        sys.exit("usage: json_check.py {%s} TEXT JSON" % "|".join(KINDS))
    print(KINDS[sys.argv[1]](sys.argv[2], sys.argv[3]))
