#!/usr/bin/env python3
"""Writes the bad-input corpus (examples/src/test/resources/bad-inputs): files that nn4j must refuse
in one line, exit 2, each used by a case of cases.tsv there. Deterministic; run from the checkout:

    python3 scripts/make_bad_inputs.py

The one good model (good.safetensors) is trained by ./nn on good.csv the first time; the damaged
models are made from it, some with a correct nn4j.checksum (scripts/nn4j_numpy.py's) so that the
check behind the checksum is what refuses them.
"""
import gzip
import json
import os
import random
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn4j_numpy import checksum  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples", "src", "test", "resources", "bad-inputs")


def write(name, content):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode("utf-8"))


def good_rows(n=90, seed=1):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        x, y = rng.uniform(-1, 1), rng.uniform(-1, 1)
        rows.append(f"{x:.4f},{y:.4f},{'abc'[i % 3]}")
    return rows


def csv_files():
    rows = good_rows()
    write("good.csv", "x,y,label\n" + "\n".join(rows) + "\n")
    write("good-features.csv", "x,y\n" + "\n".join(r.rsplit(",", 1)[0] for r in rows[:5]) + "\n")
    write("csv/empty.csv", "")
    write("csv/blank-lines.csv", "\n\n  \n")
    write("csv/header-only.csv", "x,y,label\n")
    write("csv/ragged.csv", "x,y,label\n0.1,0.2,a\n0.3,b\n")
    write("csv/not-a-number.csv", "x,y,label\n0.1,0.2,a\n0.3,abc,b\n")
    write("csv/nan.csv", "x,y,label\n0.1,0.2,a\n0.3,NaN,b\n")
    write("csv/infinity.csv", "x,y,label\n0.1,0.2,a\n1e999,0.5,b\n")
    write("csv/bad-utf8.csv", b"x,y,label\n0.1,0.2,a\n0.3,0.4,\xff\xfe\n")
    write("csv/open-quote.csv", 'x,y,label\n0.1,0.2,a\n0.3,0.4,"b\n')
    write("csv/after-quote.csv", 'x,y,label\n0.1,0.2,a\n0.3,0.4,"b"c\n')
    write("csv/one-class.csv", "x,y,label\n" + "\n".join(f"0.{i},0.{i},same" for i in range(1, 10)) + "\n")
    write("csv/ten-million-classes.csv", "x,y,label\n0.1,0.2,0\n0.3,0.4,10000000\n")
    write("csv/long-field.csv", "x,y,label\n0.1,0.2,a\n0.3," + "z" * 200_000 + ",b\n")
    write("csv/other-classes.csv", "x,y,label\n" + "\n".join(f"0.{i},0.{i},{'de'[i % 2]}" for i in range(1, 20)) + "\n")
    write("csv/other-columns.csv", "p,q,r,label\n0.1,0.2,0.3,a\n0.3,0.4,0.5,b\n")
    write("csv/features-wide.csv", "a,b,c\n0.1,0.2,0.3\n")
    write("csv/features-bad.csv", "x,y\n0.1,0.2\n0.3,oops\n")


def csv_syntax_files():
    """CSV numbers, labels and headers (issue 23): what Java's parser takes but a CSV number is not, an
    empty label, a header naming a column twice, held-out headers that differ, an overlong line."""
    head = "x,y,label\n0.1,0.2,a\n"
    for name, field in [("java-float-suffix", "12f"), ("java-double-suffix", "3d"), ("hex-float", "0x1p3"),
                        ("infinity-word", "Infinity"), ("plus-infinity", "+Infinity"), ("underscore", "1_000"),
                        ("thousands", '"1,000"'), ("inner-space", "1 000"), ("full-width", "\uff11\uff12"),
                        ("empty-feature", ""), ("lone-exponent", "1e"), ("lone-point", ".")]:
        write(f"csv/{name}.csv", head + field + ",0.5,b\n")
    write("csv/features-java-float.csv", "x,y\n0.1,0.2\n0.3,12f\n")
    write("csv/empty-label.csv", head + "0.3,0.4,\n")
    write("csv/duplicate-label.csv", "x,label,label\n0.1,0,0\n0.2,1,1\n")
    write("csv/duplicate-feature.csv", "x,x,label\n0.1,0.2,a\n0.3,0.4,b\n")
    write("csv/test-other-name.csv", "y,z,label\n0.1,0.2,a\n0.3,0.4,b\n")
    write("csv/test-missing-column.csv", "label,x\na,0.1\nb,0.3\n")
    write("csv/wide-line.csv", head + "1," * 100_000 + "1\n")


