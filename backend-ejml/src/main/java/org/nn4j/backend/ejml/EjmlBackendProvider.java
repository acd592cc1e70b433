package org.nn4j.backend.ejml;

import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;

/** Provides the {@code ejml} backend, which is always available. */
public final class EjmlBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return EjmlBackend.NAME;
    }

    @Override
    public String description() {
        return "EJML dense matrices, pure Java (the embedded default)";
    }

    @Override
    public Availability availability() {
        return Availability.available("pure Java, no native code; " + Runtime.getRuntime().availableProcessors()
                + " cores");
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Backend create() {
        return new EjmlBackend();
    }
}
