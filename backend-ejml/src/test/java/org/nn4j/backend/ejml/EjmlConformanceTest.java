package org.nn4j.backend.ejml;

import org.nn4j.api.Backend;
import org.nn4j.api.conformance.BackendConformanceTest;

/** The kit on ejml, with three threads so that large products split into uneven bands. */
class EjmlConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new EjmlBackend(3);
    }
}
