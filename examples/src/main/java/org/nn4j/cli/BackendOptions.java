package org.nn4j.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.nn4j.api.DType;
import org.nn4j.api.Threads;
import org.nn4j.inject.Nn4jModule;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --dtype}, for the commands that compute. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend to compute on (see 'nn backends'). Default: system property nn4j.backend,"
                    + " else environment variable NN4J_BACKEND, else the best available.")
    String backend;

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "float32 or float64. Default: system property nn4j.dtype, else environment variable"
                    + " NN4J_DTYPE, else float64 (float32 for training).")
    String dtype;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to compute with. Default: system property nn4j.threads, else environment"
                    + " variable NN4J_THREADS, else the backend's default for this machine (see 'nn backends').")
    String threads;

    /** The dtype set by flag, property or environment; null when none is. */
    DType explicitDType() {
        return DType.select(dtype, null, "--dtype");
    }

    /** An injector for the backend and dtype these options choose, float64 unless set. */
    Injector injector() {
        return injector(DType.FLOAT64);
    }

    /** An injector for the backend and dtype these options choose, {@code defaultDType} unless set. */
    Injector injector(DType defaultDType) {
        // Backends read the thread count when they are made; the flag reaches them as the property.
        Threads.select(threads, "--threads").ifPresent(n -> System.setProperty(Threads.PROPERTY, Integer.toString(n)));
        return Guice.createInjector(Nn4jModule.select(backend, dtype, defaultDType, "--backend", "--dtype"));
    }
}
