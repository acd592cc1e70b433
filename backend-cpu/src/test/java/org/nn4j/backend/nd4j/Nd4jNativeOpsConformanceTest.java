package org.nn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.nn.conformance.NetworkConformanceTest;

/**
 * The kit on the ND4J backend without its host-memory shortcuts: the ops nd4j-cuda runs, checked here
 * on nd4j-native so that they are checked on every machine.
 */
class Nd4jNativeOpsConformanceTest extends NetworkConformanceTest {
    @Override
    protected Backend createBackend() {
        return new Nd4jDeviceBackend("nd4j-cpu (native ops only)", Nd4jThreads.threads());
    }

    @Test
    void reportsTheDevicePathsRoundTrips() {
        assertEquals(Nd4jOperations.DEVICE, backend.nativeOperations());
    }
}
