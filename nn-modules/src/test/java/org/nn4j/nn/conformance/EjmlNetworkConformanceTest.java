package org.nn4j.nn.conformance;

import org.nn4j.api.Backend;
import org.nn4j.api.Backends;

/** The network-level kit on ejml itself: its float32 runs against its float64 ones. */
class EjmlNetworkConformanceTest extends NetworkConformanceTest {
    @Override
    protected Backend createBackend() {
        return Backends.select("ejml");
    }
}
