package org.nn4j.cli;

import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;

/** A backend provider whose constructor throws, as one that needs a driver the machine lacks might. */
public final class ThrowingBackendProvider implements BackendProvider {

    public ThrowingBackendProvider() {
        throw new IllegalStateException("libtpu.so is not on this machine");
    }

    @Override
    public String name() {
        return "tpu";
    }

    @Override
    public String description() {
        return "never made";
    }

    @Override
    public Availability availability() {
        return Availability.available("never");
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public Backend create() {
        throw new UnsupportedOperationException();
    }
}
