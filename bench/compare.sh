#!/usr/bin/env bash
# compare.sh: nn4j's 'nn bench' against the NumPy reference (bench/numpy_mlp.py), interleaved
# A B A B ... in one go, same network, loss, optimizer, batch, dtype and thread count. Prints each
# pair's samples/s and ratio, then the median ratio. With --model SPEC, the reference is PyTorch
# (bench/torch_spec.py, Debian's python3-torch) training the same spec with Adam.
#
#   bench/compare.sh [--backend nd4j-cpu] [--dtype float32] [--optimizer adam] [--threads N]
#                    [--pairs 5] [--batch-size 128] [--seconds 2] [--model SPEC.json]
#
# NumPy runs at its best on these machines: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the
# NumPy process only, so that its OpenBLAS picks its AVX-512 kernels; nn4j keeps the environment.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

backend=nd4j-cpu dtype=float32 optimizer=adam threads="$(nproc)" pairs=5 batch=128 seconds=2 model=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend) backend="$2"; shift 2 ;;
    --dtype) dtype="$2"; shift 2 ;;
    --optimizer) optimizer="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "compare.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

if [[ -n "$model" ]]; then
  [[ "$optimizer" == adam ]] || { echo "compare.sh: --model compares Adam only" >&2; exit 2; }
  /usr/bin/python3 -c 'import torch' 2>/dev/null \
    || { echo "compare.sh: --model needs PyTorch for /usr/bin/python3 (apt-get install python3-torch)" >&2; exit 2; }
  "$root/nn" backends >/dev/null
  echo "nn4j ($backend) vs PyTorch: $model, adam, batch $batch, $dtype, $threads threads; $pairs pairs"
  ratios=()
  for ((i = 1; i <= pairs; i++)); do
    torch=$(/usr/bin/python3 "$root/bench/torch_spec.py" "$model" --dtype "$dtype" --batch-size "$batch" \
      --threads "$threads" --windows 3 --seconds "$seconds" --json | tail -n 1 \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_second"])')
    nn4j=$("$root/nn" bench --backend "$backend" --dtype "$dtype" --model "$model" --batch-size "$batch" \
      --threads "$threads" --windows 3 --seconds "$seconds" --json | tail -n 1 \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_second"])')
    ratio=$(python3 -c "print(f'{$nn4j / $torch:.3f}')")
    ratios+=("$ratio")
    printf 'pair %d: pytorch %8.0f samples/s, nn4j %8.0f samples/s, ratio %s\n' "$i" "$torch" "$nn4j" "$ratio"
  done
  echo "median ratio nn4j/pytorch: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
  exit 0
fi

if ! python3 -c 'import numpy' 2>/dev/null; then
  echo "compare.sh: python3 with NumPy is needed for the reference" >&2
  exit 2
fi
"$root/nn" backends >/dev/null   # builds nn4j if needed

last_json() { tail -n 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_second"])'; }

echo "nn4j ($backend) vs NumPy: 784-256-128-10 relu, $optimizer, batch $batch, $dtype, $threads threads;" \
  "$pairs pairs, each side 3 windows of ${seconds}s after a warm-up"
ratios=()
for ((i = 1; i <= pairs; i++)); do
  numpy=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" \
    OPENBLAS_NUM_THREADS="$threads" python3 "$root/bench/numpy_mlp.py" --dtype "$dtype" \
    --optimizer "$optimizer" --batch-size "$batch" --windows 3 --seconds "$seconds" --json | last_json)
  nn4j=$("$root/nn" bench --backend "$backend" --dtype "$dtype" --optimizer "$optimizer" \
    --batch-size "$batch" --threads "$threads" --windows 3 --seconds "$seconds" --json | last_json)
  ratio=$(python3 -c "print(f'{$nn4j / $numpy:.3f}')")
  ratios+=("$ratio")
  printf 'pair %d: numpy %8.0f samples/s, nn4j %8.0f samples/s, ratio %s\n' "$i" "$numpy" "$nn4j" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | python3 -c 'import statistics, sys; print(statistics.median(float(l) for l in sys.stdin))')
echo "median ratio nn4j/numpy: $median"
