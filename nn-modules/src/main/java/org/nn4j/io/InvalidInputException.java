package org.nn4j.io;

/**
 * Input that nn4j cannot use: a missing or malformed file, a value of the wrong shape or kind. The
 * message is meant for the user as it stands and names the file and the place in it.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
