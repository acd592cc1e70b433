package org.nn4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nn4j.data.Dataset;
import org.nn4j.io.InvalidInputException;

/**
 * How a run split its data into training and held-out examples, as its checkpoint records it (the
 * {@code split} object of {@code nn4j.training}), so that a resumed run trains and evaluates on the
 * very examples it began with.
 *
 * @param heldOut {@code fraction} (a seeded share of --csv), {@code test-csv} (a file of its own) or
 *     {@code test-files} (Fashion-MNIST's t10k files)
 * @param testFraction the share held out, for {@code fraction}
 * @param testCsv the held-out file, for {@code test-csv}: its absolute path, or a URL as given
 * @param seed what the share was drawn with
 * @param trainExamples how many examples trained
 * @param testExamples how many were held out
 * @param trainSha256 {@link Dataset#sha256} of the training examples, or null where the driver did
 *     not hold them (Spark's --read-on-executors)
 * @param testSha256 {@link Dataset#sha256} of the held-out examples, or null when not computed
 */
record RunSplit(String heldOut, Double testFraction, String testCsv, long seed, int trainExamples, int testExamples,
        String trainSha256, String testSha256) {
    static final String FRACTION = "fraction";
    static final String TEST_CSV = "test-csv";
    static final String TEST_FILES = "test-files";

    /** The split of {@code train} and {@code test}, by {@code testFraction} or {@code testCsv} (both null: files). */
    static RunSplit of(Double testFraction, String testCsv, long seed, int trainExamples, Dataset train,
            Dataset test, boolean digests) {
        String heldOut = testFraction != null ? FRACTION : testCsv != null ? TEST_CSV : TEST_FILES;
        return new RunSplit(heldOut, testFraction, testCsv, seed, trainExamples, test.size(),
                digests && train != null ? train.sha256() : null, digests ? test.sha256() : null);
    }

    /** As the checkpoint's JSON has it. */
    Map<String, Object> toJson() {
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
    static RunSplit read(String file, JsonNode node) {
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

    /** The split in words, for messages: "0.2 of its --csv examples (seed 42)". */
    String describe() {
        return switch (heldOut) {
            case FRACTION -> testFraction + " of its --csv examples (seed " + seed + ")";
            case TEST_CSV -> "the examples of --test-csv " + testCsv;
            default -> "the test files of its data";
        };
    }
}
