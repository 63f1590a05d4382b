#!/usr/bin/env python3
"""png_colours.py PNG FROM_ROW [RRGGBB ...] — the opaque colours of a PNG's
rows from FROM_ROW down (0: all; layout.svg's legend holds every class's
colour, so tests look below it), decoded with zlib and struct alone (no
PIL): with colours given, prints each one with the number of pixels of
exactly that colour; without, every colour and its count, most frequent
first.

Reads what rsvg-convert writes: 8-bit RGB or RGBA, not interlaced."""
import struct
import sys
import zlib


def chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("png_colours: not a PNG")
    at = 8
    while at < len(data):
        (n,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        yield kind, data[at + 8:at + 8 + n]
        at += 12 + n


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def pixels(path, from_row):
    data = open(path, "rb").read()
    idat = b""
    for kind, body in chunks(data):
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit("png_colours: only 8-bit RGB/RGBA, not interlaced")
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    at = 0
    for y in range(h):
        f = raw[at]
        line = bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 255
        for x in range(0, stride, bpp):
            if y >= from_row and (bpp == 3 or line[x + 3] == 255):
                yield bytes(line[x:x + 3]).hex()
        prev = line


def main():
    counts = {}
    for p in pixels(sys.argv[1], int(sys.argv[2])):
        counts[p] = counts.get(p, 0) + 1
    want = [c.lower().lstrip("#") for c in sys.argv[3:]]
    if want:
        for c in want:
            print(c, counts.get(c, 0))
    else:
        for c, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(c, n)


main()
