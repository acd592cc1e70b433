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

    /**
     * The providers on the class path (the thread's context class loader's, as {@link
     * ServiceLoader#load(Class)} finds them) that could be made, by descending priority, then by name;
     * and, each in one line naming its jar and class, those that could not: a class that is missing,
     * not a {@link BackendProvider}, abstract, without a public no-argument constructor, whose
     * constructor or static initialiser threw, or whose {@code name()}, {@code priority()} or {@code
     * description()} throws or gives no name.
     *
     * @param providers the providers made
     * @param broken the services entries that could not be made
     */
    public record Found(List<BackendProvider> providers, List<ServiceProviders.Broken> broken) {
        public Found {
            providers = List.copyOf(providers);
            broken = List.copyOf(broken);
        }

        /** The broken entries' messages, "; "-separated. */
        String brokenMessages() {
            StringJoiner text = new StringJoiner("; ");
            broken.forEach(b -> text.add(b.message()));
            return text.toString();
        }
    }

    /** What the class path holds: the providers that could be made, and those that could not. */
    public static Found found() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ClassLoader.getSystemClassLoader();
        }
        ServiceProviders.Found<BackendProvider> loaded = ServiceProviders.load(BackendProvider.class, loader);
        List<BackendProvider> made = new ArrayList<>();
        List<ServiceProviders.Broken> broken = new ArrayList<>(loaded.broken());
        for (BackendProvider provider : loaded.providers()) {
            String problem = problem(provider);
            if (problem == null) {
                made.add(provider);
            } else {
                broken.add(loaded.broken(provider, problem, null));
            }
        }
        made.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name));
        return new Found(made, broken);
    }

    /** What is wrong with the name, priority or description of {@code provider}, or null. */
    private static String problem(BackendProvider provider) {
        String method = "name()";
        try {
            String name = provider.name();
            if (name == null || name.isBlank()) {
                return "whose name() is " + (name == null ? "null" : "'" + name + "'");
            }
            method = "priority()";
            provider.priority();
            method = "description()";
            provider.description();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "whose " + method + " threw " + e;
        }
    }

    /**
     * Every provider on the class path, by descending priority, then by name.
     *
     * @throws SettingException naming the jar and class of a provider that could not be made ({@link
     *     #found()} tells them and goes on)
     */
    public static List<BackendProvider> providers() {
        Found found = found();
        if (!found.broken().isEmpty()) {
            throw new SettingException(found.brokenMessages(), found.broken().get(0).error());
        }
        return found.providers();
    }

    /**
     * {@code provider}'s availability; one that its check throws is unavailable, the reason naming
     * what it threw.
     */
    public static Availability availability(BackendProvider provider) {
        try {
            Availability availability = provider.availability();
            return availability != null ? availability
                    : Availability.unavailable("its availability check gave no answer (null)");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its availability check threw " + e);
        }
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
        return choose(explicitName, source, found(), System::getenv).create();
    }

    static BackendProvider choose(String explicitName, List<BackendProvider> providers,
            UnaryOperator<String> getenv) {
        return choose(explicitName, "--backend", new Found(providers, List.of()), getenv);
    }

    /**
     * The provider chosen. A provider that could not be made fails the choice when it could be the one
     * chosen: when no backend is named (it might have the highest priority), or when the name is none
     * of the others'; a backend named and made is chosen regardless.
     */
    static BackendProvider choose(String explicitName, String source, Found found, UnaryOperator<String> getenv) {
        List<BackendProvider> providers = found.providers();
        Setting requested = Setting.resolve(explicitName, source, PROPERTY, ENVIRONMENT, getenv);
        if (requested == null) {
            if (!found.broken().isEmpty()) {
                throw new SettingException(found.brokenMessages() + "; it could be the backend that would be chosen:"
                        + " take it off the class path, or name a backend (" + source + ", system property "
                        + PROPERTY + " or environment variable " + ENVIRONMENT + "); " + summary(providers),
                        found.broken().get(0).error());
            }
            return providers.stream()
                    .filter(p -> availability(p).available())
                    .findFirst()
                    .orElseThrow(() -> new SettingException("no backend is available; " + summary(providers)));
        }
        String name = requested.value().trim();
        BackendProvider provider = providers.stream()
                .filter(p -> p.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new SettingException("unknown backend '" + name + "' (from "
                        + requested.source() + "); " + (found.broken().isEmpty() ? ""
                                : "a provider that could not be made may be it: " + found.brokenMessages() + "; ")
                        + summary(providers), found.broken().isEmpty() ? null : found.broken().get(0).error()));
        Availability availability = availability(provider);
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
            Availability availability = availability(provider);
            text.add(provider.name() + (availability.available() ? " (available: " : " (unavailable: ")
                    + availability.reason() + ")");
        }
        return text.toString();
    }

    /** One line per provider: name, availability and reason. */
    public static String status(List<BackendProvider> providers) {
        return status(new Found(providers, List.of()));
    }

    /**
     * One line per provider: name, availability and reason; then one per provider that could not be
     * made: its class, "broken", and the jar, class and why. What {@code nn backends} prints.
     */
    public static String status(Found found) {
        if (found.providers().isEmpty() && found.broken().isEmpty()) {
            return "backends: none on the class path";
        }
        StringBuilder text = new StringBuilder("backends:");
        for (BackendProvider provider : found.providers()) {
            Availability availability = availability(provider);
            text.append(String.format("%n  %-10s %-12s %s", provider.name(),
                    availability.available() ? "available" : "unavailable", oneLine(availability.reason())));
        }
        for (ServiceProviders.Broken broken : found.broken()) {
            text.append(String.format("%n  %-10s %-12s %s", broken.className() != null ? broken.className() : "?",
                    "broken", oneLine(broken.message())));
        }
        return text.toString();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\R", " ");
    }
}