def idx(magic, dims, body):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + body


def idx_dirs():
    images = idx(0x803, [4, 28, 28], bytes(4 * 784))
    labels = idx(0x801, [4], bytes([0, 1, 2, 3]))

    def fashion(name, train_images=images, train_labels=labels, gz=False):
        files = {"train-images-idx3-ubyte": train_images, "train-labels-idx1-ubyte": train_labels,
                 "t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": labels}
        for f, content in files.items():
            if gz:
                write(f"idx/{name}/{f}.gz", gzip.compress(content, mtime=0))
            else:
                write(f"idx/{name}/{f}", content)

    fashion("truncated", train_images=images[:1000])
    fashion("wrong-magic", train_images=idx(0x802, [4, 28, 28], bytes(4 * 784)))
    fashion("count-mismatch", train_labels=idx(0x801, [3], bytes([0, 1, 2])))
    fashion("millions-promised", train_images=idx(0x803, [2_700_000, 28, 28], bytes(100_000)))
    fashion("label-eleven", train_labels=idx(0x801, [4], bytes([0, 1, 11, 3])))
    fashion("zero-dimension", train_images=idx(0x803, [4, 0, 28], b""))
    fashion("trailing-bytes", train_images=images + b"\0\0\0")
    fashion("not-28x28", train_images=idx(0x803, [4, 20, 20], bytes(4 * 400)))
    fashion("header-only-gzip", train_images=struct.pack(">I", 0x803), gz=True)
    os.makedirs(os.path.join(OUT, "idx", "corrupt-gzip"), exist_ok=True)
    fashion("corrupt-gzip", gz=True)
    broken = bytearray(gzip.compress(images, mtime=0))
    broken[20:40] = b"\xff" * 20
    write("idx/corrupt-gzip/train-images-idx3-ubyte.gz", bytes(broken))
    write("idx/missing-labels/train-images-idx3-ubyte", images)
    write("idx/images-as-predict-input-idx3-ubyte", idx(0x803, [2, 28, 28], bytes(2 * 784)))


def specs():
    def spec(name, layers, input_shape=(2,), loss=None, raw=None):
        body = raw if raw is not None else json.dumps(
            {"input": list(input_shape), "layers": layers, **({"loss": loss} if loss else {})})
        write(f"specs/{name}.json", body)

    lin = lambda n, **kw: {"type": "linear", "out_features": n, **kw}  # noqa: E731
    spec("not-json", None, raw='{"input": [2], "layers": [')
    spec("not-an-object", None, raw="[1, 2, 3]")
    spec("no-layers", [])
    spec("unknown-type", [lin(8), {"type": "convolution"}, lin(3)])
    spec("unknown-hyper-parameter", [lin(8, units=8), lin(3)])
    spec("missing-out-features", [{"type": "linear"}, lin(3)])
    spec("wrong-type", [lin("ten"), lin(3)])
    spec("dropout-p", [lin(8), {"type": "dropout", "p": 1.5}, lin(3)])
    spec("kernel-too-large", [{"type": "conv2d", "out_channels": 4, "kernel_size": 5}, {"type": "flatten"}, lin(3)],
         input_shape=(1, 3, 3))
    spec("negative-stride", [{"type": "conv2d", "out_channels": 4, "kernel_size": 2, "stride": -1},
                             {"type": "flatten"}, lin(3)], input_shape=(1, 4, 4))
    spec("linear-on-images", [{"type": "conv2d", "out_channels": 4, "kernel_size": 2}, lin(3)],
         input_shape=(1, 4, 4))
    spec("wrong-output-count", [lin(8), {"type": "relu"}, lin(5)])
    spec("wrong-input", [lin(8), lin(3)], input_shape=(7,))
    spec("unknown-loss", [lin(3)], loss="hinge")
    spec("huge-layers", [lin(30000), {"type": "relu"}, lin(30000), {"type": "relu"}, lin(3)])
    spec("zero-features", [lin(0), lin(3)])
    spec("input-zero", [lin(3)], input_shape=(0,))
    spec("wide-activations", [{"type": "conv2d", "out_channels": 50000, "kernel_size": 1},
                              {"type": "avgpool2d", "kernel_size": 28}, {"type": "flatten"}, lin(10)],
         input_shape=(1, 28, 28))


