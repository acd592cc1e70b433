#!/usr/bin/env bash
# compare.sh: nn4j's 'nn bench' against NumPy (bench/numpy_mlp.py) and PyTorch (bench/torch_mlp.py,
# Debian's python3-torch), interleaved A B C A B C ... in one go, same network, loss, optimizer, batch,
# dtype and thread count. Prints each round's samples/s and ratios, then the median ratio against
# each reference. With --model SPEC, the reference is PyTorch (bench/torch_spec.py) training the same
# spec with Adam.
#
#   bench/compare.sh [--backend nd4j-cpu] [--dtype float32] [--optimizer adam|sgd] [--threads N]
#                    [--pairs 5] [--batch-size 128] [--seconds 2] [--model SPEC.json]
#                    [--reference numpy,pytorch] [--torch-settings "--coretype auto --threads 1 --flush-denormal"]
#                    [--numpy-settings "--flush-state"]
#
# NumPy runs at its best on these machines: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the
# NumPy process only, so that its OpenBLAS (0.3.31, which knows these CPUs) picks its own kernels;
# nn4j keeps the environment. PyTorch's OpenBLAS (0.3.21) does not know them: --torch-settings names
# its kernels and thread split (bench/torch_mlp.py --sweep times them all). Both references flush
# subnormal optimizer state by default, as nn4j does (PyTorch with torch.set_flush_denormal, NumPy by
# zeroing state at nn4j's floor): on this synthetic data they ran at 0.5-0.6x their speed without it
# on an Intel Xeon. --torch-settings "--coretype auto --threads 1" and --numpy-settings "" leave it out.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

backend=nd4j-cpu dtype=float32 optimizer=adam threads="$(nproc)" pairs=5 batch=128 seconds=2 model="" only=""
# PyTorch's best setting on the machines measured (bench/torch_mlp.py --sweep finds it for another).
torch_settings="--coretype auto --threads 1 --flush-denormal"
numpy_settings="--flush-state"
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
    --reference) only="$2"; shift 2 ;;
    --torch-settings) torch_settings="$2"; shift 2 ;;
    --numpy-settings) numpy_settings="$2"; shift 2 ;;
    *) echo "compare.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

if [[ -n "$model" ]]; then
  [[ "$optimizer" == adam ]] || { echo "compare.sh: --model compares Adam only" >&2; exit 2; }
  /usr/bin/python3 -c 'import torch' 2>/dev/null \
    || { echo "compare.sh: --model needs PyTorch for /usr/bin/python3 (apt-get install python3-torch)" >&2; exit 2; }
  "$root/nn" backends >/dev/null
  spec_flush=""
  [[ "$torch_settings" == *--flush-denormal* ]] && spec_flush="--flush-denormal"
  echo "nn4j ($backend) vs PyTorch: $model, adam, batch $batch, $dtype, $threads threads; $pairs pairs${spec_flush:+; pytorch: $spec_flush}"
  ratios=()
  for ((i = 1; i <= pairs; i++)); do
    # shellcheck disable=SC2086
    torch=$(/usr/bin/python3 "$root/bench/torch_spec.py" "$model" --dtype "$dtype" --batch-size "$batch" \
      --threads "$threads" $spec_flush --windows 3 --seconds "$seconds" --json | tail -n 1 \
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

references=()
python3 -c 'import numpy' 2>/dev/null && references+=(numpy)
/usr/bin/python3 -c 'import torch' 2>/dev/null && references+=(pytorch)
if [[ -n "$only" ]]; then
  IFS=',' read -r -a references <<<"$only"
fi
if [[ ${#references[@]} -eq 0 ]]; then
  echo "compare.sh: a reference is needed: python3 with NumPy, or /usr/bin/python3 with torch (python3-torch)" >&2
  exit 2
fi
"$root/nn" backends >/dev/null   # builds nn4j if needed

last_json() { tail -n 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_second"])'; }

reference() {
  case "$1" in
    numpy)
      # shellcheck disable=SC2086
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
        python3 "$root/bench/numpy_mlp.py" --dtype "$dtype" --optimizer "$optimizer" --batch-size "$batch" \
        $numpy_settings --windows 3 --seconds "$seconds" --json | last_json ;;
    pytorch)
      # shellcheck disable=SC2086
      /usr/bin/python3 "$root/bench/torch_mlp.py" --dtype "$dtype" --optimizer "$optimizer" --batch-size "$batch" \
        --blas-threads "$threads" $torch_settings --windows 3 --seconds "$seconds" --json | last_json ;;
    *) echo "compare.sh: unknown reference '$1' (numpy or pytorch)" >&2; exit 2 ;;
  esac
}

median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(l) for l in sys.stdin):.3f}")'; }

echo "nn4j ($backend) vs ${references[*]}: 784-256-128-10 relu, $optimizer, batch $batch, $dtype, $threads threads;" \
  "$pairs rounds, each side 3 windows of ${seconds}s after a warm-up; pytorch: $torch_settings; numpy: $numpy_settings"
declare -A ratios
for ((i = 1; i <= pairs; i++)); do
  speeds=()
  for ref in "${references[@]}"; do
    speeds+=("$(reference "$ref")")
  done
  nn4j=$("$root/nn" bench --backend "$backend" --dtype "$dtype" --optimizer "$optimizer" \
    --batch-size "$batch" --threads "$threads" --windows 3 --seconds "$seconds" --json | last_json)
  line="round $i:"
  shares=""
  for k in "${!references[@]}"; do
    ref="${references[$k]}"
    ratio=$(python3 -c "print(f'{$nn4j / ${speeds[$k]}:.3f}')")
    ratios[$ref]+="$ratio "
    line+=$(printf ' %s %.0f,' "$ref" "${speeds[$k]}")
    shares+=" nn4j/$ref $ratio"
  done
  printf '%s nn4j %.0f samples/s;%s\n' "$line" "$nn4j" "$shares"
done
for ref in "${references[@]}"; do
  echo "median ratio nn4j/$ref: $(echo "${ratios[$ref]}" | tr ' ' '\n' | grep . | median)"
done
