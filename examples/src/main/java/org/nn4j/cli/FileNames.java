package org.nn4j.cli;

import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.TypeConversionException;

/**
 * The file names of every command's options, as paths. Java turns the bytes of a command line into
 * text with the system's character set for file names (UTF-8, or ASCII under the C locale), and a byte
 * that is not valid there arrives as U+FFFD: the name is then another file's, and is refused before
 * any work rather than read as "no such file" or written under another name.
 */
final class FileNames {
    private static final char REPLACEMENT = '\uFFFD';

    private FileNames() {
    }

    /** {@code name} as a path, refused when the command line's bytes did not survive as text. */
    static Path path(String name) {
        if (name.indexOf(REPLACEMENT) >= 0) {
            String charset = System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name());
            boolean utf8 = charset.replace("-", "").equalsIgnoreCase("UTF8");
            throw new TypeConversionException("'" + name + "' has bytes that are not " + (utf8 ? "UTF-8"
                    : charset + " (the system's character set for file names; run nn under a UTF-8 locale, e.g."
                            + " LANG=C.UTF-8)") + ", shown as " + REPLACEMENT + "; Java cannot name such a file"
                    + (utf8 ? ": rename it, or choose another name" : ""));
        }
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw new TypeConversionException("'" + name + "' is not a file name here (" + e.getReason() + ")");
        }
    }
}
