package org.nn4j.backend.ejml;

import org.nn4j.api.Backend;
import org.nn4j.api.conformance.BackendConformanceTest;

/** The kit on ejml with EJML's own products, as where the JVM lacks the Vector API. */
class EjmlPlainProductsConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new EjmlBackend(3, false);
    }
}
