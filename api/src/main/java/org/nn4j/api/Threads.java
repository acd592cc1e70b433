package org.nn4j.api;

import java.util.OptionalInt;

/**
 * How many threads a backend computes with: the command line's {@code --threads}, else the system
 * property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}; unset, each
 * backend uses its own default for the machine.
 */
public final class Threads {

    public static final String PROPERTY = "nn4j.threads";
    public static final String ENVIRONMENT = "NN4J_THREADS";

    private Threads() {
    }

    /**
     * The thread count set by {@code explicit} (may be null), the property or the environment.
     *
     * @throws SettingException naming the value and its source, when it is not a positive whole number
     */
    public static OptionalInt select(String explicit) {
        Setting setting = Setting.resolve(explicit, "--threads", PROPERTY, ENVIRONMENT);
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

    /** The cores this JVM may use. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
