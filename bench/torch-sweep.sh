#!/usr/bin/env bash
# torch-sweep.sh: PyTorch's best settings for the reference: each thread count from 1 to the cores and
# flush-denormal on and off, one epoch of bench/torch_train.py each, twice in turn; prints each
# setting's better run (samples/s) and the best, to give bench/compare-train.sh.
#
#   bench/torch-sweep.sh --model SPEC.json [--optimizer adam|sgd] [--dtype float32] [--python PATH]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="" optimizer=adam dtype=float32 python="${NN4J_TORCH_PYTHON:-/usr/bin/python3}"
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || { echo "torch-sweep.sh: '$1' without a value (see the comment at the top of $0)" >&2; exit 2; }
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --optimizer) optimizer="$2"; shift 2 ;;
    --dtype) dtype="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    *) echo "torch-sweep.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
[[ -f "$model" ]] || { echo "torch-sweep.sh: --model SPEC.json is needed (an existing file)" >&2; exit 2; }
declare -A best_of
for round in 1 2; do
  for ((threads = 1; threads <= $(nproc); threads++)); do
    for denormal in on off; do
      speed=$("$python" "$root/bench/torch_train.py" "$model" --epochs 1 --threads "$threads" --dtype "$dtype" \
        --optimizer "$optimizer" --flush-denormal "$denormal" --json | tail -n 1 \
        | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["samples_per_second"]))')
      key="$threads threads, flush-denormal $denormal"
      [[ -z "${best_of[$key]:-}" || "$speed" -gt "${best_of[$key]}" ]] && best_of[$key]=$speed
    done
  done
done
for key in "${!best_of[@]}"; do echo "${best_of[$key]} samples/s: $key"; done | sort -rn
echo "best: $(for key in "${!best_of[@]}"; do echo "${best_of[$key]} $key"; done | sort -rn | head -n 1 | cut -d' ' -f2-)"
