#!/usr/bin/env bash
# gpu-check.sh: what a Linux machine with an NVIDIA GPU offers nn4j. Prints the driver, each GPU's
# compute capability, the CUDA 11 libraries nd4j-cuda needs, what 'nn backends --json' says, and the
# nd4j-cuda conformance kit's result (or why it cannot run).
#
#   scripts/gpu-check.sh               run the check from a checkout (Java 17 and Maven needed)
#   scripts/gpu-check.sh --bundle DIR  write DIR: a jlink'd Java runtime, the jars that
#                                      'nn backends' needs and this script (about 45 MiB), for a
#                                      GPU machine with no Java and no network; there, run
#                                      DIR/gpu-check.sh
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ "${1:-}" == --bundle ]]; then
  out="${2:?usage: gpu-check.sh --bundle DIR}"
  root="$(cd "$here/.." && pwd)"
  "$root/nn" backends >/dev/null || exit 1   # builds nn4j if needed
  app="$root/examples/target/app"
  rm -rf "$out" && mkdir -p "$out/lib"
  # 'nn backends' loads no ND4J class: the jars of nn4j, its CLI and its wiring suffice.
  for jar in "$app"/lib/*.jar; do
    case "$(basename "$jar")" in
      nn4j-*|picocli-*|jackson-annotations-2*|jackson-core-2*|jackson-databind-2*|guice-*|guava-31*|failureaccess-*|jakarta.inject-*|aopalliance-*|slf4j-*|ejml-*)
        cp "$jar" "$out/lib/" ;;
    esac
  done
  jlink --add-modules java.base,java.logging,jdk.unsupported --strip-debug --no-man-pages \
    --no-header-files --compress=2 --output "$out/jre" || exit 1
  cp "${BASH_SOURCE[0]}" "$out/gpu-check.sh"
  echo "wrote $out ($(du -sh "$out" | cut -f1)); run $out/gpu-check.sh on the GPU machine"
  exit 0
fi

section() { printf '\n== %s\n' "$1"; }

section "NVIDIA driver"
cat /proc/driver/nvidia/version 2>/dev/null || echo "none: /proc/driver/nvidia/version not found"

section "GPUs (nvidia-smi)"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=index,name,compute_cap,driver_version,memory.total --format=csv 2>&1
else
  echo "nvidia-smi not found"
fi

section "CUDA 11 libraries that nd4j-cuda 1.0.0-M2.1 links against"
for lib in libcudart.so.11.0 libcublas.so.11 libcublasLt.so.11 libcusolver.so.11; do
  where="$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | awk -v l="$lib" '$1 == l {print $NF; exit}')"
  echo "$lib: ${where:-not found}"
done

if [[ -x "$here/jre/bin/java" ]]; then
  nn() { "$here/jre/bin/java" -cp "$here/lib/*" org.nn4j.cli.Main "$@"; }
  bundled=1
else
  nn() { "$here/../nn" "$@"; }
  bundled=0
fi

section "nn backends --json"
nn backends --json
status="$(nn backends 2>/dev/null | awk '$1 == "nd4j-cuda" {print $2}')"
reason="$(nn backends 2>/dev/null | awk '$1 == "nd4j-cuda" {$1 = ""; $2 = ""; sub(/^ +/, ""); print}')"

section "nd4j-cuda conformance kit"
if [[ "$status" != available ]]; then
  echo "not run: nd4j-cuda is unavailable: ${reason:-not listed by nn backends}"
elif [[ $bundled == 1 ]]; then
  echo "not run: this bundle carries no nd4j-cuda native jar (573 MiB); run scripts/gpu-check.sh from a checkout"
else
  (cd "$here/.." && mvn -B -ntp -Pcuda -pl backend-cuda -am test -Dtest='Nd4jCuda*' \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E 'Tests run:|FAIL|BUILD|skipped:')
fi
