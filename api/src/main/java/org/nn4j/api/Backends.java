package org.nn4j.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Finds the {@link BackendProvider providers} on the class path and chooses one, in nn4j's one order:
 * an explicit name (the command line's {@code --backend}), the system property {@value #PROPERTY},
 * the environment variable {@value #ENVIRONMENT}, else the available provider of highest priority.
 */
public final class Backends {

    /** System property that names the backend when no flag does. */
    public static final String PROPERTY = "nn4j.backend";
    /** Environment variable that names the backend when neither flag nor property does. */
    public static final String ENVIRONMENT = "NN4J_BACKEND";

    private Backends() {
    }

    /** Every provider on the class path, by descending priority, then by name. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(found::add);
        found.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name));
        return List.copyOf(found);
    }

    /**
     * Creates the backend chosen by {@code explicitName} (may be null), the property, the environment
     * or availability, in that order.
     *
     * @throws SettingException listing every provider and its status, when the chosen one is unknown
     *     or unavailable, or when none is available
     */
    public static Backend select(String explicitName) {
        return select(explicitName, "Backends.select");
    }

    /**
     * As {@link #select(String)}, messages naming {@code explicitName} after {@code source}, the way the
     * caller's own user gave it (a command line's {@code --backend}, say).
     */
    public static Backend select(String explicitName, String source) {
        return choose(explicitName, source, providers(), System::getenv).create();
    }

    static BackendProvider choose(String explicitName, List<BackendProvider> providers,
            UnaryOperator<String> getenv) {
        return choose(explicitName, "--backend", providers, getenv);
    }

    static BackendProvider choose(String explicitName, String source, List<BackendProvider> providers,
            UnaryOperator<String> getenv) {
        Setting requested = Setting.resolve(explicitName, source, PROPERTY, ENVIRONMENT, getenv);
        if (requested == null) {
            return providers.stream()
                    .filter(p -> p.availability().available())
                    .findFirst()
                    .orElseThrow(() -> new SettingException("no backend is available; " + summary(providers)));
        }
        String name = requested.value().trim();
        BackendProvider provider = providers.stream()
                .filter(p -> p.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new SettingException("unknown backend '" + name + "' (from "
                        + requested.source() + "); " + summary(providers)));
        Availability availability = provider.availability();
        if (!availability.available()) {
            throw new SettingException("backend '" + provider.name() + "' (from " + requested.source()
                    + ") is unavailable: " + availability.reason() + "; " + summary(providers));
        }
        return provider;
    }

    /** Every provider, its availability and reason, on one line: for error messages. */
    public static String summary(List<BackendProvider> providers) {
        if (providers.isEmpty()) {
            return "no backend is on the class path";
        }
        StringJoiner text = new StringJoiner(", ", "backends: ", "");
        for (BackendProvider provider : providers) {
            Availability availability = provider.availability();
            text.add(provider.name() + (availability.available() ? " (available: " : " (unavailable: ")
                    + availability.reason() + ")");
        }
        return text.toString();
    }

    /** One line per provider: name, availability and reason; what {@code nn backends} prints. */
    public static String status(List<BackendProvider> providers) {
        if (providers.isEmpty()) {
            return "backends: none on the class path";
        }
        StringBuilder text = new StringBuilder("backends:");
        for (BackendProvider provider : providers) {
            Availability availability = provider.availability();
            text.append(String.format("%n  %-10s %-12s %s", provider.name(),
                    availability.available() ? "available" : "unavailable", availability.reason()));
        }
        return text.toString();
    }
}
