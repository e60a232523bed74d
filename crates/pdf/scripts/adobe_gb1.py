#!/usr/bin/env python3
"""Writes data/adobe-gb1-cid2unicode.bin: the Adobe-GB1 CID → Unicode mapping, one big-endian
u16 per CID from 0 to the highest mapped CID (0 = no character). Every mapped character is in
the Basic Multilingual Plane (the script checks).

Source: the `to-unicode-Adobe-GB1.pickle.gz` table of the pdfminer.six wheel (MIT licence,
version 20240706, https://pypi.org/project/pdfminer.six/), which pdfminer converts from
Adobe's cmap-resources (BSD-3-Clause, https://github.com/adobe-type-tools/cmap-resources).
The horizontal table (CID2UNICHR_H) is used.

Usage: pip download pdfminer.six==20240706 --no-deps -d /tmp/pm
       cd /tmp/pm && unzip -q pdfminer.six-20240706-py3-none-any.whl
       python3 scripts/adobe_gb1.py /tmp/pm/pdfminer/cmap/to-unicode-Adobe-GB1.pickle.gz
"""
import gzip
import pathlib
import pickle
import struct
import sys

source = sys.argv[1]
with gzip.open(source) as f:
    table = pickle.load(f)["CID2UNICHR_H"]
assert all(len(c) == 1 and ord(c) <= 0xFFFF for c in table.values())
last = max(table)
data = b"".join(struct.pack(">H", ord(table.get(cid, "\0"))) for cid in range(last + 1))
out = pathlib.Path(__file__).resolve().parent.parent / "data" / "adobe-gb1-cid2unicode.bin"
out.write_bytes(data)
print(f"{out}: {len(table)} CIDs mapped, CIDs 0..={last}, {len(data)} bytes")
