package org.nn4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nn4j.data.Dataset;
import org.nn4j.io.InvalidInputException;

/**
 * How a run split its data into training and held-out examples, as its checkpoint records it (the
 * {@code split} object of {@code nn4j.training}), so that a resumed run trains and evaluates on the
 * very examples it began with ({@link SavedRun} compares them).
 *
 * @param heldOut {@value #FRACTION} (a seeded share of a CSV file), {@value #TEST_CSV} (a file of
 *     its own) or {@value #TEST_FILES} (the data's own test files, Fashion-MNIST's t10k)
 * @param testFraction the share held out, for {@value #FRACTION}
 * @param testCsv the held-out file, for {@value #TEST_CSV}: its absolute path, or a URL as given
 * @param seed what the share was drawn with
 * @param trainExamples how many examples trained
 * @param testExamples how many were held out
 * @param trainSha256 {@link Dataset#sha256} of the training examples, or null where they were not
 *     computed or not held here (a cluster's executors held them)
 * @param testSha256 {@link Dataset#sha256} of the held-out examples, or null when not computed
 */
public record RunSplit(String heldOut, Double testFraction, String testCsv, long seed, int trainExamples,
        int testExamples, String trainSha256, String testSha256) {
    /** A seeded share of a CSV file held out. */
    public static final String FRACTION = "fraction";
    /** A CSV file of held-out examples. */
    public static final String TEST_CSV = "test-csv";
    /** The data's own test files. */
    public static final String TEST_FILES = "test-files";
    /** The share of a CSV file held out when none is given. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    /**
     * Which examples a run holds out: a share {@code fraction} of its CSV file, the file {@code
     * testCsv} (as written: a path or a URL), or, both null, the data's own test files.
     *
     * @param fraction the share, or null
     * @param testCsv the file, or null
     */
    public record HeldOut(Double fraction, String testCsv) {
        /** A share {@code fraction} of the examples, drawn with the run's seed. */
        public static HeldOut fraction(double fraction) {
            return new HeldOut(fraction, null);
        }

        /** The examples of the CSV file {@code file} (a path or a URL). */
        public static HeldOut testCsv(String file) {
            return new HeldOut(null, file);
        }

        /** The data's own test files (Fashion-MNIST's). */
        public static HeldOut testFiles() {
            return new HeldOut(null, null);
        }
    }

    /**
     * The split of {@code train} and {@code test}, held out as {@code heldOut} says with {@code seed};
     * with their digests when {@code digests} (a pass over the examples; what a resume compares).
     *
     * @param trainExamples the number of training examples (those of {@code train} when it is given)
     * @param train the training examples, or null where they are not held here
     */
    public static RunSplit of(HeldOut heldOut, long seed, int trainExamples, Dataset train, Dataset test,
            boolean digests) {
        String kind = heldOut.fraction() != null ? FRACTION : heldOut.testCsv() != null ? TEST_CSV : TEST_FILES;
        return new RunSplit(kind, heldOut.fraction(), recordedPath(heldOut.testCsv()), seed, trainExamples,
                test.size(), digests && train != null ? train.sha256() : null, digests ? test.sha256() : null);
    }

    /** {@code file} as a checkpoint records it: absolute, so that a resume from elsewhere finds it; a URL as given. */
    private static String recordedPath(String file) {
        if (file == null || file.contains("://")) {
            return file;
        }
        return Path.of(file).toAbsolutePath().normalize().toString();
    }

    /** The held-out examples this split names, to read them again. */
    public HeldOut toHeldOut() {
        return new HeldOut(testFraction, testCsv);
    }

    /** As the checkpoint's JSON has it. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("held_out", heldOut);
        if (testFraction != null) {
            json.put("test_fraction", testFraction);
        }
        if (testCsv != null) {
            json.put("test_csv", testCsv);
        }
        json.put("seed", seed);
        json.put("train_examples", trainExamples);
        json.put("test_examples", testExamples);
        if (trainSha256 != null) {
            json.put("train_sha256", trainSha256);
        }
        if (testSha256 != null) {
            json.put("test_sha256", testSha256);
        }
        return json;
    }

    /**
     * The split that {@code node} (a checkpoint's {@code split}) records, or null for a checkpoint
     * saved before nn4j recorded it.
     *
     * @throws InvalidInputException naming {@code file} when the record is not one
     */
    public static RunSplit read(String file, JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        String heldOut = node.path("held_out").asText("");
        JsonNode fraction = node.path("test_fraction");
        JsonNode testCsv = node.path("test_csv");
        boolean valid = node.isObject() && switch (heldOut) {
            case FRACTION -> fraction.isNumber() && fraction.asDouble() > 0 && fraction.asDouble() < 1;
            case TEST_CSV -> testCsv.isTextual();
            case TEST_FILES -> true;
            default -> false;
        };
        if (!valid || !node.path("seed").canConvertToLong() || !node.path("train_examples").canConvertToInt()
                || !node.path("test_examples").canConvertToInt()) {
            throw new InvalidInputException(file + ": its record of the run's split is damaged: "
                    + InvalidInputException.shown(node.toString(), 200));
        }
        return new RunSplit(heldOut, heldOut.equals(FRACTION) ? fraction.asDouble() : null,
                heldOut.equals(TEST_CSV) ? testCsv.asText() : null, node.path("seed").asLong(),
                node.path("train_examples").asInt(), node.path("test_examples").asInt(),
                node.path("train_sha256").isTextual() ? node.path("train_sha256").asText() : null,
                node.path("test_sha256").isTextual() ? node.path("test_sha256").asText() : null);
    }

    /**
     * The split in words, for messages: "0.2 of its csv examples (seed 42)"; {@code names} names the
     * settings {@code csv} and {@code test_csv} (nn train: "0.2 of its --csv examples (seed 42)").
     */
    public String describe(UnaryOperator<String> names) {
        return switch (heldOut) {
            case FRACTION -> testFraction + " of its " + names.apply("csv") + " examples (seed " + seed + ")";
            case TEST_CSV -> "the examples of " + names.apply("test_csv") + " " + testCsv;
            default -> "the test files of its data";
        };
    }
}
