package org.nn4j.backend.ejml;

import java.util.Set;
import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Operation;
import org.nn4j.backend.host.Threads;

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
        int threads = threads();
        return Availability.available("pure Java, no native code; " + threads + (threads == 1 ? " thread" : " threads")
                + "; " + Products.description());
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Set<Operation> nativeOperations() {
        return EjmlBackend.NATIVE_OPERATIONS;
    }

    @Override
    public Backend create() {
        return new EjmlBackend(threads());
    }

    /** All cores unless set: the backend's threads compute and nothing else competes with them. */
    private static int threads() {
        return Threads.select(null).orElse(Threads.cores());
    }
}
