#!/usr/bin/env python3
"""Loads an nn4j model file into the torch.nn.Sequential of its spec, strictly, and classifies rows.

    python3 scripts/nn4j_torch.py MODEL.safetensors FEATURES.csv   # prints: class, then each probability

For a model whose first layer is an embedding, each row of the CSV holds token ids, read as int64.
The file's tensors are the Sequential's state_dict, by name and layout; this reads them with NumPy
(the safetensors package would do as well: safetensors.torch.load_file).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn4j_numpy import load_nn4j  # noqa: E402


def _pair(value):
    return tuple(value) if isinstance(value, list) else (value, value)


def _window(shape, kernel, stride, padding):
    """[C, H, W] after a window of these sizes."""
    kernel, stride, padding = _pair(kernel), _pair(stride), _pair(padding)
    return [(shape[1] + 2 * padding[0] - kernel[0]) // stride[0] + 1,
            (shape[2] + 2 * padding[1] - kernel[1]) // stride[1] + 1]


class Padding:
    """The lengths of the current batch's right-padded sequences (a LongTensor), or None: every step is real.

    One holder per Sequential, shared by the modules that make the padding known (they set it) and those that
    honour it (they read it), as nn4j's SequenceMask travels down a stack."""

    def __init__(self):
        self.lengths = None


def _masked(base):
    """A subclass of torch.nn.RNN, LSTM or GRU (batch_first, so its state_dict keys stay PyTorch's) that returns
    only `output`, honouring padding.lengths by pack_padded_sequence: padded steps give zeros, a reverse
    direction starts at each row's last real step; a row of length 0 gives zeros throughout."""

    class Masked(base):
        def __init__(self, padding, *args, **kwargs):
            super().__init__(*args, batch_first=True, **kwargs)
            self.padding = padding

        def forward(self, x):
            lengths = self.padding.lengths
            if lengths is None:
                return super().forward(x)[0]
            lengths = lengths.cpu()
            real = lengths > 0
            out = x.new_zeros(x.shape[0], x.shape[1], self.hidden_size * (2 if self.bidirectional else 1))
            if bool(real.any()):
                packed = torch.nn.utils.rnn.pack_padded_sequence(x[real], lengths[real], batch_first=True,
                                                                 enforce_sorted=False)
                result = super().forward(packed)[0]
                out[real] = torch.nn.utils.rnn.pad_packed_sequence(result, batch_first=True,
                                                                   total_length=x.shape[1])[0]
            return out

    Masked.__name__ = Masked.__qualname__ = "Masked" + base.__name__
    return Masked


MaskedRNN = _masked(torch.nn.RNN)
MaskedLSTM = _masked(torch.nn.LSTM)
MaskedGRU = _masked(torch.nn.GRU)


def _key_padding_mask(padding, x):
    """PyTorch's key_padding_mask for a [n, T, E] batch: True at the steps at or after each row's length."""
    if padding.lengths is None:
        return None
    steps = torch.arange(x.shape[1], device=x.device)
    return steps[None, :] >= padding.lengths.to(x.device)[:, None]


class SelfAttention(torch.nn.MultiheadAttention):
    """nn4j's multihead_attention: self-attention on [n, T, E], padded keys (padding.lengths) left out."""

    def __init__(self, padding, embed_dim, num_heads, dropout=0.0, bias=True):
        super().__init__(embed_dim, num_heads, dropout=dropout, bias=bias, batch_first=True)
        self.padding = padding

    def forward(self, x):
        mask = _key_padding_mask(self.padding, x)
        return super().forward(x, x, x, key_padding_mask=mask, need_weights=False)[0]


class EncoderLayer(torch.nn.TransformerEncoderLayer):
    """nn4j's transformer_encoder_layer (batch_first), padded keys left out: PyTorch's reference path, the
    one its training runs (its evaluation fast path gives the same here, padded query steps included)."""

    def __init__(self, padding, d_model, nhead, **kwargs):
        super().__init__(d_model, nhead, batch_first=True, **kwargs)
        self.padding = padding

    def forward(self, x):
        mask = _key_padding_mask(self.padding, x)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), None, mask)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, None, mask))
        return self.norm2(x + self._ff_block(x))


def _attention_layer(kind, args, width, padding):
    """The torch module of a multihead_attention or transformer_encoder_layer spec on [T, width]."""
    if kind == "multihead_attention":
        return SelfAttention(padding, width, args["num_heads"], dropout=args.get("dropout", 0.0),
                             bias=args.get("bias", True))
    return EncoderLayer(padding, width, args["nhead"], dim_feedforward=args.get("dim_feedforward", 2048),
                        dropout=args.get("dropout", 0.1), activation=args.get("activation", "relu"),
                        layer_norm_eps=args.get("layer_norm_eps", 1e-5), norm_first=args.get("norm_first", False))


