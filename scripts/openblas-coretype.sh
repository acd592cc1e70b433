# Sourced by ./nn and bench/jmh.sh. nd4j-cpu runs on OpenBLAS 0.3.31 (the parent pom replaces the
# 0.3.19 that nd4j-native asks for). OpenBLAS falls back to slow generic kernels on CPUs newer than it
# knows, so unless OPENBLAS_CORETYPE is set, name the kernel family this CPU's instructions allow: both
# pass the conformance kit and, on Zen 4, match OpenBLAS's own pick in speed. NN4J_OPENBLAS_CHOICE
# tells 'nn backends' who chose.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  nn4j_flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true) "
  if [[ "$nn4j_flags" == *" avx512f "* && "$nn4j_flags" == *" avx512bw "* && "$nn4j_flags" == *" avx512dq "* \
        && "$nn4j_flags" == *" avx512vl "* ]]; then
    export OPENBLAS_CORETYPE=SkylakeX NN4J_OPENBLAS_CHOICE="chosen by ./nn: this CPU has AVX-512"
  elif [[ "$nn4j_flags" == *" avx2 "* && "$nn4j_flags" == *" fma "* ]]; then
    export OPENBLAS_CORETYPE=Haswell NN4J_OPENBLAS_CHOICE="chosen by ./nn: this CPU has AVX2"
  fi
  unset nn4j_flags
fi
