package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus (src/test/resources/bad-inputs, made by scripts/make_bad_inputs.py): each case
 * of cases.tsv and of the other cases-*.tsv tables there (one per topic) is a command line on its
 * files that must end in exit 2 with one line on stderr, naming the command and containing the case's
 * expected words, no stack trace, and every file of the corpus as it was.
 */
class BadInputCorpusTest {
    private static final Path CORPUS = Path.of("src", "test", "resources", "bad-inputs");

    @TempDir
    static Path copy;

    private static Map<Path, String> before;

    /** One case: a name, the command line ({dir} is the corpus), and the words its message must contain. */
    record Case(String name, String args, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        List<Path> tables;
        try (Stream<Path> files = Files.list(CORPUS)) {
            tables = files.filter(f -> f.getFileName().toString().matches("cases.*\\.tsv")).sorted().toList();
        }
        for (Path table : tables) {
            for (String line : Files.readAllLines(table, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length != 3) {
                    throw new IllegalStateException(table.getFileName() + ": not name, command line and message: "
                            + line);
                }
                cases.add(new Case(fields[0], fields[1], fields[2]));
            }
        }
        return cases;
    }

    @BeforeAll
    static void copyTheCorpus() throws IOException {
        try (Stream<Path> files = Files.walk(CORPUS)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(CORPUS.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        before = hashes();
    }

    private static Map<Path, String> hashes() throws IOException {
        Map<Path, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path file : files.toList()) {
                hashes.put(copy.relativize(file), Files.isDirectory(file) ? "dir" : sha256(file));
            }
        }
        return hashes;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadInputIsOneLineAndExitTwoAndNothingIsLost(Case c) throws IOException {
        String[] args = c.args().replace("{dir}", copy.toString()).split(" ");
        NnRun run = NnRun.of(args);
        String err = run.err().strip();
        String expected = c.expected().replace("{dir}", copy.toString());
        assertEquals(2, run.code(), c.name() + ": exit code; stderr: " + err);
        assertFalse(err.contains("\n"), c.name() + ": more than one line: " + err);
        assertTrue(err.startsWith("nn " + args[0] + ": "), c.name() + ": " + err);
        assertFalse(err.contains("internal error") || err.contains("Exception") || err.contains("\tat "),
                c.name() + ": " + err);
        assertTrue(err.contains(expected), c.name() + ": expected '" + expected + "' in: " + err);
        assertTrue(err.length() < 600, c.name() + ": " + err.length() + " characters: " + err);
        assertEquals(before, hashes(), c.name() + ": the corpus changed");
    }
}
