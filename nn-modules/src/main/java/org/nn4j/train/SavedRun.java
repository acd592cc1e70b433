package org.nn4j.train;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;

/**
 * A run read back from its checkpoint ({@link TrainingRun#resume}), before it goes on: the checks a
 * resume makes. {@link #epochs} may set another total, which a schedule that spans the run's epochs (a
 * cosine) refuses unless stretched on purpose; {@link #heldOut} says which examples of a CSV file to
 * hold out (the run's own); {@link #on} checks that the data is the run's own (the digests, or numbers
 * of examples, its checkpoint records) and makes the {@link TrainingRun}.
 */
public final class SavedRun {
    private final Path file;
    private final Checkpoints.Resumed saved;
    private TrainingConfig config;
    private UnaryOperator<String> names = UnaryOperator.identity();
    private Consumer<String> notes = note -> System.getLogger(SavedRun.class.getName())
            .log(System.Logger.Level.WARNING, note);

    SavedRun(Path file, Checkpoints.Resumed saved) {
        this.file = file;
        this.saved = saved;
        this.config = saved.config();
    }

    /**
     * How messages name the settings {@code epochs}, {@code stretch_schedule}, {@code csv}, {@code
     * test_fraction}, {@code test_csv}, {@code val_fraction} and {@code val_csv}: by these keys unless
     * given; nn train passes its flags.
     */
    public SavedRun names(UnaryOperator<String> names) {
        this.names = java.util.Objects.requireNonNull(names, "names");
        return this;
    }

    /** Told what a resume cannot check (a checkpoint of an older nn4j); a warning in the JDK's log by default. */
    public SavedRun notes(Consumer<String> notes) {
        this.notes = java.util.Objects.requireNonNull(notes, "notes");
        return this;
    }

    /** What the checkpoint holds: model, optimizer, configuration, history, classes, split. */
    public Checkpoints.Resumed saved() {
        return saved;
    }

    /** The configuration the run goes on with: the checkpoint's, with the epochs {@link #epochs} sets. */
    public TrainingConfig config() {
        return config;
    }

    /**
     * Another total of epochs (null keeps the run's). A schedule that spans the run's epochs (a cosine)
     * would change its rates from the step the run resumes at, and the run would not end where an
     * uninterrupted one of the new total does: refused unless {@code stretchSchedule}, which stretches
     * it over the new total from where the run stands (and is refused where there is nothing to stretch).
     *
     * @throws InvalidInputException naming the settings and the schedule
     */
    public SavedRun epochs(Integer epochs, boolean stretchSchedule) {
        if (stretchSchedule && epochs == null) {
            throw new InvalidInputException(names.apply("stretch_schedule") + " applies only with a new "
                    + names.apply("epochs"));
        }
        int recorded = saved.config().epochs();
        LearningRateSchedule schedule = saved.config().schedule();
        boolean changed = epochs != null && epochs != recorded;
        boolean shaped = schedule.dependsOnTotal();
        if (changed && shaped && !stretchSchedule) {
            throw new InvalidInputException(names.apply("epochs") + " " + epochs + ": the " + schedule.describe()
                    + " schedule of " + file + " spans its " + recorded + " epochs; over " + epochs + " its rates would"
                    + " change from epoch " + (saved.history().epochsDone() + 1) + " on, and the run would not end as"
                    + " an uninterrupted one of " + epochs + " epochs does; leave " + names.apply("epochs") + " out, or"
                    + " add " + names.apply("stretch_schedule"));
        }
        if (stretchSchedule && !(changed && shaped)) {
            throw new InvalidInputException(names.apply("stretch_schedule") + " does not apply: " + (changed ? "the "
                    + schedule.describe() + " schedule of " + file + " does not depend on the number of epochs"
                    : names.apply("epochs") + " " + epochs + " is the run's own"));
        }
        TrainingConfig c = saved.config();
        config = new TrainingConfig(epochs != null ? epochs : c.epochs(), c.batchSize(), c.seed(), c.patience(),
                c.schedule());
        return this;
    }

