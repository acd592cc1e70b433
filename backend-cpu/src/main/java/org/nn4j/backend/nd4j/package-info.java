/**
 * The Backend SPI on ND4J: {@link org.nn4j.backend.nd4j.Nd4jBackend} is written against ND4J's API
 * and serves both {@code nd4j-cpu} (nd4j-native, provided here) and {@code nd4j-cuda} (nd4j-cuda,
 * provided by the backend-cuda module). Which one runs is decided by which ND4J backend is on the
 * class path: only one can be live in a JVM. On nd4j-native, whose arrays live in host memory, a
 * training step's hot operations bypass ND4J's ops: {@code HostMemoryOps} calls the OpenBLAS that
 * nd4j-native links and runs host loops over ND4J's memory.
 */
package org.nn4j.backend.nd4j;
