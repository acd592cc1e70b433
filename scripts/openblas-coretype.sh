# Sourced by ./nn and bench/jmh.sh. nd4j-native bundles OpenBLAS 0.3.19, which falls back to slow
# generic kernels on CPUs newer than it knows. Unless OPENBLAS_CORETYPE is set, name the kernel family
# this CPU's instructions allow: both pass the conformance kit and match OpenBLAS's own pick in speed
# where it knows the CPU. NN4J_OPENBLAS_CHOICE tells 'nn backends' who chose.
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
