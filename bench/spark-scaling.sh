#!/usr/bin/env bash
# spark-scaling.sh: samples/s of nn train's second epoch on one machine, Spark local[1], local[2] and a
# standalone cluster of two 1-core Workers (scripts/spark-standalone.sh), synchronous and with
# parameter averaging, at several batch sizes. Prints one line per run.
#
#   bench/spark-scaling.sh --data DIR [--backend nd4j-cpu] [--batches "128 1024 4096"] [--average-every 8]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="" backend=nd4j-cpu batches="128 1024 4096" every=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --average-every) every="$2"; shift 2 ;;
    *) echo "spark-scaling.sh: unknown option '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
[[ -n "$data" ]] || { echo "spark-scaling.sh: --data DIR (Fashion-MNIST's IDX files) is needed" >&2; exit 2; }

cluster_dir="$(mktemp -d)"
trap '"$root/scripts/spark-standalone.sh" stop --dir "$cluster_dir"; rm -rf "$cluster_dir"' EXIT
"$root/nn" train --spark 'local[1]' --epochs 0 >/dev/null 2>&1 || true    # builds the Spark jars if needed
master="$("$root/scripts/spark-standalone.sh" start --workers 2 --cores 1 --port 7179 --dir "$cluster_dir" | tail -n 1)"

speed() {  # the second epoch's samples/s
  "$root/nn" train --backend "$backend" --data "$data" --epochs 2 "$@" 2>&1 \
    | sed -n 's/^epoch 2: .* \([0-9,]*\) samples\/s.*/\1/p' | tr -d ,
}
echo "backend $backend, data $data, second epoch's samples/s"
for batch in $batches; do
  echo "batch $batch: one machine $(speed --batch-size "$batch")"
  for where in 'local[1]' 'local[2]' "$master"; do
    echo "batch $batch: $where synchronous $(speed --batch-size "$batch" --spark "$where")," \
      "averaging every $every $(speed --batch-size "$batch" --spark "$where" --average-every "$every")"
  done
done
