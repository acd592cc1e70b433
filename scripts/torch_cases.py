#!/usr/bin/env python3
"""Writes random module cases for `nn gradients --spec`, with PyTorch's float64 results as `expected`.

Each case is a random stack of nn4j's layer types (linear, sigmoid, tanh, relu, leaky_relu, dropout,
batchnorm1d, flatten), random parameters and buffers, a random batch (sometimes of one example) and
a loss, run in train or eval mode by torch.nn.Sequential. Dropout is left out of train-mode cases
(or given p=0), since its masks are PyTorch's own random draws.

usage: torch_cases.py OUT_DIR [--count N] [--seed S]
"""
import argparse
import json
import os
import random

import torch


def build(rng, mode, batch):
    """A random spec, and the same stack as torch modules."""
    if rng.random() < 0.25:
        input_shape = [rng.randint(1, 3), rng.randint(1, 3)]
        layers = [{"type": "flatten"}]
        modules = [torch.nn.Flatten()]
        features = input_shape[0] * input_shape[1]
    else:
        input_shape = [rng.randint(1, 6)]
        layers, modules = [], []
        features = input_shape[0]
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(["linear", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "dropout", "batchnorm1d"])
        if kind == "linear":
            out = rng.randint(1, 6)
            bias = rng.random() < 0.8
            spec = {"type": "linear", "out_features": out}
            if not bias:
                spec["bias"] = False
            if rng.random() < 0.5:
                spec["in_features"] = features
            layers.append(spec)
            modules.append(torch.nn.Linear(features, out, bias=bias))
            features = out
        elif kind in ("sigmoid", "tanh", "relu"):
            layers.append({"type": kind})
            modules.append({"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[kind]())
        elif kind == "leaky_relu":
            slope = rng.choice([None, 0.2, 0.05, 1.5])
            spec = {"type": kind}
            if slope is not None:
                spec["negative_slope"] = slope
            layers.append(spec)
            modules.append(torch.nn.LeakyReLU(0.01 if slope is None else slope))
        elif kind == "dropout":
            p = 0.0 if mode == "train" else rng.choice([0.2, 0.5])
            layers.append({"type": "dropout", "p": p})
            modules.append(torch.nn.Dropout(p))
        else:
            if mode == "train" and batch < 2:
                continue
            eps = rng.choice([None, 1e-3])
            momentum = rng.choice([None, 0.3])
            affine = rng.random() < 0.8
            spec = {"type": "batchnorm1d"}
            if eps is not None:
                spec["eps"] = eps
            if momentum is not None:
                spec["momentum"] = momentum
            if not affine:
                spec["affine"] = False
            layers.append(spec)
            modules.append(torch.nn.BatchNorm1d(features, eps=1e-5 if eps is None else eps,
                                                momentum=0.1 if momentum is None else momentum, affine=affine))
    outputs = rng.randint(1, 5)
    layers.append({"type": "linear", "out_features": outputs})
    modules.append(torch.nn.Linear(features, outputs))
    return input_shape, layers, torch.nn.Sequential(*modules).double(), outputs


def tensor_json(t):
    return t.detach().tolist()


def case(rng, gen):
    mode = rng.choice(["train", "eval"])
    batch = rng.choice([1, 2, 3, 5, 8])
    input_shape, layers, model, outputs = build(rng, mode, batch)
    loss_name = rng.choice(["mse", "softmax_cross_entropy", "ce"])
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=gen, dtype=torch.float64) * 0.5)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=gen, dtype=torch.float64) + 0.5)
    state = {k: tensor_json(v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    model.train(mode == "train")
    x = torch.randn([batch] + input_shape, generator=gen, dtype=torch.float64) * 1.5
    x.requires_grad_(True)
    if loss_name == "mse":
        y = torch.randn(batch, outputs, generator=gen, dtype=torch.float64)
        y_json = tensor_json(y)
    elif rng.random() < 0.5:
        classes = torch.randint(outputs, (batch,), generator=gen)
        y = torch.nn.functional.one_hot(classes, outputs).double()
        y_json = classes.tolist()
    else:
        y = torch.softmax(torch.randn(batch, outputs, generator=gen, dtype=torch.float64), dim=1)
        y_json = tensor_json(y)
    prediction = model(x)
    if loss_name == "mse":
        loss = 0.5 * ((prediction - y) ** 2).mean()
    else:
        loss = torch.nn.functional.cross_entropy(prediction, y)
    loss.backward()
    return {
        "model": {"input": input_shape, "layers": layers, "loss": loss_name},
        "parameters": state,
        "mode": mode,
        "x": tensor_json(x.reshape(batch, -1)),
        "y": y_json,
        "expected": {
            "prediction": tensor_json(prediction),
            "loss": loss.item(),
            "input_grad": tensor_json(x.grad.reshape(batch, -1)),
            "parameter_grads": {name: tensor_json(p.grad) for name, p in model.named_parameters()},
        },
        "source": "PyTorch " + torch.__version__ + ", float64, scripts/torch_cases.py",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for i in range(args.count):
        with open(os.path.join(args.out, "case-%03d.json" % i), "w") as f:
            json.dump(case(rng, gen), f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
