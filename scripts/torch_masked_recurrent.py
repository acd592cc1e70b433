#!/usr/bin/env python3
"""Writes PyTorch's float64 results of recurrent layers on right-padded batches with explicit lengths (0, 1
and T among them), as pack_padded_sequence / pad_packed_sequence give them, for nn4j's masked recurrence
test (MaskedRecurrentTest): per case the layer's spec, its state_dict, x, the lengths, the output padded to
T, and for L = sum(output * g) the gradients of x and of every parameter.

usage: /usr/bin/python3 scripts/torch_masked_recurrent.py OUT.json
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn4j_torch import sequential  # noqa: E402

SPECS = [
    {"type": "rnn", "hidden_size": 3},
    {"type": "rnn", "hidden_size": 2, "nonlinearity": "relu", "bidirectional": True},
    {"type": "lstm", "hidden_size": 3},
    {"type": "lstm", "hidden_size": 2, "bidirectional": True, "num_layers": 2},
    {"type": "gru", "hidden_size": 3, "bias": False},
    {"type": "gru", "hidden_size": 2, "bidirectional": True, "num_layers": 2},
]
LENGTHS = [[5, 0, 1, 3, 5], [2], [5], [1, 4, 0]]


def main():
    gen = torch.Generator().manual_seed(25)
    steps, features = 5, 3
    cases = []
    for spec in SPECS:
        for lengths in LENGTHS:
            model = sequential({"input": [steps, features], "layers": [spec]}).double()
            layer = model[0]
            with torch.no_grad():
                for p in layer.parameters():
                    p.copy_(torch.rand(p.shape, generator=gen, dtype=torch.float64) * 1.6 - 0.8)
            n = len(lengths)
            x = (torch.randn(n, steps, features, generator=gen, dtype=torch.float64)).requires_grad_(True)
            layer.padding.lengths = torch.tensor(lengths, dtype=torch.long)
            out = layer(x)
            g = torch.randn(out.shape, generator=gen, dtype=torch.float64)
            (out * g).sum().backward()
            cases.append({
                "layer": spec,
                "input": [steps, features],
                "lengths": lengths,
                "parameters": {k: v.detach().reshape(-1).tolist() for k, v in layer.state_dict().items()},
                "x": x.detach().reshape(n, -1).tolist(),
                "output": out.detach().reshape(n, -1).tolist(),
                "output_grad": g.reshape(n, -1).tolist(),
                "input_grad": x.grad.reshape(n, -1).tolist(),
                "parameter_grads": {k: p.grad.reshape(-1).tolist() for k, p in layer.named_parameters()},
            })
    with open(sys.argv[1], "w") as f:
        json.dump({"source": "PyTorch " + torch.__version__ + ", float64, scripts/torch_masked_recurrent.py",
                   "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
