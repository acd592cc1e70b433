package org.nn4j.backend.nd4j;

import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.nn.conformance.NetworkConformanceTest;

class Nd4jCpuConformanceTest extends NetworkConformanceTest {
    @Override
    protected Backend createBackend() {
        return Backends.select(Nd4jCpuBackendProvider.NAME);
    }
}
