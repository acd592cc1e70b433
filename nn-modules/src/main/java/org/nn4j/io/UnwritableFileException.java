package org.nn4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that {@link AtomicFiles} could not write, with the cause in words (no space left on the
 * device, a read-only file system, a name too long for the file system): the message, one line, names
 * the file and the cause, and is meant for the user as it stands. The file is as it was before the
 * write, and no temporary file of the write is left (unless the message says otherwise).
 */
public class UnwritableFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    /**
     * @param file the file, as the user named it
     * @param reason why it could not be written, in words
     * @param cause the failure of the file system, or null
     */
    public UnwritableFileException(Path file, String reason, Throwable cause) {
        super(InvalidInputException.oneLine(file + ": cannot be written: " + reason), cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file that could not be written. */
    public Path file() {
        return file;
    }

    /** Why, in words: "no space left on the device". */
    public String reason() {
        return reason;
    }
}
