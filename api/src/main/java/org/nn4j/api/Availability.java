package org.nn4j.api;

/**
 * Whether a backend can run here, and why (or why not).
 *
 * @param available true when {@link BackendProvider#create()} will succeed
 * @param reason one line: what it runs on when available, what is missing when not
 */
public record Availability(boolean available, String reason) {

    /** A backend that can run here, {@code detail} saying on what. */
    public static Availability available(String detail) {
        return new Availability(true, detail);
    }

    /** A backend that cannot run here, {@code reason} saying why. */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
