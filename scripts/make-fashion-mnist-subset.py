#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset that ships with nn4j: the first 10,000 training and the first
2,000 test examples of the Debian package dataset-fashion-mnist, as gzip'd IDX files (same format,
same order, fixed gzip timestamp so that the output is reproducible).

    python3 scripts/make-fashion-mnist-subset.py [SOURCE_DIR] [TARGET_DIR]
"""
import gzip
import struct
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
TARGET = Path(sys.argv[2] if len(sys.argv) > 2
              else Path(__file__).resolve().parent.parent
              / "nn-modules/src/main/resources/org/nn4j/data/fashion-mnist-subset")
KEEP = {"train": 10_000, "t10k": 2_000}


def cut(name: str, count: int) -> None:
    data = gzip.open(SOURCE / name).read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
    item = 1
    for d in shape[1:]:
        item *= d
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * dims, count, *shape[1:])
    body = data[4 + 4 * dims: 4 + 4 * dims + count * item]
    with open(TARGET / name, "wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
            gz.write(header + body)


TARGET.mkdir(parents=True, exist_ok=True)
for split, count in KEEP.items():
    kind = {"train": "train", "t10k": "t10k"}[split]
    cut(f"{kind}-images-idx3-ubyte.gz", count)
    cut(f"{kind}-labels-idx1-ubyte.gz", count)
print(f"wrote {TARGET}")
