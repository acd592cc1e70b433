package org.nn4j.api;

import java.util.Set;

/**
 * Makes one kind of {@link Backend}. Implementations are found with {@link java.util.ServiceLoader}
 * through {@code META-INF/services/org.nn4j.api.BackendProvider}, so they need a public no-argument
 * constructor, and that constructor and {@link #availability()} must not load native code that could
 * crash the JVM.
 */
public interface BackendProvider {

    /** The name users select it by, for example {@code ejml}. */
    String name();

    /** One line saying what it is. */
    String description();

    /** Whether it can run here; when not, the reason names what is missing. */
    Availability availability();

    /** Preference among available backends when the user names none: higher wins. */
    int priority();

    /**
     * The {@link Backend#nativeOperations()} of the backends {@link #create()} makes, known without
     * making one (which may load native code), for listings such as {@code nn backends --json}. Empty
     * when the provider does not say.
     */
    default Set<Operation> nativeOperations() {
        return Set.of();
    }

    /**
     * A new backend.
     *
     * @throws SettingException when the backend is not {@linkplain #availability() available}
     */
    Backend create();
}