    /**
     * The held-out examples of a run on a CSV file: those its checkpoint records, which {@code
     * fraction} and {@code testCsv} may repeat but not change; as given (a share of {@link
     * RunSplit#DEFAULT_TEST_FRACTION} when neither is) for a checkpoint that records none; {@link
     * #validation} adds the run's validation examples.
     *
     * @param fraction the share given, or null
     * @param testCsv the held-out file given (as written), or null
     * @throws InvalidInputException when they differ from the run's own
     */
    public RunSplit.HeldOut heldOut(Double fraction, String testCsv) {
        RunSplit.HeldOut given = testCsv != null ? RunSplit.HeldOut.testCsv(testCsv)
                : RunSplit.HeldOut.fraction(fraction != null ? fraction : RunSplit.DEFAULT_TEST_FRACTION);
        RunSplit recorded = saved.split();
        if (recorded == null) {
            // An older checkpoint: the split as given, and the data checked after reading.
            return given;
        }
        String leave = "; resume with the run's own split (leave " + names.apply(testCsv != null ? "test_csv"
                : "test_fraction") + " out)";
        String held = file + " held out " + recorded.describe(names);
        RunSplit.HeldOut test;
        switch (recorded.heldOut()) {
            case RunSplit.FRACTION:
                if (testCsv != null) {
                    throw new InvalidInputException(names.apply("test_csv") + " " + testCsv + ": " + held + ", not a "
                            + names.apply("test_csv") + " file" + leave);
                }
                if (fraction != null && !fraction.equals(recorded.testFraction())) {
                    throw new InvalidInputException(names.apply("test_fraction") + " " + fraction + ": " + held + leave);
                }
                test = RunSplit.HeldOut.fraction(recorded.testFraction());
                break;
            case RunSplit.TEST_CSV:
                if (fraction != null) {
                    throw new InvalidInputException(names.apply("test_fraction") + " " + fraction + ": " + held
                            + ", not a share of " + names.apply("csv") + leave);
                }
                // The file given, or the one recorded; either way its examples are compared after reading.
                test = testCsv != null ? given : RunSplit.HeldOut.testCsv(recorded.testCsv());
                break;
            default:
                test = given;
        }
        return test;
    }

    /**
     * {@code test} (the run's test examples, as {@link #heldOut} gives them for a CSV file) with the run's
     * own validation examples, which {@code fraction} and {@code csv} (the validation settings given, or
     * null) may repeat but not change.
     *
     * @throws InvalidInputException when they differ from the run's own
     */
    public RunSplit.HeldOut validation(RunSplit.HeldOut test, Double fraction, String csv) {
        RunSplit.Validation recorded = saved.split() == null ? null : saved.split().validation();
        boolean given = fraction != null || csv != null;
        boolean same = recorded == null ? !given : !given || (fraction != null
                ? fraction.equals(recorded.fraction()) : recorded.csv() != null);
        if (!same) {
            throw new InvalidInputException(names.apply(fraction != null ? "val_fraction" : "val_csv") + " "
                    + (fraction != null ? fraction : csv) + ": " + file + (recorded == null ? " held out no validation"
                            + " examples" : " held out " + recorded.describe() + " for validation")
                    + "; resume with the run's own split (leave " + names.apply(fraction != null ? "val_fraction"
                            : "val_csv") + " out)");
        }
        return validation(test, csv);
    }

    private RunSplit.HeldOut validation(RunSplit.HeldOut test, String csv) {
        RunSplit.Validation recorded = saved.split() == null ? null : saved.split().validation();
        if (recorded == null) {
            return test;
        }
        return recorded.fraction() != null ? test.validationFraction(recorded.fraction())
                : test.validationCsv(csv != null ? csv : recorded.csv());
    }

    /** The spec of the run's model (an embedding first: its data is token ids, read as ints). */
    public org.nn4j.nn.spec.ModelSpec spec() {
        return saved.model().spec();
    }

