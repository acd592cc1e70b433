package org.nn4j.backend.ejml;

import org.nn4j.api.Backend;
import org.nn4j.api.conformance.BackendConformanceTest;

class EjmlConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new EjmlBackend();
    }
}
