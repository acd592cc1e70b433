#!/usr/bin/env python3
"""The PyTorch reference for 'nn bench': the same MLP (784-256-128-10, ReLU), softmax cross-entropy,
optimizer (Adam, or SGD with momentum 0.9 as nn4j's), batch and dtype, on synthetic data of
Fashion-MNIST's shape. Runs on Debian's python3-torch (torch 1.13, whose BLAS is the system OpenBLAS).

    /usr/bin/python3 bench/torch_mlp.py [--hidden 256,128] [--batch-size 128] [--dtype float32]
        [--optimizer adam|sgd] [--threads 1] [--blas-threads N] [--coretype NAME|auto]
        [--flush-denormal] [--seconds 2] [--warmup 1] [--windows 3] [--json]
    /usr/bin/python3 bench/torch_mlp.py --sweep [--optimizer ...] [--dtype ...]

PyTorch's speed here hangs on two settings that it does not choose well by itself: the OpenBLAS
kernels (OPENBLAS_CORETYPE: OpenBLAS 0.3.21 falls back to slow ones on CPUs newer than it) and how
threads are split between torch's intra-op pool and OpenBLAS's (both at every core oversubscribe).
--coretype auto (the default) names the kernels the CPU's instructions allow, as ./nn does; --sweep
times every combination of coretype and thread split briefly and prints the best, which the
comparison script then uses. --flush-denormal runs with torch.set_flush_denormal(True): on this
synthetic data (random labels) many ReLU units die, their Adam and momentum state decays into
subnormal numbers, and arithmetic on those is slow on Intel cores; nn4j's optimizers flush such state
themselves (a floor far above the subnormals), so the sweep tries PyTorch both ways.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windows import samples_per_second  # noqa: E402


def parse(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--hidden", default="256,128")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--optimizer", default="adam", choices=["adam", "sgd"])
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    p.add_argument("--blas-threads", type=int, default=os.cpu_count(), help="OpenBLAS threads")
    p.add_argument("--coretype", default="auto", help="OPENBLAS_CORETYPE, 'auto' or 'unset'")
    p.add_argument("--windows", type=int, default=3)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--flush-denormal", action="store_true", help="torch.set_flush_denormal(True)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--sweep", action="store_true")
    return p.parse_args(argv)


def auto_coretype():
    """The OpenBLAS kernel family this CPU's instructions allow (as scripts/openblas-coretype.sh)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return None
    if all(f in flags for f in ("avx512f", "avx512bw", "avx512dq", "avx512vl")):
        return "SkylakeX"
    if "avx2" in flags and "fma" in flags:
        return "Haswell"
    return None


def environment(args):
    """The environment of a run: OpenBLAS's kernels and threads are read when torch is imported."""
    env = dict(os.environ)
    coretype = auto_coretype() if args.coretype == "auto" else None if args.coretype == "unset" else args.coretype
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    env["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    env["OMP_NUM_THREADS"] = str(args.threads)
    return env, coretype or "unset"


def run(args):
    import torch

    torch.set_num_threads(args.threads)
    if args.flush_denormal and not torch.set_flush_denormal(True):
        sys.exit("torch_mlp.py: --flush-denormal: this CPU cannot flush subnormals")
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    torch.manual_seed(42)
    sizes = [784] + [int(h) for h in args.hidden.split(",")] + [10]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(dtype)
    lr = args.lr if args.lr is not None else (1e-3 if args.optimizer == "adam" else 0.05)
    optimizer = (torch.optim.Adam(model.parameters(), lr=lr) if args.optimizer == "adam"
                 else torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9))
    n = 8192
    gen = torch.Generator().manual_seed(1)
    x_all = torch.rand((n, 784), generator=gen, dtype=dtype)
    y_all = torch.randint(10, (n,), generator=gen)
    batch = args.batch_size

    def step(i):
        lo = (i * batch) % (n - batch + 1)
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x_all[lo:lo + batch]), y_all[lo:lo + batch])
        loss.backward()
        optimizer.step()

    median, rates = samples_per_second(step, batch, args.warmup, args.windows, args.seconds,
                                       None if args.json else lambda r: print(f"window: {r:,.0f} samples/s"))
    result = {"samples_per_second": median, "windows": rates, "dtype": args.dtype, "optimizer": args.optimizer,
              "batch_size": batch, "sizes": sizes, "torch": torch.__version__, "threads": args.threads,
              "blas_threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
              "coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"), "flush_denormal": args.flush_denormal}
    print(json.dumps(result) if args.json else
          f"pytorch {args.dtype} {args.optimizer}: median {median:,.0f} samples/s (torch {torch.__version__},"
          f" {args.threads} torch threads, {result['blas_threads']} OpenBLAS threads, coretype {result['coretype']}"
          f"{', subnormals flushed' if args.flush_denormal else ''})")


def sweep(args):
    """Times every coretype, thread split and subnormal mode briefly; prints each, then the best as flags."""
    cores = os.cpu_count()
    coretypes = ["unset", "Haswell", "SkylakeX", "Zen"]
    splits = sorted({(1, cores), (cores, 1), (1, 1), (cores, cores)})
    best = None
    for coretype, (threads, blas), flush in ((c, s, f) for c in coretypes for s in splits for f in (False, True)):
        argv = [sys.executable, os.path.abspath(__file__), "--json", "--dtype", args.dtype, "--optimizer",
                args.optimizer, "--batch-size", str(args.batch_size), "--hidden", args.hidden, "--threads",
                str(threads), "--blas-threads", str(blas), "--coretype", coretype, "--windows", "3",
                "--seconds", "1", "--warmup", "1"] + (["--flush-denormal"] if flush else [])
        sub = parse(argv[2:])
        env, _ = environment(sub)
        env["NN4J_TORCH_CHILD"] = "1"
        out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
        speed = json.loads(out.strip().splitlines()[-1])["samples_per_second"]
        print(f"coretype {coretype:8} torch threads {threads} OpenBLAS threads {blas}"
              f"{' flushed' if flush else '        '}: {speed:,.0f} samples/s")
        if best is None or speed > best[0]:
            best = (speed, coretype, threads, blas, flush)
    print(f"best: --coretype {best[1]} --threads {best[2]} --blas-threads {best[3]}"
          f"{' --flush-denormal' if best[4] else ''}")


def main():
    args = parse()
    if args.sweep:
        sweep(args)
        return
    env, _ = environment(args)
    if os.environ.get("NN4J_TORCH_CHILD") != "1":
        # OpenBLAS reads its settings when the library loads: run again with them in the environment.
        env["NN4J_TORCH_CHILD"] = "1"
        sys.exit(subprocess.run([sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env=env).returncode)
    run(args)


if __name__ == "__main__":
    main()
