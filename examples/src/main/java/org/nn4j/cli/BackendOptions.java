package org.nn4j.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.nn4j.api.DType;
import org.nn4j.backend.host.Threads;
import org.nn4j.inject.Nn4jModule;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --backend} and {@code --dtype}, for the commands that compute. */
final class BackendOptions {

    /** The command these options are part of, for its error stream. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend to compute on (see 'nn backends'). Default: system property nn4j.backend,"
                    + " else environment variable NN4J_BACKEND, else the best one on the class path: ejml with ./nn,"
                    + " which adds an ND4J backend only when --backend names it.")
    String backend;

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "float32 or float64. Default: system property nn4j.dtype, else environment variable"
                    + " NN4J_DTYPE, else float32 for train and bench, the model file's own for evaluate and predict,"
                    + " float64 for the others.")
    String dtype;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to compute with. Default: system property nn4j.threads, else environment"
                    + " variable NN4J_THREADS, else the backend's default for this machine (see 'nn backends').")
    String threads;

    /** The dtype set by flag, property or environment; null when none is. */
    DType explicitDType() {
        return DType.select(dtype, null, "--dtype");
    }

    /** The most threads a command computes with, per core of the machine. */
    static final int MAX_THREADS_PER_CORE = 4;

    /** An injector for the backend and dtype these options choose, float64 unless set. */
    Injector injector() {
        return injector(DType.FLOAT64);
    }

    /** An injector for the backend and dtype these options choose, {@code defaultDType} unless set. */
    Injector injector(DType defaultDType) {
        // Backends read the thread count when they are made; the flag reaches them as the property.
        Threads.select(threads, "--threads").ifPresent(n -> {
            int cap = MAX_THREADS_PER_CORE * Threads.cores();
            if (n > cap) {
                // Threads beyond the cores only take turns on them: 10,000 ran 100 times slower, measured.
                java.io.PrintWriter err = command != null ? command.commandLine().getErr()
                        : new java.io.PrintWriter(System.err, true);
                err.println("nn: " + n + " threads are more than " + MAX_THREADS_PER_CORE + " for each of this"
                        + " machine's " + Threads.cores() + " cores; computing with " + cap);
                err.flush();
            }
            System.setProperty(Threads.PROPERTY, Integer.toString(Math.min(n, cap)));
        });
        return Guice.createInjector(Nn4jModule.select(backend, dtype, defaultDType, "--backend", "--dtype"));
    }
}
