package org.nn4j.inject;

import com.google.inject.AbstractModule;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;

/**
 * Binds the {@link Backend} and {@link DType} a run uses. The backend is chosen before the injector is
 * made, so a wrong choice fails with the selection's own message rather than inside Guice.
 */
public final class Nn4jModule extends AbstractModule {
    private final Backend backend;
    private final DType dtype;

    public Nn4jModule(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    /**
     * Chooses backend and dtype in nn4j's one order: the explicit values (flags; either may be null),
     * then system properties, then environment variables, then the best available backend and
     * {@code defaultDType}.
     *
     * @throws org.nn4j.api.SettingException when a value names no usable backend or dtype
     */
    public static Nn4jModule select(String backendName, String dtypeName, DType defaultDType) {
        DType dtype = DType.select(dtypeName, defaultDType);
        return new Nn4jModule(Backends.select(backendName), dtype);
    }

    @Override
    protected void configure() {
        bind(Backend.class).toInstance(backend);
        bind(DType.class).toInstance(dtype);
    }
}
