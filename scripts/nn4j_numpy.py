#!/usr/bin/env python3
"""Reads an nn4j model file with NumPy alone and classifies rows of features.

    python3 scripts/nn4j_numpy.py MODEL.safetensors FEATURES.csv   # prints one class index per row
"""
import hashlib
import json
import struct
import sys

import numpy as np


def checksum(header, data):
    """nn4j.checksum of a file: SHA-256 of the canonical header (every metadata entry but the checksum,
    sorted by key; each tensor's name, dtype, shape and offsets, sorted by name), its length first as 8
    little-endian bytes, then the tensor bytes."""
    meta = sorted([k, v] for k, v in header.get("__metadata__", {}).items() if k != "nn4j.checksum")
    tensors = [[name, t["dtype"], list(t["shape"]), *t["data_offsets"]]
               for name, t in sorted(header.items()) if name != "__metadata__"]
    canonical = json.dumps([meta, *tensors], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(struct.pack("<Q", len(canonical)) + canonical + data)
    return "sha256:" + digest.hexdigest()


def load_nn4j(path):
    """The tensors (by name) and the metadata of an nn4j model file: safetensors, little-endian; its
    nn4j.checksum verified where it has one."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    recorded = header.get("__metadata__", {}).get("nn4j.checksum")
    if recorded is not None and recorded != checksum(header, data):
        raise ValueError(f"{path}: nn4j.checksum does not match; the file is corrupt or was edited")
    meta = header.pop("__metadata__")
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    tensors = {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]], kinds[t["dtype"]])
               .reshape(t["shape"]) for name, t in header.items()}
    return tensors, meta


def logits(tensors, meta, x):
    """The model's outputs for rows x, in evaluation mode: its spec's layers, one after another."""
    if "nn4j.input" in meta:
        standard = json.loads(meta["nn4j.input"])
        x = (x - np.array(standard["mean"], np.float32)) / np.array(standard["std"], np.float32)
    spec = json.loads(meta["nn4j.spec"])
    for i, layer in enumerate(spec["layers"]):
        kind = layer["type"]
        if kind == "linear":
            x = x @ tensors[f"{i}.weight"].T            # PyTorch's layout: weight is [out, in]
            if f"{i}.bias" in tensors:
                x = x + tensors[f"{i}.bias"]
        elif kind == "relu":
            x = np.maximum(x, 0)
        elif kind == "leaky_relu":
            x = np.where(x > 0, x, layer.get("negative_slope", 0.01) * x)
        elif kind == "tanh":
            x = np.tanh(x)
        elif kind == "sigmoid":
            x = 1 / (1 + np.exp(-x))
        elif kind == "batchnorm1d":
            x = (x - tensors[f"{i}.running_mean"]) / np.sqrt(tensors[f"{i}.running_var"] + layer.get("eps", 1e-5))
            if f"{i}.weight" in tensors:
                x = x * tensors[f"{i}.weight"] + tensors[f"{i}.bias"]
        elif kind not in ("dropout", "flatten"):  # both are the identity here
            raise ValueError(f"layer {i}: no NumPy code for layer type {kind!r}")
    return x            # argmax(axis=1) is the class; softmax gives the probabilities


if __name__ == "__main__":
    tensors, meta = load_nn4j(sys.argv[1])
    rows = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2, dtype=np.float32)
    for c in logits(tensors, meta, rows).argmax(axis=1):
        print(c)
