#!/usr/bin/env bash
# spark-averaging.sh: parameter averaging on Spark against one machine, interleaved A B A B ... on the
# same data, model, batch and seed. Each run trains --epochs epochs; a run's speed is its samples/s over
# the epochs from --from on. Spark's own code keeps the JIT compiler busy for the first 20 s or so
# (measured on 2 cores: its C2 thread took a quarter of a core 10-18 s into a run), so by default the
# runs train 20 epochs and the speed is that of epochs 11-20, the steady state of a run of minutes;
# --epochs 5 --from 2 measures a short run. Prints each pair's speeds, accuracies and ratio, the
# cluster's cost line of the last averaging run, and the median ratio.
#
#   bench/spark-averaging.sh --data DIR [--backend nd4j-cpu] [--master 'local[2]'] [--batch-size 1024]
#                            [--average-every 8] [--epochs 20] [--from 11] [--pairs 3] [--spark-conf KEY=VALUE]...
#                            [-- more nn train options, for both sides]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="" backend=nd4j-cpu master='local[2]' batch=1024 every=8 epochs=20 from=11 pairs=3 extra=() spark_conf=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --master) master="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --average-every) every="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --spark-conf) spark_conf+=(--spark-conf "$2"); shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "spark-averaging.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
[[ -n "$data" ]] || { echo "spark-averaging.sh: --data DIR (Fashion-MNIST's IDX files) is needed" >&2; exit 2; }
(( from >= 1 && from <= epochs )) || { echo "spark-averaging.sh: --from must be from 1 to --epochs ($epochs), not $from" >&2; exit 2; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Prints "SAMPLES_PER_SECOND ACCURACY" of a run: the samples/s of epochs --from.. (harmonic mean: all
# their examples over all their time) and the last test accuracy.
run() {
  "$root/nn" train --backend "$backend" --data "$data" --epochs "$epochs" --batch-size "$batch" \
    ${extra[@]+"${extra[@]}"} "$@" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
  awk -v from="$from" '/^epoch [0-9]+:/ {
      e++; s = $0; sub(/ samples\/s.*/, "", s); sub(/.* /, "", s); gsub(/,/, "", s)
      if (e >= from) { inv += 1 / s; k++ }
      acc = $0; sub(/.*test accuracy /, "", acc); sub(/,.*/, "", acc) }
    END { printf "%.0f %s\n", k / inv, acc }' "$log"
}
"$root/nn" train --spark 'local[1]' --epochs 0 >/dev/null 2>&1 || true    # builds the Spark jars if needed

echo "$backend, batch $batch, $epochs epochs; one machine vs $master averaging every $every;" \
  "samples/s over epochs $from-$epochs (CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores)"
ratios=()
for ((i = 1; i <= pairs; i++)); do
  read -r one one_acc < <(run)
  read -r avg avg_acc < <(run --spark "$master" --average-every "$every" ${spark_conf[@]+"${spark_conf[@]}"})
  ratio=$(python3 -c "print(f'{$avg / $one:.3f}')")
  ratios+=("$ratio")
  echo "pair $i: one machine $one samples/s (accuracy $one_acc), averaging $avg samples/s (accuracy $avg_acc), ratio $ratio"
done
grep '^cluster costs' "$log" || true
echo "median ratio $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
