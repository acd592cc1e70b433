/**
 * The Backend SPI on ND4J: {@link org.nn4j.backend.nd4j.Nd4jBackend} is written against ND4J's API
 * alone and serves both {@code nd4j-cpu} (nd4j-native, provided here) and {@code nd4j-cuda}
 * (nd4j-cuda, provided by the backend-cuda module). Which one runs is decided by which ND4J backend
 * is on the class path: only one can be live in a JVM.
 */
package org.nn4j.backend.nd4j;
