package org.nn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nn4j.io.AtomicFiles;
import org.nn4j.io.InvalidInputException;

/**
 * The checks a command makes of its output files before it does any work: each is a regular file (or
 * none yet) that can be written, no two name the same file, and none is one of the inputs (compared
 * as real paths, links and {@code ..} resolved), so that a typo costs nothing but the message.
 */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * Checks {@code outputs} against each other and against {@code inputs}, both by flag (a null path:
     * not given; an input may be a directory, whose files all count).
     *
     * @throws InvalidInputException naming the flags and the file
     */
    static void require(Map<String, Path> outputs, Map<String, Path> inputs) {
        Map<Path, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            Path file = output.getValue();
            if (file == null) {
                continue;
            }
            try {
                AtomicFiles.requireWritable(file);
            } catch (InvalidInputException e) {
                // A file the command writes beside a flag's (its words have a space) is named by that flag too.
                throw output.getKey().contains(" ") ? new InvalidInputException(output.getKey() + ", " + e.getMessage(),
                        e) : e;
            }
            Path real = real(file);
            String before = seen.putIfAbsent(real, output.getKey());
            if (before != null) {
                throw new InvalidInputException(before + " and " + output.getKey() + " name the same file, " + real
                        + "; give each output a file of its own");
            }
        }
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            if (input.getValue() == null) {
                continue;
            }
            Path real = real(input.getValue());
            boolean directory = Files.isDirectory(real);
            for (Map.Entry<Path, String> output : seen.entrySet()) {
                Path out = output.getKey();
                if (out.equals(real) || (directory && real.equals(out.getParent()) && isIdx(out))) {
                    throw new InvalidInputException(output.getValue() + " " + out + " is an input (" + input.getKey()
                            + "); writing it would destroy it");
                }
            }
        }
    }

    /** Whether {@code file} is one of the IDX files a data directory holds. */
    private static boolean isIdx(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith("-ubyte") || name.endsWith("-ubyte.gz");
    }

    /** The real path of {@code file}, or of its directory and its name when it does not exist yet. */
    private static Path real(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            if (Files.exists(absolute)) {
                return absolute.toRealPath();
            }
            Path parent = absolute.getParent();
            Path name = absolute.getFileName();
            Path existing = parent;
            Path rest = name;
            while (existing != null && !Files.exists(existing)) {
                rest = existing.getFileName().resolve(rest);
                existing = existing.getParent();
            }
            return existing == null ? absolute.normalize() : existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return absolute.normalize();
        }
    }
}
