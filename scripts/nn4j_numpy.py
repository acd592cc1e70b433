#!/usr/bin/env python3
"""Reads an nn4j model file with NumPy alone and classifies rows of features.

    python3 scripts/nn4j_numpy.py MODEL.safetensors FEATURES.csv   # prints one class index per row
"""
import json
import struct
import sys

import numpy as np


def load_nn4j(path):
    """The tensors (by name) and the metadata of an nn4j model file: safetensors, little-endian."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__")
    kinds = {"F32": "<f4", "F64": "<f8"}
    tensors = {name: np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]], kinds[t["dtype"]])
               .reshape(t["shape"]) for name, t in header.items()}
    return tensors, meta


def logits(tensors, meta, x):
    """The network's outputs for rows x: y = x @ W + b per layer, the activation between layers."""
    arch = json.loads(meta["nn4j.architecture"])
    act = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
           "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[arch["activation"]]
    if "input.mean" in tensors:
        x = (x - tensors["input.mean"]) / tensors["input.std"]
    layers = len(arch["hidden_sizes"]) + 1
    for i in range(layers):
        x = x @ tensors[f"layers.{i}.weight"] + tensors[f"layers.{i}.bias"]
        if i < layers - 1:
            x = act(x)
    return x


if __name__ == "__main__":
    tensors, meta = load_nn4j(sys.argv[1])
    rows = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2, dtype=np.float32)
    for c in logits(tensors, meta, rows).argmax(axis=1):
        print(c)
