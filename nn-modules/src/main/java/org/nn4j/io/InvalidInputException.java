package org.nn4j.io;

/**
 * Input that nn4j cannot use: a missing or malformed file, a value of the wrong shape or kind. The
 * message is meant for the user as it stands and names the file and the place in it.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Bad input, {@code message} naming the file, line or value and what was expected. */
    public InvalidInputException(String message) {
        super(message);
    }

    /** As {@link #InvalidInputException(String)}, with what caused it. */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code value} as a message shows it: whole up to 40 characters, else its first 40 and its length,
     * so that a 50 MB field read from a file is not echoed whole.
     */
    public static String shown(String value) {
        return shown(value, 40);
    }

    /** {@code value} whole up to {@code max} characters, else its first {@code max} and its length. */
    public static String shown(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "... (" + value.length() + " characters)";
    }
}
