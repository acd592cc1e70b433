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
 * @param validation the validation examples the run held out of its training examples (counted apart
 *     from {@code trainExamples}), or null when it had none
 */
public record RunSplit(String heldOut, Double testFraction, String testCsv, long seed, int trainExamples,
        int testExamples, String trainSha256, String testSha256, Validation validation) {
    /** A seeded share of a CSV file held out. */
    public static final String FRACTION = "fraction";
    /** A CSV file of held-out examples. */
    public static final String TEST_CSV = "test-csv";
    /** The data's own test files. */
    public static final String TEST_FILES = "test-files";
    /** The share of a CSV file held out when none is given. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    /**
     * The validation examples of a run: a share {@code fraction} of its training examples (those left
     * after the test ones), drawn with the run's seed, or the examples of the CSV file {@code csv}.
     *
     * @param fraction the share, or null
     * @param csv the file (absolute, or a URL as given), or null
     * @param examples how many
     * @param sha256 {@link Dataset#sha256} of them, or null when not computed
     */
    public record Validation(Double fraction, String csv, int examples, String sha256) {
        /** The validation examples in words: "0.1 of the training examples" or "the examples of FILE". */
        public String describe() {
            return fraction != null ? fraction + " of the training examples" : "the examples of " + csv;
        }
    }

    /**
     * Which examples a run holds out: a share {@code fraction} of its CSV file, the file {@code
     * testCsv} (as written: a path or a URL), or, both null, the data's own test files; and for
     * validation, a share {@code validationFraction} of the training examples left, or the file {@code
     * validationCsv}, or, both null, none.
     *
     * @param fraction the share, or null
     * @param testCsv the file, or null
     * @param validationFraction the share of the training examples, or null
     * @param validationCsv the file of validation examples, or null
     */
    public record HeldOut(Double fraction, String testCsv, Double validationFraction, String validationCsv) {
        /** Test examples as {@code fraction} and {@code testCsv} say; no validation examples. */
        public HeldOut(Double fraction, String testCsv) {
            this(fraction, testCsv, null, null);
        }

        /** These test examples, and a share {@code fraction} of the training examples for validation. */
        public HeldOut validationFraction(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("the validation fraction must lie between 0 and 1, not " + fraction);
            }
            return new HeldOut(this.fraction, testCsv, fraction, null);
        }

        /** These test examples, and the examples of the CSV file {@code file} (a path or a URL) for validation. */
        public HeldOut validationCsv(String file) {
            return new HeldOut(fraction, testCsv, null, java.util.Objects.requireNonNull(file, "file"));
        }

        /** Whether validation examples are held out. */
        public boolean validates() {
            return validationFraction != null || validationCsv != null;
        }

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
     * @param validation the validation examples {@code heldOut} names, or null when it names none
     */
    public static RunSplit of(HeldOut heldOut, long seed, int trainExamples, Dataset train, Dataset validation,
            Dataset test, boolean digests) {
        String kind = heldOut.fraction() != null ? FRACTION : heldOut.testCsv() != null ? TEST_CSV : TEST_FILES;
        Validation validated = validation == null ? null : new Validation(heldOut.validationFraction(),
                recordedPath(heldOut.validationCsv()), validation.size(), digests ? validation.sha256() : null);
        return new RunSplit(kind, heldOut.fraction(), recordedPath(heldOut.testCsv()), seed, trainExamples,
                test.size(), digests && train != null ? train.sha256() : null, digests ? test.sha256() : null,
                validated);
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
        return validation == null ? new HeldOut(testFraction, testCsv)
                : new HeldOut(testFraction, testCsv, validation.fraction(), validation.csv());
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
        if (validation != null) {
            Map<String, Object> v = new LinkedHashMap<>();
            if (validation.fraction() != null) {
                v.put("fraction", validation.fraction());
            } else {
                v.put("csv", validation.csv());
            }
            v.put("examples", validation.examples());
            if (validation.sha256() != null) {
                v.put("sha256", validation.sha256());
            }
            json.put("validation", v);
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
        JsonNode v = node.path("validation");
        boolean validValidation = v.isMissingNode() || v.isObject() && v.path("examples").canConvertToInt()
                && (v.path("fraction").isNumber() && v.path("fraction").asDouble() > 0 && v.path("fraction").asDouble() < 1
                        || v.path("csv").isTextual());
        if (!valid || !validValidation || !node.path("seed").canConvertToLong()
                || !node.path("train_examples").canConvertToInt() || !node.path("test_examples").canConvertToInt()) {
            throw new InvalidInputException(file + ": its record of the run's split is damaged: "
                    + InvalidInputException.shown(node.toString(), 200));
        }
        return new RunSplit(heldOut, heldOut.equals(FRACTION) ? fraction.asDouble() : null,
                heldOut.equals(TEST_CSV) ? testCsv.asText() : null, node.path("seed").asLong(),
                node.path("train_examples").asInt(), node.path("test_examples").asInt(),
                node.path("train_sha256").isTextual() ? node.path("train_sha256").asText() : null,
                node.path("test_sha256").isTextual() ? node.path("test_sha256").asText() : null,
                v.isMissingNode() ? null : new Validation(v.path("fraction").isNumber() ? v.path("fraction").asDouble() : null,
                        v.path("fraction").isNumber() ? null : v.path("csv").asText(), v.path("examples").asInt(),
                        v.path("sha256").isTextual() ? v.path("sha256").asText() : null));
    }

    /**
     * The examples of {@code data} this split held out for test ({@code validation} false, where a share
     * of a CSV file was) or for validation (where a share of the training examples was), drawn again
     * with the split's seed: what {@code nn evaluate --split} scores.
     *
     * @param data the run's data as read: its whole CSV file, or for a run on the data's own test files
     *     (or a test file of its own) its training examples
     * @throws IllegalArgumentException when this split held out no such share (a file, or no validation)
     */
    public Dataset heldOutOf(Dataset data, boolean validation) {
        if (!validation) {
            if (!heldOut.equals(FRACTION)) {
                throw new IllegalArgumentException("the run held out " + describe(UnaryOperator.identity())
                        + ", not a share of its file");
            }
            return data.rows(org.nn4j.data.Split.heldOut(data.size(), testFraction, seed, data.source()));
        }
        if (this.validation == null || this.validation.fraction() == null) {
            throw new IllegalArgumentException(this.validation == null ? "the run held out no validation examples"
                    : "the run's validation examples are those of " + this.validation.csv() + ", not a share");
        }
        Dataset training = heldOut.equals(FRACTION) ? data.rows(org.nn4j.data.Split.rest(data.size(),
                org.nn4j.data.Split.heldOut(data.size(), testFraction, seed, data.source()))) : data;
        return training.rows(org.nn4j.data.Split.heldOut(training.size(), this.validation.fraction(), seed,
                training.source()));
    }

    /**
     * Refuses {@code examples} (as read, before any standardisation) unless they are those this split
     * held out for validation or test, by their number and digest.
     *
     * @param file the model file, for the message
     * @throws InvalidInputException naming the file and the examples
     */
    public void requireHeldOut(Dataset examples, boolean validation, String file) {
        int count = validation ? this.validation.examples() : testExamples;
        String digest = validation ? this.validation.sha256() : testSha256;
        if (examples.size() != count || digest != null && !digest.equals(examples.sha256())) {
            throw new InvalidInputException(examples.source() + ": these are not the " + count + " examples the run of "
                    + file + " held out for " + (validation ? "validation" : "test") + " (" + (examples.size() != count
                            ? examples.size() + " examples" : "other values") + "); give the run's own data");
        }
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
