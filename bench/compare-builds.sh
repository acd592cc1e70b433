#!/usr/bin/env bash
# compare-builds.sh: 'nn bench' of this checkout against another checkout of nn4j (say, the last
# commit before a change, made with 'git worktree add DIR COMMIT'), interleaved A B A B ... with the
# same settings. Prints each pair's samples/s and ratio (this / other), then the median ratio.
#
#   bench/compare-builds.sh --other DIR [--pairs 5] [any further 'nn bench' options, e.g. --backend ejml]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

other="" pairs=5 bench_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --other) other="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
if [[ -z "$other" || ! -x "$other/nn" ]]; then
  echo "compare-builds.sh: --other DIR must name another nn4j checkout (with its ./nn)" >&2
  exit 2
fi
"$root/nn" backends >/dev/null && "$other/nn" backends >/dev/null   # builds both if needed

speed() { "$1/nn" bench --json --windows 3 "${bench_args[@]}" | tail -n 1 \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_second"])'; }

echo "this checkout ($root) vs $other: nn bench ${bench_args[*]}; $pairs pairs"
ratios=()
for ((i = 1; i <= pairs; i++)); do
  theirs=$(speed "$other")
  ours=$(speed "$root")
  ratio=$(python3 -c "print(f'{$ours / $theirs:.3f}')")
  ratios+=("$ratio")
  printf 'pair %d: this %.0f, other %.0f samples/s, ratio %s\n' "$i" "$ours" "$theirs" "$ratio"
done
printf '%s\n' "${ratios[@]}" | python3 -c 'import statistics, sys; print("median ratio", statistics.median(float(l) for l in sys.stdin))'
