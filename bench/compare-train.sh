#!/usr/bin/env bash
# compare-train.sh: nn4j's real training ('nn train --model SPEC' on Fashion-MNIST) against PyTorch
# training the same spec on the same data (bench/torch_train.py), interleaved PyTorch, nn4j, PyTorch,
# nn4j ... with the same batch (128), optimizer (Adam at 0.001, or SGD at 0.05 with momentum 0.9),
# epochs, dtype and thread count; PyTorch with --torch-threads and --flush-denormal if given (its best
# settings: bench/torch-sweep.sh finds them).
# Each side's figure is its last epoch's training samples/s (shuffle and evaluation excluded); prints
# each pair's ratio nn4j/PyTorch, then their median.
#
#   bench/compare-train.sh --model SPEC.json [--backend nd4j-cpu] [--dtype float32] [--threads 2]
#                          [--optimizer adam|sgd] [--torch-threads N] [--flush-denormal on|off]
#                          [--pairs 3] [--epochs 1] [--python PATH]
#
# --python: the Python with torch (default: $NN4J_TORCH_PYTHON, else /usr/bin/python3, Debian's torch).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

backend=nd4j-cpu dtype=float32 threads=2 pairs=3 epochs=1 model="" python="${NN4J_TORCH_PYTHON:-/usr/bin/python3}"
optimizer=adam torch_threads="" denormal=on
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || { echo "compare-train.sh: '$1' without a value, or unknown (see the comment at the top of $0)" >&2; exit 2; }
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --dtype) dtype="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --optimizer) optimizer="$2"; shift 2 ;;
    --torch-threads) torch_threads="$2"; shift 2 ;;
    --flush-denormal) denormal="$2"; shift 2 ;;
    *) echo "compare-train.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

[[ "$optimizer" == adam || "$optimizer" == sgd ]] || { echo "compare-train.sh: --optimizer adam or sgd, not '$optimizer'" >&2; exit 2; }
torch_threads="${torch_threads:-$threads}"
[[ -n "$model" ]] || { echo "compare-train.sh: --model SPEC.json is needed" >&2; exit 2; }
[[ -f "$model" ]] || { echo "compare-train.sh: $model: no such model spec" >&2; exit 2; }
version=$("$python" -c 'import torch; print(torch.__version__)' 2>/dev/null) \
  || { echo "compare-train.sh: no PyTorch for $python (give --python PATH or set NN4J_TORCH_PYTHON)" >&2; exit 2; }
"$root/nn" backends >/dev/null   # builds nn4j if needed
metrics="$(mktemp "${TMPDIR:-/tmp}/nn4j-metrics.XXXXXX")"
trap 'rm -f "$metrics"' EXIT

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
echo "nn4j ($backend) vs PyTorch $version ($python, $torch_threads threads, flush-denormal $denormal): $model," \
  "$optimizer, batch 128, $dtype, $threads threads, $epochs epochs; $pairs pairs; $cpu"
ratios=()
for ((i = 1; i <= pairs; i++)); do
  torch=$("$python" "$root/bench/torch_train.py" "$model" --epochs "$epochs" --threads "$torch_threads" \
    --batch-size 128 --dtype "$dtype" --optimizer "$optimizer" --flush-denormal "$denormal" --json | tail -n 1 \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_second"])')
  "$root/nn" train --backend "$backend" --dtype "$dtype" --model "$model" --epochs "$epochs" --threads "$threads" \
    --batch-size 128 --optimizer "$optimizer" --metrics-json "$metrics" --quiet >/dev/null
  nn4j=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["samples_per_second"][-1])' "$metrics")
  ratio=$(python3 -c "print(f'{$nn4j / $torch:.3f}')")
  ratios+=("$ratio")
  printf 'pair %d: pytorch %8.0f samples/s, nn4j %8.0f samples/s, ratio %s\n' "$i" "$torch" "$nn4j" "$ratio"
done
echo "median ratio nn4j/pytorch: $(printf '%s\n' "${ratios[@]}" \
  | python3 -c 'import statistics, sys; print(f"{statistics.median(float(l) for l in sys.stdin):.3f}")')"