def attention_cases():
    """cases-attention.tsv: attention layer types on the wrong input, heads that do not divide the width."""
    def spec(name, layers, input_shape):
        write(f"specs/{name}.json", json.dumps({"input": list(input_shape), "layers": layers}))

    tail = [{"type": "flatten"}, {"type": "linear", "out_features": 3}]
    spec("attention-nhead", [{"type": "transformer_encoder_layer", "nhead": 3, "dim_feedforward": 4}] + tail, (1, 2))
    spec("attention-num-heads", [{"type": "multihead_attention", "num_heads": 4}] + tail, (1, 2))
    spec("attention-on-features", [{"type": "multihead_attention", "num_heads": 1}, {"type": "linear",
                                                                                   "out_features": 3}], (2,))
    spec("transformer-on-features", [{"type": "transformer_encoder_layer", "nhead": 1},
                                     {"type": "linear", "out_features": 3}], (2,))
    spec("attention-embed-dim", [{"type": "multihead_attention", "embed_dim": 4, "num_heads": 2}] + tail, (1, 2))
    spec("layernorm-shape", [{"type": "layernorm", "normalized_shape": 5}] + tail, (1, 2))
    spec("gelu-approximate", [{"type": "gelu", "approximate": "fast"}] + tail, (1, 2))
    train = "train --csv {dir}/good.csv --label label --model {dir}/specs/"
    cases = [
        ("attention-nhead", train + "attention-nhead.json",
         "attention-nhead.json: layers[0] (transformer_encoder_layer): 'nhead' is 3, which does not divide the"
         " width 2"),
        ("attention-num-heads", train + "attention-num-heads.json",
         "attention-num-heads.json: layers[0] (multihead_attention): 'num_heads' is 4, which does not divide the"
         " width 2"),
        ("attention-on-features", train + "attention-on-features.json",
         "attention-on-features.json: layers[0] (multihead_attention): takes a sequence of shape [T, E], not [2]"),
        ("transformer-on-features", train + "transformer-on-features.json",
         "transformer-on-features.json: layers[0] (transformer_encoder_layer): takes a sequence of shape [T, E],"
         " not [2]"),
        ("attention-embed-dim", train + "attention-embed-dim.json",
         "attention-embed-dim.json: layers[0] (multihead_attention): 'embed_dim' is 4 but its input [1, 2] has 2"
         " features per step"),
        ("layernorm-shape", train + "layernorm-shape.json",
         "layernorm-shape.json: layers[0] (layernorm): 'normalized_shape' is 5 but the last dimension of its input"
         " [1, 2] is 2"),
        ("gelu-approximate", train + "gelu-approximate.json",
         "gelu-approximate.json: layers[0] (gelu): 'approximate'"),
    ]
    lines = ["# Attention layer types: name, command line ({dir}: this folder), words the one-line message must"
             " contain.",
             "# Made by scripts/make_bad_inputs.py (attention_cases)."]
    lines += ["\t".join(case) for case in cases]
    write("cases-attention.tsv", "\n".join(lines) + "\n")