class Embedding(torch.nn.Embedding):
    """torch.nn.Embedding that, with a padding_idx, sets the batch's lengths (the ids before the first padding
    id of each row: right-padded sequences) for the modules after it; its state_dict is Embedding's."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx, padding):
        super().__init__(num_embeddings, embedding_dim, padding_idx=padding_idx)
        self.padding = padding

    def forward(self, ids):
        if self.padding_idx is None:
            self.padding.lengths = None
        else:
            is_pad = ids == self.padding_idx
            steps = ids.shape[1]
            first = torch.where(is_pad, torch.arange(steps, device=ids.device).expand_as(ids),
                                torch.full_like(ids, steps))
            self.padding.lengths = first.min(dim=1).values
        return super().forward(ids)


class PositionalEmbedding(torch.nn.Module):
    """Learned positions: x [n, T, E] plus weight [T, E], drawn from N(0, 1) as torch.nn.Embedding draws."""

    def __init__(self, steps, features):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(steps, features))
        torch.nn.init.normal_(self.weight)

    def forward(self, x):
        return x + self.weight


class SequencePool(torch.nn.Module):
    """[n, T, F] to [n, F]: the mean, max or last of each row's real steps (padding.lengths; all T without);
    a row without real steps gives zeros."""

    def __init__(self, mode, padding):
        super().__init__()
        self.mode = mode
        self.padding = padding

    def forward(self, x):
        n, steps = x.shape[0], x.shape[1]
        lengths = self.padding.lengths
        if lengths is None:
            lengths = torch.full((n,), steps, dtype=torch.long)
        real = torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)
        some = (lengths > 0).unsqueeze(1)
        if self.mode == "mean":
            total = (x * real.unsqueeze(2).to(x.dtype)).sum(dim=1)
            return torch.where(some, total / lengths.clamp(min=1).unsqueeze(1).to(x.dtype), torch.zeros_like(total))
        if self.mode == "max":
            masked = x.masked_fill(~real.unsqueeze(2), float("-inf"))
            return torch.where(some, masked.max(dim=1).values, torch.zeros_like(x[:, 0]))
        last = x[torch.arange(n), (lengths - 1).clamp(min=0)]
        return torch.where(some, last, torch.zeros_like(last))


def sequential(spec, padding=None):
    """The torch.nn.Sequential that a model spec describes (nn4j's layer types, PyTorch's arguments); its
    mask-aware modules share `padding` (a Padding, made here when not given: set its lengths before a pass
    over a padded batch), also kept as the Sequential's attribute `padding`."""
    shape = list(spec["input"])
    modules = []
    padding = Padding() if padding is None else padding
    for index, layer in enumerate(spec["layers"]):
        kind = layer["type"]
        args = {k: v for k, v in layer.items() if k != "type"}
        features = int(np.prod(shape))
        if kind == "linear":
            # On any rank, as nn.Linear: it acts on the last dimension.
            module = torch.nn.Linear(shape[-1], args["out_features"], bias=args.get("bias", True))
            shape = shape[:-1] + [args["out_features"]]
        elif kind == "embedding":
            if index != 0 or len(shape) != 1:
                raise ValueError("embedding must be the first layer, on token ids [T]")
            module = Embedding(args["num_embeddings"], args["embedding_dim"], args.get("padding_idx"), padding)
            shape = shape + [args["embedding_dim"]]
        elif kind == "positional_embedding":
            module = PositionalEmbedding(shape[0], shape[1])
        elif kind == "sequence_pool":
            module = SequencePool(args.get("mode", "mean"), padding)
            shape = [shape[1]]
        elif kind == "batchnorm1d":
            module = torch.nn.BatchNorm1d(features, eps=args.get("eps", 1e-5), momentum=args.get("momentum", 0.1),
                                          affine=args.get("affine", True))
        elif kind == "conv2d":
            kernel, stride, pad = args["kernel_size"], args.get("stride", 1), args.get("padding", 0)
            module = torch.nn.Conv2d(shape[0], args["out_channels"], _pair(kernel), stride=_pair(stride),
                                     padding=_pair(pad), bias=args.get("bias", True))
            shape = [args["out_channels"]] + _window(shape, kernel, stride, pad)
        elif kind in ("maxpool2d", "avgpool2d"):
            kernel = args["kernel_size"]
            stride, pad = args.get("stride", kernel), args.get("padding", 0)
            pool = torch.nn.MaxPool2d if kind == "maxpool2d" else torch.nn.AvgPool2d
            module = pool(_pair(kernel), stride=_pair(stride), padding=_pair(pad))
            shape = [shape[0]] + _window(shape, kernel, stride, pad)
        elif kind == "batchnorm2d":
            module = torch.nn.BatchNorm2d(shape[0], eps=args.get("eps", 1e-5), momentum=args.get("momentum", 0.1),
                                          affine=args.get("affine", True))
        elif kind in ("rnn", "lstm", "gru"):
            recurrent = {"rnn": MaskedRNN, "lstm": MaskedLSTM, "gru": MaskedGRU}[kind]
            extra = {"nonlinearity": args.get("nonlinearity", "tanh")} if kind == "rnn" else {}
            module = recurrent(padding, shape[1], args["hidden_size"], num_layers=args.get("num_layers", 1),
                               bias=args.get("bias", True), dropout=args.get("dropout", 0.0),
                               bidirectional=args.get("bidirectional", False), **extra)
            shape = [shape[0], args["hidden_size"] * (2 if args.get("bidirectional", False) else 1)]
        elif kind == "flatten":
            module = torch.nn.Flatten()
            shape = [features]
        elif kind == "dropout":
            module = torch.nn.Dropout(args.get("p", 0.5))
        elif kind == "leaky_relu":
            module = torch.nn.LeakyReLU(args.get("negative_slope", 0.01))
        elif kind == "layernorm":
            module = torch.nn.LayerNorm(shape[-1], eps=args.get("eps", 1e-5),
                                        elementwise_affine=args.get("elementwise_affine", True))
        elif kind == "gelu":
            module = torch.nn.GELU(approximate=args.get("approximate", "none"))
        elif kind in ("multihead_attention", "transformer_encoder_layer"):
            module = _attention_layer(kind, args, shape[-1], padding)
        else:
            module = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[kind]()
        modules.append(module)
    model = torch.nn.Sequential(*modules)
    model.padding = padding
    return model


