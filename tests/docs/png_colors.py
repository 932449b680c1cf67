#!/usr/bin/env python3
"""What a PNG screenshot shows, in colours (standard library only).

    png_colors.py FILE.png [RRGGBB...]

Prints "WIDTHxHEIGHT, N colours" and, for each RRGGBB given, whether at
least 20 pixels have exactly that colour.  Exit 0 when the picture has at
least 8 colours (a blank or failed page has one or two) and every colour
asked for is there; 1 otherwise; 2 for a file that is no PNG this reads
(8-bit greyscale, RGB or RGBA, not interlaced).
"""
import struct
import sys
import zlib


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = hdr
    channels = {0: 1, 2: 3, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ValueError("unsupported PNG (depth %d, colour type %d)" % (depth, ctype))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        base = y * (stride + 1)
        ftype = raw[base]
        line = bytearray(raw[base + 1 : base + 1 + stride])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif ftype == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        width, height, channels, rows = decode(sys.argv[1])
    except (OSError, ValueError, zlib.error, struct.error, TypeError) as e:
        print("png_colors: %s: %s" % (sys.argv[1], e))
        return 2
    counts = {}
    for row in rows:
        for x in range(0, len(row), channels):
            px = row[x : x + 3] if channels >= 3 else row[x : x + 1] * 3
            counts[px] = counts.get(px, 0) + 1
    print("%dx%d, %d colours" % (width, height, len(counts)))
    ok = len(counts) >= 8
    for want in sys.argv[2:]:
        px = bytes.fromhex(want)
        there = counts.get(px, 0) >= 20
        print("#%s: %s" % (want, "%d pixels" % counts[px] if there else "absent"))
        ok = ok and there
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