def read_model(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def model_bytes(header, data, sign=True):
    header = json.loads(json.dumps(header))
    if sign:
        header["__metadata__"]["nn4j.checksum"] = checksum(header, data)
    head = json.dumps(header).encode("utf-8")
    head += b" " * (-len(head) % 8)
    return struct.pack("<Q", len(head)) + head + data


def models():
    good = os.path.join(OUT, "good.safetensors")
    if not os.path.exists(good):
        subprocess.run([os.path.join(ROOT, "nn"), "train", "--csv", os.path.join(OUT, "good.csv"), "--label", "label",
                        "--hidden", "8", "--epochs", "2", "--out", good, "--quiet"], check=True)
    header, data = read_model(good)
    raw = open(good, "rb").read()
    write("models/text.safetensors", "these are not the bytes of a model\n")
    write("models/truncated.safetensors", raw[: len(raw) // 2])
    write("models/short.safetensors", raw[:5])
    flipped = bytearray(raw)
    flipped[-7] ^= 0x10
    write("models/flipped-bit.safetensors", bytes(flipped))
    edited = json.loads(json.dumps(header))
    edited["__metadata__"]["nn4j.class_names"] = json.dumps(["a", "b", "z"])
    write("models/edited-classes.safetensors", model_bytes(edited, data, sign=False))
    unsigned = json.loads(json.dumps(header))
    del unsigned["__metadata__"]["nn4j.checksum"]
    write("models/no-checksum.safetensors", model_bytes(unsigned, data, sign=False))
    swapped = json.loads(json.dumps(header))
    names = [k for k in swapped if k != "__metadata__"]
    weights = [k for k in names if k.endswith(".bias")]
    a, b = weights[0], weights[-1]
    swapped[a]["data_offsets"], swapped[b]["data_offsets"] = swapped[b]["data_offsets"], swapped[a]["data_offsets"]
    write("models/swapped-offsets.safetensors", model_bytes(swapped, data, sign=False))
    # Signed: the checksum holds, the contents are what is wrong.
    first = names[0]
    begin = header[first]["data_offsets"][0]
    nan = bytearray(data)
    nan[begin:begin + 4] = struct.pack("<f", float("nan"))
    write("models/nan-weight.safetensors", model_bytes(header, bytes(nan)))
    huge = json.loads(json.dumps(header))
    spec = json.loads(huge["__metadata__"]["nn4j.spec"])
    spec["input"] = [40000]
    spec["layers"][0]["out_features"] = 40000
    huge["__metadata__"]["nn4j.spec"] = json.dumps(spec)
    write("models/huge-spec.safetensors", model_bytes(huge, data))
    other = json.loads(json.dumps(header))
    other["__metadata__"]["nn4j.format"] = "nn4j-model/9"
    write("models/future-format.safetensors", model_bytes(other, data))
    bad_spec = json.loads(json.dumps(header))
    bad_spec["__metadata__"]["nn4j.spec"] = "{not json"
    write("models/bad-spec-json.safetensors", model_bytes(bad_spec, data))
    few = json.loads(json.dumps(header))
    few["__metadata__"]["nn4j.class_names"] = json.dumps(["a", "b"])
    write("models/two-class-names.safetensors", model_bytes(few, data))
    overflow = json.loads(json.dumps(header))
    overflow[first]["shape"] = [2 ** 62, 2 ** 62]
    write("models/overflowing-shape.safetensors", model_bytes(overflow, data))
    v1_header, v1_data = read_model(os.path.join(ROOT, "nn-modules", "src", "test", "resources", "model-v1.safetensors"))
    for name, edit in [("hidden-string", ("[8]", '["8"]')), ("hidden-zero", ("[8]", "[0]")),
                       ("hidden-negative", ("[8]", "[-8]")), ("input-zero", ('"input_size":784', '"input_size":0'))]:
        v1 = json.loads(json.dumps(v1_header))
        v1["__metadata__"]["nn4j.architecture"] = v1["__metadata__"]["nn4j.architecture"].replace(*edit)
        write(f"models/v1-{name}.safetensors", model_bytes(v1, v1_data))


def model_bounds():
    """Model files refused for what their header holds: bounds, duplicates, a state file that is not there."""
    header, data = read_model(os.path.join(OUT, "good.safetensors"))
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    twice = json.loads(json.dumps(header))
    twice["__metadata__"]["nn4j.class_names"] = json.dumps(["a", "a", "b"])
    write("models/duplicate-classes.safetensors", model_bytes(twice, data))
    crowded = json.loads(json.dumps(header))
    crowded["__metadata__"].update({f"note.{i}": "x" for i in range(1000)})
    write("models/many-metadata.safetensors", model_bytes(crowded, data))
    # A state_dict as PyTorch saves it: the tensors alone, no nn4j metadata.
    write("models/state-dict.safetensors", model_bytes({**tensors, "__metadata__": {"format": "pt"}}, data, sign=False))
    stateless = json.loads(json.dumps(header))
    del stateless["__metadata__"]["nn4j.optimizer_state"]
    stateless["__metadata__"]["nn4j.optimizer_state_file"] = json.dumps(
        {"file": "missing-state.safetensors.optimizer", "checksum": "sha256:" + "0" * 64})
    write("models/missing-state.safetensors", model_bytes(stateless, data))


def resume_and_flags():
    """Files of cases-resume.tsv: JSON with text after its object (specs, a gradient case, a model's
    header and metadata), other data of good.csv's shape, and a checkpoint that records its split
    (trained by ./nn the first time, like good.safetensors: a 0.25 split, a cosine schedule)."""
    spec = json.dumps({"input": [2], "layers": [{"type": "linear", "out_features": 3}]})
    write("specs/trailing-text.json", spec + " trailing\n")
    write("specs/two-objects.json", spec + "\n\n" + json.dumps({"input": [2], "layers": []}) + "\n")
    write("cases/two-objects.json", json.dumps({"model": json.loads(spec), "parameters": {}, "x": [[1, 2]],
                                                "y": [[1, 0, 0]]}) + "\n{}\n")
    rows = good_rows()
    shifted = rows[:-1] + [rows[-1].replace(rows[-1].split(",")[0], "0.9999", 1)]
    write("csv/good-shifted.csv", "x,y,label\n" + "\n".join(shifted) + "\n")
    header, data = read_model(os.path.join(OUT, "good.safetensors"))
    trailing = json.loads(json.dumps(header))
    trailing["__metadata__"]["nn4j.spec"] = trailing["__metadata__"]["nn4j.spec"] + " {}"
    write("models/trailing-spec-json.safetensors", model_bytes(trailing, data))
    signed = json.loads(json.dumps(header))
    signed["__metadata__"]["nn4j.checksum"] = checksum(signed, data)
    head = (json.dumps(signed) + ' {"__metadata__": {}}').encode("utf-8")
    head += b" " * (-len(head) % 8)
    write("models/trailing-header.safetensors", struct.pack("<Q", len(head)) + head + data)
    run = os.path.join(OUT, "models", "split-run.safetensors")
    if not os.path.exists(run):
        subprocess.run([os.path.join(ROOT, "nn"), "train", "--csv", "good.csv", "--label", "label",
                        "--test-fraction", "0.25", "--schedule", "cosine", "--hidden", "8", "--epochs", "2",
                        "--out", os.path.join("models", "split-run.safetensors"), "--quiet"], check=True, cwd=OUT)


def output_file_cases():
    """cases-files.tsv: outputs that no file system here takes (the kernel's own, a name too long) and
    file names whose bytes are not UTF-8, which Java reads as U+FFFD; no files of their own."""
    train = "train --csv {dir}/good.csv --label label"
    predict = "predict --model {dir}/good.safetensors --input {dir}/good-features.csv"
    long_name = "n" * 300 + ".safetensors"
    cases = [
        ("train-out-proc", f"{train} --out /proc/nn4j.safetensors",
         "/proc/nn4j.safetensors: cannot be written: /proc is on proc, not a regular file system"),
        ("train-out-sys", f"{train} --out /sys/nn4j.safetensors",
         "/sys/nn4j.safetensors: cannot be written: /sys is on sysfs, not a regular file system"),
        ("train-out-under-proc-missing-dirs", f"{train} --out /proc/nn4j/runs/m.safetensors",
         "/proc/nn4j/runs/m.safetensors: cannot be written: /proc is on proc, not a regular file system"),
        ("train-plot-proc", f"{train} --plot /proc/self/nn4j.png",
         "/proc/self/nn4j.png: cannot be written: /proc/self is on proc, not a regular file system"),
        ("train-metrics-sys", f"{train} --metrics-json /sys/kernel/nn4j.json",
         "/sys/kernel/nn4j.json: cannot be written: /sys/kernel is on sysfs, not a regular file system"),
        ("predict-output-proc", f"{predict} --output /proc/nn4j.csv",
         "/proc/nn4j.csv: cannot be written: /proc is on proc, not a regular file system"),
        ("predict-output-sys", f"{predict} --output /sys/nn4j.csv",
         "/sys/nn4j.csv: cannot be written: /sys is on sysfs, not a regular file system"),
        ("train-out-name-too-long", f"{train} --out {{dir}}/{long_name}",
         f"{{dir}}/{long_name}: cannot be written: file name too long (312 bytes, the file system allows"),
        ("train-plot-name-too-long", f"{train} --plot {{dir}}/{'p' * 260}.png",
         "cannot be written: file name too long (264 bytes, the file system allows"),
        ("predict-output-name-too-long", f"{predict} --output {{dir}}/{'o' * 256}",
         "cannot be written: file name too long (256 bytes, the file system allows"),
        ("train-out-not-utf8", f"{train} --out {{dir}}/m\ufffd.safetensors",
         "Invalid value for option '--out': '{dir}/m\ufffd.safetensors' has bytes that are not"),
        ("train-metrics-not-utf8", f"{train} --metrics-json {{dir}}/\ufffd\ufffd.json",
         "Invalid value for option '--metrics-json': '{dir}/\ufffd\ufffd.json' has bytes that are not"),
        ("train-csv-not-utf8", "train --csv {dir}/good\ufffd.csv --label label",
         "Invalid value for option '--csv': '{dir}/good\ufffd.csv' has bytes that are not"),
        ("predict-input-not-utf8", "predict --model {dir}/good.safetensors --input {dir}/good-features\ufffd.csv",
         "Invalid value for option '--input': '{dir}/good-features\ufffd.csv' has bytes that are not"),
        ("predict-output-not-utf8", f"{predict} --output {{dir}}/p\ufffd.csv",
         "Invalid value for option '--output': '{dir}/p\ufffd.csv' has bytes that are not"),
        ("evaluate-model-not-utf8", "evaluate --model {dir}/good\ufffd.safetensors --csv {dir}/good.csv --label label",
         "Invalid value for option '--model': '{dir}/good\ufffd.safetensors' has bytes that are not"),
    ]
    lines = ["# Outputs and file names: name, command line ({dir}: this folder), words the one-line message must"
             " contain.",
             "# Made by scripts/make_bad_inputs.py (output_file_cases). A name's byte that is not UTF-8 reaches Java"
             " as U+FFFD."]
    lines += ["\t".join(case) for case in cases]
    write("cases-files.tsv", "\n".join(lines) + "\n")


def recurrent_cases():
    """cases-recurrent.tsv and its specs: recurrent layers given what they do not take (issue 25)."""
    def spec(name, layers, input_shape):
        write(f"specs/{name}.json", json.dumps({"input": list(input_shape), "layers": layers}))

    tail = [{"type": "flatten"}, {"type": "linear", "out_features": 3}]
    spec("rnn-on-features", [{"type": "rnn", "hidden_size": 4}] + tail, (6,))
    spec("lstm-on-images", [{"type": "lstm", "hidden_size": 4}] + tail, (1, 4, 4))
    spec("gru-input-size", [{"type": "gru", "hidden_size": 4, "input_size": 5}] + tail, (3, 2))
    spec("rnn-nonlinearity", [{"type": "rnn", "hidden_size": 4, "nonlinearity": "sigmoid"}] + tail, (3, 2))
    spec("lstm-dropout-one", [{"type": "lstm", "hidden_size": 4, "num_layers": 2, "dropout": 1}] + tail, (3, 2))
    spec("gru-no-hidden-size", [{"type": "gru"}] + tail, (3, 2))
    lines = [
        "# Recurrent layers (issue 25), made by recurrent_cases() in scripts/make_bad_inputs.py: name, command line"
        " ({dir}: this folder), words the one-line message must contain.",
        "rnn-on-features\tbench --model {dir}/specs/rnn-on-features.json\trnn-on-features.json: layers[0] (rnn):"
        " takes a sequence of shape [T, F] (steps, features), not [6]",
        "lstm-on-images\tbench --model {dir}/specs/lstm-on-images.json\tlstm-on-images.json: layers[0] (lstm):"
        " takes a sequence of shape [T, F] (steps, features), not [1, 4, 4]",
        "gru-input-size\tbench --model {dir}/specs/gru-input-size.json\tlayers[0] (gru): 'input_size' is 5 but its"
        " input [3, 2] has 2 features per step",
        "rnn-nonlinearity\tbench --model {dir}/specs/rnn-nonlinearity.json\tlayers[0] (rnn): 'nonlinearity'",
        "lstm-dropout-one\tbench --model {dir}/specs/lstm-dropout-one.json\tlayers[0] (lstm): 'dropout'",
        "gru-no-hidden-size\tbench --model {dir}/specs/gru-no-hidden-size.json\tlayers[0] (gru): missing 'hidden_size'",
    ]
    write("cases-recurrent.tsv", "\n".join(lines) + "\n")
def token_files():
    """Files of cases-tokens.tsv: CSV files of token ids (one id outside the embedding, one not whole, one
    negative) and specs whose embedding is misplaced or has a padding_idx outside the vocabulary."""
    r = random.Random(5)
    rows = []
    for i in range(24):
        length = r.randint(2, 4)
        rows.append([r.randint(1, 9) for _ in range(length)] + [0] * (4 - length) + ["a" if i % 2 == 0 else "b"])

    def table(name, changed=None):
        body = [list(row) for row in rows]
        if changed:
            (row, column), value = changed
            body[row][column] = value
        write("tokens/" + name, "t0,t1,t2,t3,label\n" + "".join(",".join(str(v) for v in row) + "\n" for row in body))

    table("tokens.csv")
    table("id-outside.csv", ((2, 1), 50))
    table("not-whole.csv", ((1, 1), "1.5"))
    table("negative.csv", ((4, 2), -3))
    emb = {"type": "embedding", "num_embeddings": 10, "embedding_dim": 3, "padding_idx": 0}
    tail = [{"type": "sequence_pool"}, {"type": "linear", "out_features": 2}]
    for name, shape, layers in [
            ("tokens.json", [4], [emb] + tail),
            ("embedding-not-first.json", [4], [{"type": "linear", "out_features": 3}, emb] + tail),
            ("embedding-on-sequence.json", [2, 2], [emb, {"type": "flatten"}, {"type": "linear", "out_features": 2}]),
            ("padding-outside.json", [4], [dict(emb, padding_idx=10)] + tail),
            ("padding-outside-negative.json", [4], [dict(emb, padding_idx=-11)] + tail)]:
        write("tokens/" + name, json.dumps({"input": shape, "layers": layers}))


if __name__ == "__main__":
    csv_files()
    csv_syntax_files()
    idx_dirs()
    specs()
    attention_cases()
    models()
    model_bounds()
    resume_and_flags()
    output_file_cases()
    recurrent_cases()
    token_files()
    write("cases/missing-key.json", json.dumps({"layers": [4, 3], "activation": "relu"}))
    write("cases/not-finite.json", '{"model": {"input": [2], "layers": [{"type": "linear", "out_features": 2}]},'
          ' "parameters": {}, "x": [[1, 1e999]], "y": [[1, 0]]}')
    print("bad inputs written to", OUT)
