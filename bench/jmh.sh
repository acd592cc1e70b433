#!/usr/bin/env bash
# jmh.sh: builds the JMH benchmarks of the SPI's hot operations and runs them, on ejml and nd4j-cpu,
# float32 and float64. Arguments go to JMH, for example: bench/jmh.sh gemm -p backendName=nd4j-cpu
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -B -q -ntp -pl bench -am package -DskipTests) >&2
source "$root/scripts/openblas-coretype.sh"
# With the Vector API, as ./nn starts Java (ejml's products, nd4j-cpu's updates); JMH's forks take the
# same flags. NN4J_VECTOR=0 measures the paths without it.
vector=()
[[ "${NN4J_VECTOR:-1}" != 0 ]] && vector=(--add-modules jdk.incubator.vector)
exec java "${vector[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
  -cp "$root/bench/target/classes:$root/bench/target/lib/*" org.openjdk.jmh.Main "$@"