def save_state_dict(path, state_dict):
    """Writes a state_dict as safetensors (what safetensors.torch.save_file does), for nn4j's --spec."""
    import struct
    kinds = {torch.float32: ("F32", "<f4"), torch.float64: ("F64", "<f8"), torch.int64: ("I64", "<i8")}
    header, blobs, offset = {}, [], 0
    for name, tensor in state_dict.items():
        kind, numpy_kind = kinds[tensor.dtype]
        data = tensor.detach().cpu().numpy().astype(numpy_kind).tobytes()
        header[name] = {"dtype": kind, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load(path):
    """The model of an nn4j file, in evaluation mode, and the file's metadata."""
    tensors, meta = load_nn4j(path)
    model = sequential(json.loads(meta["nn4j.spec"]))
    dtype = torch.float64 if next(iter(tensors.values())).dtype == np.float64 else torch.float32
    model = model.to(dtype)
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()}, strict=True)
    return model.eval(), meta


def takes_tokens(spec):
    """Whether the spec's first layer is an embedding: its input is token ids (int64 in PyTorch)."""
    return spec["layers"][0]["type"] == "embedding"


def print_predictions(outputs, spec, meta):
    """A classifier's rows: the class and each class's probability; a regression model's (mse): its values,
    in the targets' units where the file standardised them (nn4j.output)."""
    if spec["loss"] in ("mse", "l1", "smooth_l1"):
        values = outputs.double().numpy()
        if "nn4j.output" in meta:
            standard = json.loads(meta["nn4j.output"])
            values = np.array(standard["mean"], np.float64) + np.array(standard["std"], np.float64) * values
        for v in values:
            print(",".join("%.9g" % x for x in v))
        return
    for p in torch.softmax(outputs, dim=1).double().numpy():
        print(",".join([str(int(p.argmax()))] + ["%.9g" % v for v in p]))


if __name__ == "__main__":
    model, meta = load(sys.argv[1])
    spec = json.loads(meta["nn4j.spec"])
    if takes_tokens(spec):
        # Token ids, read exactly as int64 (never through a float).
        ids = torch.from_numpy(np.loadtxt(sys.argv[2], delimiter=",", ndmin=2, dtype=np.int64))
        with torch.no_grad():
            print_predictions(model(ids), spec, meta)
        sys.exit(0)
    rows = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2, dtype=np.float32)
    if "nn4j.input" in meta:
        standard = json.loads(meta["nn4j.input"])
        rows = (rows - np.array(standard["mean"], np.float32)) / np.array(standard["std"], np.float32)
    dtype = next(model.parameters()).dtype
    # Each row is one example flattened in (C, H, W) order; the model takes the spec's input shape.
    shape = [len(rows)] + list(spec["input"])
    with torch.no_grad():
        x = torch.from_numpy(rows).to(dtype).reshape(shape)
        print_predictions(model(x), spec, meta)
