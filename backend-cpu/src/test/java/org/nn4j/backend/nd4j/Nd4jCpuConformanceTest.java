package org.nn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.nn.conformance.NetworkConformanceTest;

/**
 * The kit on nd4j-cpu's backend as its provider makes it (host memory: direct BLAS calls and host
 * loops), but with three threads, so that large operations split into uneven parts whatever the
 * machine's cores.
 */
class Nd4jCpuConformanceTest extends NetworkConformanceTest {
    @Override
    protected Backend createBackend() {
        return new Nd4jHostBackend(Nd4jCpuBackendProvider.NAME, 3, true);
    }

    @Test
    void itsProviderReportsWhatItRunsNativelyWithoutMakingOne() {
        assertEquals(backend.nativeOperations(), new Nd4jCpuBackendProvider().nativeOperations());
        assertEquals(Nd4jOperations.HOST, backend.nativeOperations());
    }
}
