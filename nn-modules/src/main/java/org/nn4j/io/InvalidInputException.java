package org.nn4j.io;

/**
 * Input that nn4j cannot use: a missing or malformed file, a value of the wrong shape or kind. The
 * message is meant for the user as it stands and names the file and the place in it.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Bad input, {@code message} naming the file, line or value and what was expected. */
    public InvalidInputException(String message) {
        super(oneLine(message));
    }

    /** As {@link #InvalidInputException(String)}, with what caused it. */
    public InvalidInputException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * {@code message} on one line: the control characters that a file's names or values may bring
     * (line ends, tabs, escapes) written as Java escapes them in strings: a line end as backslash-n,
     * an escape character as backslash-u001b.
     */
    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(Character::isISOControl)) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.toString();
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
