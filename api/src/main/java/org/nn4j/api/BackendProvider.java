package org.nn4j.api;

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
     * A new backend.
     *
     * @throws SettingException when the backend is not {@linkplain #availability() available}
     */
    Backend create();
}
