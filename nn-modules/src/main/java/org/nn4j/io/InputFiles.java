package org.nn4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Input files read whole (specs, gradient cases, model files), each with a bound on its size, so that
 * no input, not even {@code /dev/zero}, makes nn4j allocate more than the bound. Devices and FIFOs may
 * be read (process substitution, {@code /dev/stdin}); a directory may not.
 */
public final class InputFiles {
    /** The bound for JSON texts: specs and gradient cases. */
    public static final long MAX_JSON_BYTES = 32L << 20;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private InputFiles() {
    }

    /**
     * The bytes of {@code file}, which may hold at most {@code maxBytes}.
     *
     * @param kind what the file should be, for messages ("a model spec")
     * @throws InvalidInputException naming the file: missing, a directory, unreadable, or larger than
     *     the bound (said before anything is read when the file's size is known)
     */
    public static byte[] read(Path file, long maxBytes, String kind) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": a directory, not " + kind);
        }
        long size = -1;
        try {
            if (Files.isRegularFile(file)) {
                size = Files.size(file);
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (size > maxBytes) {
            throw tooLarge(file, kind, size + " bytes", maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            int capacity = (int) Math.min(maxBytes + 1, size >= 0 ? size + 1 : 1 << 16);
            byte[] bytes = new byte[Math.max(capacity, 1)];
            int filled = 0;
            while (true) {
                if (filled == bytes.length) {
                    if (filled > maxBytes) {
                        throw tooLarge(file, kind, "more than " + maxBytes + " bytes", maxBytes);
                    }
                    bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes + 1, 2L * bytes.length));
                }
                int n = in.read(bytes, filled, bytes.length - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
            if (filled > maxBytes) {
                throw tooLarge(file, kind, "more than " + maxBytes + " bytes", maxBytes);
            }
            return filled == bytes.length ? bytes : Arrays.copyOf(bytes, filled);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** The text of {@code file} as UTF-8, at most {@link #MAX_JSON_BYTES}. */
    public static String readJsonText(Path file, String kind) {
        return new String(read(file, MAX_JSON_BYTES, kind), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The JSON tree of {@code text}, which must hold one JSON value and nothing after it but white
     * space (duplicate keys refused); {@code where} names its source in messages.
     *
     * @throws InvalidInputException in one line with the line and column of the fault: malformed
     *     JSON, or text after the value (a second object, say, which would otherwise go unread)
     */
    public static com.fasterxml.jackson.databind.JsonNode json(String text, String where) {
        com.fasterxml.jackson.databind.JsonNode root;
        long end;
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.createParser(text)) {
            root = JSON.readTree(parser);
            end = parser.currentLocation().getCharOffset();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            // Jackson's own message ends with where the array or object began, in its own words.
            String why = String.valueOf(e.getOriginalMessage()).replaceAll("\\s*\\(start marker at \\[Source:.*$", "")
                    .replace('\n', ' ');
            throw new InvalidInputException(where + ": malformed JSON" + at + ": " + InvalidInputException.shown(why, 200),
                    e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a String is read; it cannot fail to be read
        }
        requireNothingAfter(text, (int) Math.max(0, end), where, root != null && root.isObject() ? "object" : "value");
        return root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
    }

    /**
     * Checks that {@code text} holds nothing but JSON's white space from {@code from} on: a file of
     * one JSON object with text or a second object after it is refused, not read in part.
     */
    private static void requireNothingAfter(String text, int from, String where, String kind) {
        int i = from;
        while (i < text.length() && " \t\r\n".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        if (i >= text.length()) {
            return;
        }
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < i; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        int stop = text.indexOf('\n', i);
        String rest = text.substring(i, stop < 0 ? text.length() : stop).strip();
        throw new InvalidInputException(where + ": text after the JSON " + kind + ", at line " + line + ", column "
                + (i - lineStart + 1) + ": '" + InvalidInputException.shown(rest, 30) + "'; expected one JSON " + kind
                + " and nothing after it");
    }

    /**
     * A stream of {@code file} that also reads pipes ({@code <(zcat data.csv.gz)}, {@code /dev/stdin}),
     * whose channels cannot tell how much is left.
     *
     * @throws IOException as opening fails: {@link NoSuchFileException}, {@link AccessDeniedException}
     */
    public static InputStream open(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return Files.newInputStream(file);
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString());
        }
        return new java.io.FileInputStream(file.toFile());
    }

    /** A one-line message for an {@link IOException} reading {@code file}. */
    public static InvalidInputException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InvalidInputException(file + ": no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return new InvalidInputException(file + ": cannot read it (permission denied)", e);
        }
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new InvalidInputException(file + ": cannot read it (" + why + ")", e);
    }

    private static InvalidInputException tooLarge(Path file, String kind, String size, long maxBytes) {
        return new InvalidInputException(file + ": " + size + ", more than the " + maxBytes + " bytes " + kind
                + " may have here; is it the right file?");
    }
}
