package org.nn4j.backend.host;

import java.util.OptionalInt;
import org.nn4j.api.Setting;
import org.nn4j.api.SettingException;

/**
 * How many threads a backend computes with: what a scheduler requested for the thread that makes the
 * backend ({@link #request}), else the command line's {@code --threads}, else the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}; unset, each backend uses
 * its own default for the machine.
 */
public final class Threads {

    /** The system property of the thread count. */
    public static final String PROPERTY = "nn4j.threads";
    /** The environment variable of the thread count. */
    public static final String ENVIRONMENT = "NN4J_THREADS";

    private static final ThreadLocal<Integer> REQUESTED = new ThreadLocal<>();

    private Threads() {
    }

    /**
     * The thread count set by {@code explicit} (may be null), the property or the environment.
     *
     * @throws SettingException naming the value and its source, when it is not a positive whole number
     */
    public static OptionalInt select(String explicit) {
        return select(explicit, "Threads.select");
    }

    /** As {@link #select(String)}, messages naming {@code explicit} after {@code source} (say, {@code --threads}). */
    public static OptionalInt select(String explicit, String source) {
        Integer requested = REQUESTED.get();
        if (requested != null) {
            return OptionalInt.of(requested);
        }
        Setting setting = Setting.resolve(explicit, source, PROPERTY, ENVIRONMENT);
        if (setting == null) {
            return OptionalInt.empty();
        }
        try {
            int threads = Integer.parseInt(setting.value().trim());
            if (threads >= 1) {
                return OptionalInt.of(threads);
            }
        } catch (NumberFormatException e) {
            // Reported below with the value and where it came from.
        }
        throw new SettingException("threads must be a whole number of at least 1, not '" + setting.value()
                + "' (from " + setting.source() + ")");
    }

    /**
     * Asks backends made on this thread from now on to compute with {@code threads} threads, for
     * schedulers that give each task its share of the cores (Spark's {@code spark.task.cpus}): without
     * it, every task's backend would take all the machine's cores. 0 withdraws the request.
     */
    public static void request(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative, not " + threads);
        }
        if (threads == 0) {
            REQUESTED.remove();
        } else {
            REQUESTED.set(threads);
        }
    }

    /** The cores this JVM may use. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
