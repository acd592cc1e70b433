package org.nn4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.conformance.BackendConformanceTest;

/**
 * The kit on ejml, with three threads so that large products split into uneven bands, on the Vector
 * API kernel (the tests run with {@code --add-modules jdk.incubator.vector}).
 */
class EjmlConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new EjmlBackend(3);
    }

    @Test
    void itsProviderReportsWhatItRunsNativelyWithoutMakingOne() {
        assertEquals(backend.nativeOperations(), new EjmlBackendProvider().nativeOperations());
    }

    @Test
    void productsRunOnTheVectorApiKernelHere() {
        assertTrue(new EjmlBackend(1).vectorProducts(), "the tests' JVM should have jdk.incubator.vector");
    }
}
