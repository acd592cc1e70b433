#!/usr/bin/env python3
"""Writes random module cases for `nn gradients --spec`, with PyTorch's float64 results as `expected`.

Each case is a random stack of nn4j's layer types (linear, sigmoid, tanh, relu, leaky_relu, dropout,
batchnorm1d, flatten; with --images, of [C, H, W] images: conv2d, maxpool2d, avgpool2d, batchnorm2d
and activations, then flatten and linear; with --sequences, of [T, F] sequences: rnn, lstm and gru with
num_layers, bidirectional, bias and nonlinearity, then flatten and linear), random parameters and buffers, a random batch (sometimes
of one example) and a loss, run in train or eval mode by torch.nn.Sequential. Dropout is left out of
train-mode cases (or given p=0), since its masks are PyTorch's own random draws.

With --sequences recurrent, stacks over [T, F] sequences of rnn, lstm and gru layers (num_layers,
bidirectional, bias, nonlinearity), then flatten and linear. With --sequences attention: layernorm, gelu
(both forms), multihead_attention and transformer_encoder_layer (both norm_first, relu or gelu; dropout 0
in train mode) with relu and tanh between them, then flatten and linear. With --sequences tokens: token
ids [T] into an embedding (with or without a padding_idx, right-padded rows) or values [T, F] into a
per-step linear, then per-step linear layers, activations, dropout and positional_embedding, then every
sequence_pool mode or flatten, then a linear output; a case of token ids has integer `x` and no
`input_grad`. All are built by nn4j_torch.sequential from the spec itself.

With --masked (recurrent or attention), each case also has "lengths": row r's steps at or after
lengths[r] are padding (left out as keys by attention, skipped by recurrent layers as
pack_padded_sequence skips them); `nn gradients` has no mask of its own, so a test sets them.

usage: torch_cases.py OUT_DIR [--count N] [--seed S] [--images | --sequences recurrent|attention|tokens [--masked]]
"""
import argparse
import json
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn4j_torch  # noqa: E402


MASKED_TYPES = ("rnn", "lstm", "gru", "multihead_attention", "transformer_encoder_layer")


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


def pair(rng, low, high):
    """A size as a spec gives it (one number, or [height, width]) and as (height, width)."""
    if rng.random() < 0.3:
        both = [rng.randint(low, high), rng.randint(low, high)]
        return both, tuple(both)
    one = rng.randint(low, high)
    return one, (one, one)


