#!/usr/bin/env python3
"""The PyTorch reference for 'nn bench --model SPEC': the torch.nn.Sequential of an nn4j model spec
(scripts/nn4j_torch.py builds it), trained with Adam on synthetic data of the spec's input shape.

    /usr/bin/python3 bench/torch_spec.py SPEC.json [--batch-size 128] [--threads N] [--dtype float32]
                                         [--flush-denormal] [--seconds 3] [--warmup 2] [--windows 3] [--json]

Prints samples/s per timed window and their median; with --json, one JSON object on the last line.
PyTorch runs with --threads intra-op threads (default: every core) and its default kernels (oneDNN
for convolutions where built in); --flush-denormal sets torch.set_flush_denormal(True).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from nn4j_torch import sequential  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windows import samples_per_second  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("spec")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--windows", type=int, default=3)
    p.add_argument("--flush-denormal", action="store_true")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.flush_denormal and not torch.set_flush_denormal(True):
        sys.exit("torch_spec.py: --flush-denormal: this CPU cannot flush subnormals")
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    with open(args.spec) as f:
        spec = json.load(f)
    model = sequential(spec).to(dtype).train()
    with torch.no_grad():
        out = model(torch.zeros([2] + spec["input"], dtype=dtype))
    classes = out.shape[1]
    gen = torch.Generator().manual_seed(1)
    x = torch.rand([args.batch_size] + spec["input"], generator=gen, dtype=dtype)
    y = torch.randint(classes, (args.batch_size,), generator=gen)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    median, speeds = samples_per_second(lambda i: step(), args.batch_size, args.warmup, args.windows, args.seconds,
                                        None if args.json else lambda r: print("  window: %.0f samples/s" % r))
    result = {"samples_per_second": median, "windows": speeds, "threads": args.threads, "torch": torch.__version__,
              "batch_size": args.batch_size, "dtype": args.dtype}
    print(json.dumps(result) if args.json else "samples/s: median %.0f (PyTorch %s, %d threads)" % (
        median, torch.__version__, args.threads))


if __name__ == "__main__":
    main()
