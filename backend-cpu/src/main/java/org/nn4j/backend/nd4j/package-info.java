/**
 * The Backend SPI on ND4J, one class per execution path over a small shared base ({@code Nd4jBackend}):
 * {@code Nd4jHostBackend} is {@code nd4j-cpu}, provided here, on nd4j-native's host memory, where a
 * training step's hot operations bypass ND4J's ops ({@code HostMemoryOps} calls the OpenBLAS that
 * nd4j-native links and runs nn4j-backend-host's loops over ND4J's memory); {@link
 * org.nn4j.backend.nd4j.Nd4jDeviceBackend} runs everything as ND4J's ops, for {@code nd4j-cuda} (provided
 * by the backend-cuda module). Which ND4J backend runs is decided by which is on the class path: only one
 * can be live in a JVM.
 */
package org.nn4j.backend.nd4j;
