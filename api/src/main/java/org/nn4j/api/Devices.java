package org.nn4j.api;

import java.util.Optional;

/**
 * The accelerator a thread's next backend should use, for schedulers that hand out devices, such as
 * Spark's GPU resources: the thread requests a device address, then makes its backend. A backend that
 * has no devices ignores the request.
 */
public final class Devices {
    private static final ThreadLocal<String> REQUESTED = new ThreadLocal<>();

    private Devices() {
    }

    /** Asks backends made on this thread from now on to use device {@code address} (null: no wish). */
    public static void request(String address) {
        REQUESTED.set(address);
    }

    /** The device this thread asked for, if any. */
    public static Optional<String> requested() {
        return Optional.ofNullable(REQUESTED.get());
    }
}