    /**
     * The run, going on with {@code data}: relabelled to the model's classes, standardised as the run was,
     * and checked to be the run's own examples.
     *
     * @param data the examples as read (with the run's seed and {@link #heldOut}), not standardised
     * @throws InvalidInputException naming the file, for other classes, other training or held-out
     *     examples than the run's, or another split
     */
    public TrainingRun on(RunData data) {
        String name = file.toString();
        try {
            Standardizer standardizer = saved.standardizer();
            RunData examples;
            if (data.local() != null) {
                // Relabelled first: examples of other classes or targets are told as such, not by their width.
                RunData relabeled = data.relabeled(saved.classNames());
                examples = standardizer != null ? relabeled.standardized(standardizer) : relabeled;
            } else if (!data.classNames().equals(saved.classNames())) {
                throw new InvalidInputException(name + ": its classes " + saved.classNames() + " are not those of "
                        + data.description());
            } else {
                examples = standardizer != null ? data.standardized(standardizer) : data;
            }
            if (saved.targetStandardizer() != null) {
                examples = examples.targetsStandardized(saved.targetStandardizer());
            }
            requireSameData(name, data);
            return new TrainingRun(saved.model(), saved.loss(), saved.classNames(), saved.optimizer(),
                    saved.optimizer().learningRate(), config, saved.config().epochs(), saved.history(), examples, true);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a resume on other data than the run's: other training or held-out examples than its
     * checkpoint's digests (or numbers of examples) record. A checkpoint of an older nn4j records only
     * the data's description; its numbers of examples are compared, with a note that no more can be.
     */
    private void requireSameData(String name, RunData read) {
        RunSplit recorded = saved.split();
        RunSplit now = read.split();
        String recordedData = saved.data();
        String was = recordedData.isEmpty() ? "" : " (" + recordedData + ")";
        if (recorded == null) {
            int[] before = exampleCounts(recordedData);
            int[] after = exampleCounts(read.description());
            if (before != null && after != null && !Arrays.equals(before, after)) {
                boolean csv = !now.heldOut().equals(RunSplit.TEST_FILES);
                throw new InvalidInputException(name + " was trained on " + recordedData + ", not on "
                        + read.description() + "; resume on the run's own data" + (csv ? " and give its own "
                                + names.apply("test_fraction") + " or " + names.apply("test_csv") : "") + " (" + name
                        + " predates nn4j's record of the split)");
            }
            notes.accept(name + " records no digest of its data (saved by an older nn4j); " + (before != null
                    && after != null ? "only the numbers of examples could be compared" : "the data could not be compared"));
            return;
        }
        if (recorded.trainExamples() != now.trainExamples() || differ(recorded.trainSha256(), now.trainSha256())) {
            throw new InvalidInputException(name + ": the training examples of " + read.description() + " are not"
                    + " those the run was trained on" + was + "; resume on the run's own data");
        }
        if (recorded.testExamples() != now.testExamples() || differ(recorded.testSha256(), now.testSha256())) {
            throw new InvalidInputException(name + ": the held-out examples of " + read.description() + " are not"
                    + " those the run held out" + was + "; resume on the run's own data and split");
        }
        RunSplit.Validation before = recorded.validation();
        RunSplit.Validation after = now.validation();
        if ((before == null) != (after == null) || before != null && (before.examples() != after.examples()
                || differ(before.sha256(), after.sha256()))) {
            throw new InvalidInputException(name + ": the validation examples of " + read.description() + " are"
                    + " not those the run held out for validation" + was + "; resume on the run's own data and split");
        }
    }

    /** Whether two digests, both known, differ. */
    private static boolean differ(String recorded, String now) {
        return recorded != null && now != null && !recorded.equals(now);
    }

    /** The numbers of training and held-out examples a description gives ("72 training and 18 held-out"), or null. */
    private static int[] exampleCounts(String description) {
        Matcher train = Pattern.compile("(\\d+) training").matcher(description);
        Matcher test = Pattern.compile("(\\d+) (held-out|test)").matcher(description);
        if (!train.find() || !test.find()) {
            return null;
        }
        return new int[] {Integer.parseInt(train.group(1)), Integer.parseInt(test.group(1))};
    }
}
