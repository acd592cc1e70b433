package org.nn4j.backend.nd4j;

import org.nn4j.api.Backend;
import org.nn4j.api.conformance.BackendConformanceTest;

/**
 * The SPI's kit on nd4j-cpu with its optimizer updates on copies in Java arrays, the path of a JVM
 * without the Vector API; {@link Nd4jCpuConformanceTest} runs them in place on the Vector API.
 */
class Nd4jCopiedLoopsConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new Nd4jHostBackend(Nd4jCpuBackendProvider.NAME, 3, false);
    }
}
