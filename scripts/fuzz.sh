#!/usr/bin/env bash
# Fuzzes nn4j's file readers with Jazzer, one target after another, and reports each.
#
#   scripts/fuzz.sh                       # every target, 1,000,000 executions each
#   scripts/fuzz.sh --seconds 10          # every target for 10 s (what CI runs)
#   scripts/fuzz.sh --executions 50000 model
#
# Targets: idx, csv (org.nn4j.data.ReadersFuzzTest), safetensors, model (org.nn4j.io.ModelFilesFuzzTest),
# json (org.nn4j.nn.spec.SpecsFuzzTest: model specs and gradient cases). Each starts from its committed
# seeds (nn-modules/src/test/resources/.../<Class>Inputs/<target>) and the corpus it grew before
# (nn-modules/.cifuzz-corpus, not committed). A finding (any exception but nn4j's InvalidInputException,
# a message of more than one line, or an allocation beyond Fuzzing.bound) fails the run and is saved
# beside the seeds as crash-<sha1>, which every later `mvn test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."

executions=1000000
seconds=""
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --executions) executions="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(idx csv safetensors model json)

declare -A classes=([idx]=org.nn4j.data.ReadersFuzzTest [csv]=org.nn4j.data.ReadersFuzzTest
  [safetensors]=org.nn4j.io.ModelFilesFuzzTest [model]=org.nn4j.io.ModelFilesFuzzTest
  [json]=org.nn4j.nn.spec.SpecsFuzzTest)

if [[ -n "$seconds" ]]; then
  limit=(-Djazzer.max_duration="${seconds}s" -Djazzer.max_executions=0)
else
  limit=(-Djazzer.max_executions="$executions" -Djazzer.max_duration=24h)
fi

# nn-modules and what it needs, built once; then each target in a JVM of its own.
mvn -B -q -ntp install -DskipTests -pl nn-modules -am
status=0
for target in "${targets[@]}"; do
  class="${classes[$target]:-}"
  if [[ -z "$class" ]]; then
    echo "fuzz: unknown target '$target'; targets: idx csv safetensors model json" >&2
    exit 2
  fi
  log="$(mktemp)"
  if JAZZER_FUZZ=1 mvn -B -ntp surefire:test -pl nn-modules -Dtest="${class##*.}#$target" \
      -Dsurefire.failIfNoSpecifiedTests=false "${limit[@]}" >"$log" 2>&1; then
    outcome="no findings"
  else
    outcome="FINDING (log: $log)"
    status=1
  fi
  done_line="$(grep -E '^Done [0-9]+ runs in' "$log" | tail -n 1 || true)"
  speed="$(grep -E '#[0-9]+\s+DONE' "$log" | tail -n 1 | grep -oE 'exec/s: [0-9]+' || true)"
  echo "fuzz $target: ${done_line:-no report} (${speed:-?}): $outcome"
  [[ "$outcome" == "no findings" ]] && rm -f "$log"
done
exit "$status"
