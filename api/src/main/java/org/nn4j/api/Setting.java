package org.nn4j.api;

import java.util.function.UnaryOperator;

/**
 * A configuration value together with where it came from, so that an error can name the flag,
 * property or environment variable that set it.
 *
 * @param value the value as given
 * @param source where it came from, for example {@code --backend} or {@code environment variable
 *     NN4J_BACKEND}
 */
public record Setting(String value, String source) {

    /**
     * Resolves a setting in nn4j's one order: the explicit value (a command-line flag), then the
     * system property, then the environment variable. Blank values count as unset.
     *
     * @return the first one set, or null when none is
     */
    public static Setting resolve(String explicit, String flag, String property, String environment) {
        return resolve(explicit, flag, property, environment, System::getenv);
    }

    static Setting resolve(String explicit, String flag, String property, String environment,
            UnaryOperator<String> getenv) {
        if (isSet(explicit)) {
            return new Setting(explicit, flag);
        }
        String fromProperty = System.getProperty(property);
        if (isSet(fromProperty)) {
            return new Setting(fromProperty, "system property " + property);
        }
        String fromEnvironment = getenv.apply(environment);
        if (isSet(fromEnvironment)) {
            return new Setting(fromEnvironment, "environment variable " + environment);
        }
        return null;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
