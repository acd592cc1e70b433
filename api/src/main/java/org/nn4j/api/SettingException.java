package org.nn4j.api;

/**
 * A setting (backend name, data type, ...) that cannot be honoured. The message is meant for the
 * user as it stands: it names the value, where it came from, and what would be accepted.
 */
public class SettingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A setting that cannot be used, {@code message} naming it, its value and its source. */
    public SettingException(String message) {
        super(message);
    }

    /** As {@link #SettingException(String)}, with what caused it. */
    public SettingException(String message, Throwable cause) {
        super(message, cause);
    }
}
