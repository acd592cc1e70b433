#!/usr/bin/env python3
"""The NumPy reference for 'nn bench': the same MLP, loss, optimizer, batch and dtype, written the way
the original assignment writes its modules, vectorised over the batch.

    python3 bench/numpy_mlp.py [--hidden 256,128] [--batch-size 128] [--dtype float32]
                               [--optimizer adam|sgd] [--flush-state] [--seconds 3] [--warmup 1] [--json]

Trains on synthetic data of Fashion-MNIST's shape (784 features, 10 classes) and prints samples/s
per timed window and their median; with --json, one JSON object on the last line. --flush-state sets
optimizer state at or below nn4j's floor (2^-100 float32, 2^-960 float64) to zero, as nn4j does: on
this data many ReLU units die and their state decays into subnormal numbers, slow on Intel cores;
NumPy has no flush-to-zero mode of its own.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windows import samples_per_second  # noqa: E402


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--hidden", default="256,128")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--optimizer", default="adam", choices=["adam", "sgd"])
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--flush-state", action="store_true")
    p.add_argument("--json", action="store_true")
    return p.parse_args()


class Linear:
    def __init__(self, fan_in, fan_out, rng, dtype):
        self.w = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(dtype)
        self.b = np.zeros((1, fan_out), dtype)

    def forward(self, x):
        return x @ self.w + self.b

    def backward(self, x, grad, need_input_grad=True):
        return (grad @ self.w.T if need_input_grad else None), x.T @ grad, grad.sum(axis=0, keepdims=True)


def softmax_cross_entropy(logits, onehot):
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    sums = exp.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(sums[:, 0]) - (shifted * onehot).sum(axis=1)))
    return loss, (exp / sums - onehot) / len(logits)


def flush(state, floor):
    """Zero where |state| <= floor: no optimizer state left to decay into subnormals."""
    if floor:
        np.putmask(state, np.abs(state) <= floor, 0)


class Adam:
    def __init__(self, params, lr, floor, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.floor, self.b1, self.b2, self.eps, self.t = params, lr, floor, b1, b2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        step = self.lr / (1 - self.b1 ** self.t)
        scale = 1 / np.sqrt(1 - self.b2 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            flush(m, self.floor)
            flush(v, self.floor)
            p -= step * m / (np.sqrt(v) * scale + self.eps)


class Sgd:
    def __init__(self, params, lr, floor, momentum=0.9):
        self.params, self.lr, self.floor, self.momentum = params, lr, floor, momentum
        self.velocity = [np.zeros_like(p) for p in params]

    def step(self, grads):
        for p, g, b in zip(self.params, grads, self.velocity):
            b *= self.momentum
            b += g
            flush(b, self.floor)
            p -= self.lr * b


def main():
    args = parse()
    dtype = np.dtype(args.dtype)
    sizes = [784] + [int(h) for h in args.hidden.split(",")] + [10]
    rng = np.random.default_rng(42)
    layers = [Linear(sizes[i], sizes[i + 1], rng, dtype) for i in range(len(sizes) - 1)]
    params = [t for layer in layers for t in (layer.w, layer.b)]
    lr = args.lr if args.lr is not None else (1e-3 if args.optimizer == "adam" else 0.05)
    floor = (2.0 ** -100 if args.dtype == "float32" else 2.0 ** -960) if args.flush_state else 0
    optimizer = Adam(params, lr, floor) if args.optimizer == "adam" else Sgd(params, lr, floor)
    n = 8192
    x_all = rng.random((n, 784), dtype=np.float32).astype(dtype)
    y_all = np.eye(10, dtype=dtype)[rng.integers(0, 10, n)]
    batch = args.batch_size

    def train_step(i):
        lo = (i * batch) % (n - batch + 1)
        x, y = x_all[lo:lo + batch], y_all[lo:lo + batch]
        inputs, outputs = [], []
        h = x
        for layer in layers[:-1]:
            inputs.append(h)
            z = layer.forward(h)
            h = np.maximum(z, 0)
            outputs.append(h)
        inputs.append(h)
        loss, grad = softmax_cross_entropy(layers[-1].forward(h), y)
        grads = []
        for k in range(len(layers) - 1, -1, -1):
            grad, w_grad, b_grad = layers[k].backward(inputs[k], grad, need_input_grad=k > 0)
            grads[:0] = [w_grad, b_grad]
            if k > 0:
                grad = grad * (outputs[k - 1] > 0)
        optimizer.step(grads)
        return loss

    median, rates = samples_per_second(train_step, batch, args.warmup, args.windows, args.seconds,
                                       lambda r: print(f"window: {r:,.0f} samples/s"))
    print(f"numpy {args.dtype} {args.optimizer}: median {median:,.0f} samples/s")
    if args.json:
        print(json.dumps({"samples_per_second": median, "windows": rates, "dtype": args.dtype,
                          "optimizer": args.optimizer, "batch_size": batch, "sizes": sizes,
                          "flush_state": args.flush_state}))


if __name__ == "__main__":
    main()