def build_images(rng, mode, batch):
    """A random stack over [C, H, W] images, and the same as torch modules."""
    c, h, w = rng.randint(1, 3), rng.randint(3, 8), rng.randint(3, 8)
    input_shape = [c, h, w]
    layers, modules = [], []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["conv2d", "conv2d", "maxpool2d", "avgpool2d", "batchnorm2d", "relu", "tanh"])
        if kind == "conv2d":
            out = rng.randint(1, 4)
            kernel_spec, kernel = pair(rng, 1, 3)
            stride_spec, stride = pair(rng, 1, 2)
            padding_spec, padding = pair(rng, 0, 1)
            if kernel[0] > h + 2 * padding[0] or kernel[1] > w + 2 * padding[1]:
                continue
            bias = rng.random() < 0.8
            spec = {"type": "conv2d", "out_channels": out, "kernel_size": kernel_spec}
            if stride != (1, 1) or rng.random() < 0.2:
                spec["stride"] = stride_spec
            if padding != (0, 0) or rng.random() < 0.2:
                spec["padding"] = padding_spec
            if not bias:
                spec["bias"] = False
            if rng.random() < 0.3:
                spec["in_channels"] = c
            layers.append(spec)
            modules.append(torch.nn.Conv2d(c, out, kernel, stride=stride, padding=padding, bias=bias))
            c = out
            h = (h + 2 * padding[0] - kernel[0]) // stride[0] + 1
            w = (w + 2 * padding[1] - kernel[1]) // stride[1] + 1
        elif kind in ("maxpool2d", "avgpool2d"):
            kernel_spec, kernel = pair(rng, 1, 3)
            stride_spec, stride = (None, kernel) if rng.random() < 0.5 else pair(rng, 1, 2)
            padding = (0, 0) if rng.random() < 0.6 else (kernel[0] // 2, kernel[1] // 2)
            if kernel[0] > h + 2 * padding[0] or kernel[1] > w + 2 * padding[1]:
                continue
            spec = {"type": kind, "kernel_size": kernel_spec}
            if stride_spec is not None:
                spec["stride"] = stride_spec
            if padding != (0, 0):
                spec["padding"] = list(padding)
            layers.append(spec)
            pool = torch.nn.MaxPool2d if kind == "maxpool2d" else torch.nn.AvgPool2d
            modules.append(pool(kernel, stride=stride, padding=padding))
            h = (h + 2 * padding[0] - kernel[0]) // stride[0] + 1
            w = (w + 2 * padding[1] - kernel[1]) // stride[1] + 1
        elif kind == "batchnorm2d":
            # Not twice in a row: the first one's weight then has a gradient that only eps makes (the
            # second undoes its scale), which float32 cannot give to 2e-4 (PyTorch's float32: 6e-4).
            if mode == "train" and batch * h * w < 2 or layers and layers[-1]["type"] == "batchnorm2d":
                continue
            momentum = rng.choice([None, 0.3])
            affine = rng.random() < 0.8
            spec = {"type": "batchnorm2d"}
            if momentum is not None:
                spec["momentum"] = momentum
            if not affine:
                spec["affine"] = False
            layers.append(spec)
            modules.append(torch.nn.BatchNorm2d(c, momentum=0.1 if momentum is None else momentum, affine=affine))
        else:
            layers.append({"type": kind})
            modules.append({"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[kind]())
    layers.append({"type": "flatten"})
    modules.append(torch.nn.Flatten())
    outputs = rng.randint(1, 5)
    layers.append({"type": "linear", "out_features": outputs})
    modules.append(torch.nn.Linear(c * h * w, outputs))
    return input_shape, layers, torch.nn.Sequential(*modules).double(), outputs


def build_recurrent(rng, mode, batch):
    """A random stack over [T, F] sequences of recurrent layers, then flatten and linear; the torch modules
    are those scripts/nn4j_torch.py builds for the spec."""
    steps, features = rng.randint(1, 5), rng.randint(1, 4)
    input_shape = [steps, features]
    layers = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(["rnn", "lstm", "gru"])
        hidden = rng.randint(1, 4)
        spec = {"type": kind, "hidden_size": hidden}
        if kind == "rnn" and rng.random() < 0.5:
            spec["nonlinearity"] = rng.choice(["tanh", "relu"])
        if rng.random() < 0.4:
            spec["num_layers"] = 2
            # Dropout between layers draws PyTorch's own masks in training: only in eval mode here.
            if mode == "eval" and rng.random() < 0.5:
                spec["dropout"] = 0.3
        if rng.random() < 0.4:
            spec["bidirectional"] = True
        if rng.random() < 0.2:
            spec["bias"] = False
        if rng.random() < 0.3:
            spec["input_size"] = features
        layers.append(spec)
        features = hidden * (2 if spec.get("bidirectional") else 1)
    if rng.random() < 0.3:
        layers.append({"type": "tanh"})
    outputs = rng.randint(1, 4)
    layers += [{"type": "flatten"}, {"type": "linear", "out_features": outputs}]
    model = nn4j_torch.sequential({"input": input_shape, "layers": layers})
    return input_shape, layers, model.double(), outputs


def build_attention(rng, mode, batch):
    """A random stack over [T, F] sequences (the attention layer types), and the same as torch modules."""
    heads = rng.choice([1, 2, 3])
    width = heads * rng.choice([1, 2, 3])
    input_shape = [rng.randint(1, 5), width]
    layers = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["layernorm", "gelu", "multihead_attention", "transformer_encoder_layer",
                           "transformer_encoder_layer", "relu", "tanh"])
        dropout = 0.0 if mode == "train" else rng.choice([0.0, 0.1, 0.5])
        if kind == "layernorm":
            spec = {"type": kind}
            if rng.random() < 0.3:
                spec["eps"] = 1e-3
            if rng.random() < 0.3:
                spec["elementwise_affine"] = False
        elif kind == "gelu":
            spec = {"type": kind}
            if rng.random() < 0.5:
                spec["approximate"] = "tanh"
        elif kind == "multihead_attention":
            spec = {"type": kind, "num_heads": heads, "dropout": dropout}
            if rng.random() < 0.3:
                spec["bias"] = False
            if rng.random() < 0.3:
                spec["embed_dim"] = width
        elif kind == "transformer_encoder_layer":
            spec = {"type": kind, "nhead": heads, "dim_feedforward": rng.randint(1, 8), "dropout": dropout,
                    "activation": rng.choice(["relu", "gelu"]), "norm_first": rng.random() < 0.5}
            if rng.random() < 0.3:
                spec["layer_norm_eps"] = 1e-3
        else:
            spec = {"type": kind}
        layers.append(spec)
    outputs = rng.randint(1, 5)
    layers += [{"type": "flatten"}, {"type": "linear", "out_features": outputs}]
    model = nn4j_torch.sequential({"input": input_shape, "layers": layers})
    return input_shape, layers, model.double(), outputs


def build_tokens(rng, mode, batch):
    """A random sequence stack as a spec, its torch.nn.Sequential (nn4j_torch's), and its input maker."""
    steps = rng.randint(2, 6)
    layers = []
    if rng.random() < 0.7:
        vocabulary = rng.randint(3, 12)
        embedding = {"type": "embedding", "num_embeddings": vocabulary, "embedding_dim": rng.randint(1, 4)}
        pad = None
        if rng.random() < 0.6:
            spec_pad = rng.choice([0, vocabulary - 1, -1, -vocabulary, 1])
            embedding["padding_idx"] = spec_pad
            pad = spec_pad % vocabulary
        layers.append(embedding)
        input_shape = [steps]

        def inputs(gen):
            ids = []
            for r in range(batch):
                length = steps if pad is None else rng.randint(1, steps)
                row = []
                for t in range(steps):
                    token = rng.randrange(vocabulary)
                    while token == pad:
                        token = rng.randrange(vocabulary)
                    row.append(token if t < length else pad)
                ids.append(row)
            return torch.tensor(ids, dtype=torch.long)
    else:
        features = rng.randint(1, 4)
        input_shape = [steps, features]
        layers.append({"type": "linear", "out_features": rng.randint(1, 5)})

        def inputs(gen):
            return torch.randn([batch] + input_shape, generator=gen, dtype=torch.float64) * 1.5
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(["linear", "tanh", "relu", "sigmoid", "leaky_relu", "dropout", "positional_embedding"])
        if kind == "linear":
            spec = {"type": "linear", "out_features": rng.randint(1, 5)}
            if rng.random() < 0.2:
                spec["bias"] = False
            layers.append(spec)
        elif kind == "dropout":
            layers.append({"type": "dropout", "p": 0.0 if mode == "train" else rng.choice([0.2, 0.5])})
        elif kind == "leaky_relu":
            layers.append({"type": kind, "negative_slope": rng.choice([0.2, 0.05])})
        else:
            layers.append({"type": kind})
    end = rng.choice(["mean", "max", "last", "flatten"])
    layers.append({"type": "flatten"} if end == "flatten" else {"type": "sequence_pool", "mode": end})
    if rng.random() < 0.3:
        layers.append({"type": "tanh"})
    outputs = rng.randint(1, 5)
    layers.append({"type": "linear", "out_features": outputs})
    model = nn4j_torch.sequential({"input": input_shape, "layers": layers}).double()
    return input_shape, layers, model, outputs, inputs


def tensor_json(t):
    return t.detach().tolist()


def case(rng, gen, images, sequences=None, masked=False):
    mode = rng.choice(["train", "eval"])
    batch = rng.choice([1, 2, 3, 5, 8])
    inputs = None
    if sequences == "tokens":
        input_shape, layers, model, outputs, inputs = build_tokens(rng, mode, batch)
    else:
        builder = {"recurrent": build_recurrent, "attention": build_attention}.get(sequences) or (
            build_images if images else build)
        input_shape, layers, model, outputs = builder(rng, mode, batch)
    # Recurrent weights smaller, so that the gates are not all saturated; attention's softmax saturates on
    # standard-normal weights too.
    scale = {"recurrent": 0.6, "attention": 0.5}.get(sequences, 1.0)
    loss_name = rng.choice(["mse", "softmax_cross_entropy", "ce"])
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64) * scale)
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=gen, dtype=torch.float64) * 0.5)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=gen, dtype=torch.float64) + 0.5)
    state = {k: tensor_json(v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    model.train(mode == "train")
    lengths = None
    if masked:
        # Right-padded rows of 1 to T real steps; the first row has them all.
        lengths = [input_shape[0]] + [rng.randint(1, input_shape[0]) for _ in range(batch - 1)]
        model.padding.lengths = torch.tensor(lengths)
    x = inputs(gen) if inputs else torch.randn([batch] + input_shape, generator=gen, dtype=torch.float64) * 1.5
    tokens = not x.is_floating_point()
    if not tokens:
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
    expected = {"prediction": tensor_json(prediction), "loss": loss.item()}
    if not tokens:
        expected["input_grad"] = tensor_json(x.grad.reshape(batch, -1))
    expected["parameter_grads"] = {name: tensor_json(p.grad) for name, p in model.named_parameters()}
    result = {
        "model": {"input": input_shape, "layers": layers, "loss": loss_name},
        "parameters": state,
        "mode": mode,
        "x": tensor_json(x.reshape(batch, -1)),
        "y": y_json,
        "expected": expected,
        "source": "PyTorch " + torch.__version__ + ", float64, scripts/torch_cases.py",
    }
    if masked:
        result["lengths"] = lengths
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--images", action="store_true", help="stacks over images: conv2d, pooling, batchnorm2d")
    group.add_argument("--sequences", choices=["recurrent", "attention", "tokens"],
                       help="stacks over sequences: recurrent (rnn, lstm, gru), attention (layernorm, gelu,"
                            " multihead_attention, transformer_encoder_layer) or tokens (embedding,"
                            " positional_embedding, sequence_pool, per-step linear)")
    parser.add_argument("--masked", action="store_true",
                        help="with --sequences: rows padded after random lengths (the case's 'lengths')")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    written = 0
    while written < args.count:
        c = case(rng, gen, args.images, args.sequences, args.masked)
        if args.masked and not any(layer["type"] in MASKED_TYPES for layer in c["model"]["layers"]):
            continue  # a mask changes nothing without a layer that honours it
        with open(os.path.join(args.out, "case-%03d.json" % written), "w") as f:
            json.dump(c, f, indent=1)
            f.write("\n")
        written += 1


if __name__ == "__main__":
    main()
