package org.nn4j.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the float32 twin of every float64 source under a source root: {@code X64.java} gives {@code
 * X32.java}, by {@link TwinRules}, at the same package path under an output root that the build adds as
 * a source root. Run at build time (generate-sources), so no float32 source is written by hand; a
 * hand-written {@code X32.java} beside its {@code X64.java} is refused. A twin whose content has not
 * changed is not rewritten (so that the compiler need not recompile it), and a twin whose source is gone
 * is deleted.
 *
 * <pre>{@code
 * java org.nn4j.codegen.Float32Twins src/main/java target/generated-sources/float32
 * }</pre>
 */
public final class Float32Twins {
    private static final String SUFFIX = "64.java";

    private Float32Twins() {
    }

    /**
     * {@code <source root> <output root>}: generates the twins (see {@link #generate}). Throws, rather than
     * exits, on bad input: the build runs it inside Maven's own JVM.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Float32Twins <source root> <output root>");
        }
        List<Path> written = generate(Path.of(args[0]), Path.of(args[1]));
        if (!written.isEmpty()) {
            System.out.println("Float32Twins: " + written.size() + " float32 twin(s) written under " + args[1]);
        }
    }

    /**
     * Generates the twin of each {@code *64.java} under {@code sources} into {@code output}, deletes the
     * twins there whose source is gone, and returns the files written (those whose content changed).
     */
    public static List<Path> generate(Path sources, Path output) {
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        List<Path> written = new ArrayList<>();
        Set<Path> twins = new HashSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path source : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted()::iterator) {
                Path relative = sources.relativize(source);
                String name = source.getFileName().toString();
                String twinName = name.substring(0, name.length() - SUFFIX.length()) + "32.java";
                if (Files.exists(source.resolveSibling(twinName))) {
                    throw new IllegalArgumentException(source.resolveSibling(twinName) + " is generated from " + name
                            + " at build time; remove the hand-written one");
                }
                Path twin = output.resolve(relative).resolveSibling(twinName);
                twins.add(twin.toAbsolutePath().normalize());
                String text = header(name) + TwinRules.translate(Files.readString(source, StandardCharsets.UTF_8));
                if (!Files.exists(twin) || !Files.readString(twin, StandardCharsets.UTF_8).equals(text)) {
                    Files.createDirectories(twin.getParent());
                    Files.writeString(twin, text, StandardCharsets.UTF_8);
                    written.add(twin);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deleteStale(output, twins);
        return written;
    }

    private static String header(String sourceName) {
        return "// Generated at build time by org.nn4j.codegen.Float32Twins from " + sourceName
                + ": edit that file, not this one.\n";
    }

    private static void deleteStale(Path output, Set<Path> twins) {
        if (!Files.isDirectory(output)) {
            return;
        }
        try (Stream<Path> files = Files.walk(output)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith("32.java"))::iterator) {
                if (!twins.contains(file.toAbsolutePath().normalize())) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
