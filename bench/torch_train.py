#!/usr/bin/env python3
"""The PyTorch reference for 'nn train --model SPEC': the torch.nn.Sequential of an nn4j model spec
(scripts/nn4j_torch.py builds it) trained with Adam (or SGD with momentum) on Fashion-MNIST's training
set, as nn train does.

    python bench/torch_train.py SPEC.json [--epochs 1] [--threads 2] [--batch-size 128]
                                [--optimizer adam|sgd] [--lr RATE] [--momentum 0.9] [--flush-denormal on|off]
                                [--data DIR] [--seed 42] [--dtype float32] [--json]

The learning rate defaults to nn train's: 0.001 for adam, 0.05 for sgd. --flush-denormal sets
torch.set_flush_denormal (on by default: the faster setting on x86, where denormals are slow).

Pixels are scaled to [0, 1] as nn4j's Idx reader does, each epoch shuffles all 60,000 images, and the
last partial batch trains too (a last batch of one joins the one before, as in nn4j's Trainer). Only the
training loop is timed, shuffle and evaluation excluded, as nn train's samples_per_second. Prints each
epoch's samples/s and mean loss; with --json, then one JSON object on the last line.
"""
import argparse
import gzip
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from nn4j_torch import sequential  # noqa: E402


def idx(directory, name):
    """The bytes of an IDX file of Fashion-MNIST, gzip'd or not, as nn4j's FashionMnist looks for them."""
    path = os.path.join(directory, name)
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("spec")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--optimizer", default="adam", choices=["adam", "sgd"])
    p.add_argument("--lr", type=float)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--flush-denormal", default="on", choices=["on", "off"])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(args.flush_denormal == "on")
    torch.manual_seed(args.seed)
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    with open(args.spec) as f:
        spec = json.load(f)
    images = idx(args.data, "train-images-idx3-ubyte")
    labels = idx(args.data, "train-labels-idx1-ubyte")
    # Headers: 16 bytes (magic, count, rows, cols) and 8 (magic, count); pixels / 255 in float32, as nn4j.
    x = (torch.frombuffer(bytearray(images[16:]), dtype=torch.uint8).float() / 255).to(dtype)
    y = torch.frombuffer(bytearray(labels[8:]), dtype=torch.uint8).long()
    x = x.reshape([len(y)] + spec["input"])
    model = sequential(spec).to(dtype).train()
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr or 0.001)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr or 0.05, momentum=args.momentum)
    gen = torch.Generator().manual_seed(args.seed)
    n, size = len(y), min(args.batch_size, len(y))
    batches = (n + size - 1) // size
    if batches > 1 and n % size == 1:
        batches -= 1
    epochs = []
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        start = time.perf_counter()
        for b in range(batches):
            rows = order[b * size:n if b == batches - 1 else (b + 1) * size]
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(rows)
        speed = n / (time.perf_counter() - start)
        epochs.append({"epoch": epoch, "samples_per_second": speed, "train_loss": loss_sum / n})
        print("epoch %d: %.0f samples/s, loss %.4f" % (epoch, speed, loss_sum / n), flush=True)
    if args.json:
        print(json.dumps({"samples_per_second": epochs[-1]["samples_per_second"], "epochs": epochs,
                          "torch": torch.__version__, "threads": args.threads, "optimizer": args.optimizer,
                          "flush_denormal": args.flush_denormal}))


if __name__ == "__main__":
    main()
