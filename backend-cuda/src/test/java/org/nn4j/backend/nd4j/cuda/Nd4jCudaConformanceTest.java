package org.nn4j.backend.nd4j.cuda;

import org.junit.jupiter.api.extension.ExtendWith;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.nn.conformance.NetworkConformanceTest;

@ExtendWith(CudaAvailable.class)
class Nd4jCudaConformanceTest extends NetworkConformanceTest {
    @Override
    protected Backend createBackend() {
        return Backends.select(Nd4jCudaBackendProvider.NAME);
    }
}
