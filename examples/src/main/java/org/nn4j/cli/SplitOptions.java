package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.io.InvalidInputException;
import org.nn4j.train.RunSplit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which examples {@code train} holds out: for test, those of --test-csv or a seeded share of --csv; for
 * validation (what early stopping watches), those of --val-csv or a seeded share of the training examples.
 */
final class SplitOptions {
    /** The share of --csv held out when neither option is given. */
    static final double DEFAULT_TEST_FRACTION = RunSplit.DEFAULT_TEST_FRACTION;

    /** The command these options are part of, for the words they were given in. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--test-csv", paramLabel = "FILE",
            description = "Held-out CSV examples, columns matched to --csv's by header name. Default: hold out"
                    + " --test-fraction of --csv.")
    Path testCsv;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Share of --csv held out when no --test-csv is given (default: " + DEFAULT_TEST_FRACTION
                    + "; with --resume, the run's own).")
    Double testFraction;

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "Share of the training examples held out for validation, drawn with --seed: --patience"
                    + " watches them, never the test examples (default: none; with --resume, the run's own).")
    Double valFraction;

    @Option(names = "--val-csv", paramLabel = "FILE",
            description = "Validation CSV examples, columns matched to --csv's by header name.")
    Path valCsv;

    @Option(names = "--test-each-epoch",
            description = "Score the test examples after every epoch, for the record, not only at the end"
                    + " (without validation examples they are scored every epoch anyway).")
    boolean testEachEpoch;

    /** Refuses these options where they do nothing: without --csv, or both at once, or a share outside (0, 1). */
    void check(DataOptions data) {
        if (valCsv != null && data.csv == null) {
            throw new InvalidInputException("--val-csv applies to --csv only; hold out a share of Fashion-MNIST's"
                    + " training examples with --val-fraction");
        }
        if (valCsv != null && valFraction != null) {
            throw new InvalidInputException("--val-fraction does not apply with --val-csv: the examples of " + valCsv
                    + " are the validation ones");
        }
        if (valFraction != null && !(valFraction > 0 && valFraction < 1)) {
            throw new InvalidInputException("--val-fraction: the validation fraction must lie between 0 and 1, not "
                    + valFraction);
        }
        if (data.csv == null && (testCsv != null || testFraction != null)) {
            throw new InvalidInputException((testCsv != null ? "--test-csv" : "--test-fraction")
                    + " applies to --csv only");
        }
        if (testCsv != null && testFraction != null) {
            throw new InvalidInputException("--test-fraction does not apply with --test-csv: the examples of "
                    + testCsv + " are the held-out ones");
        }
        if (testFraction != null && !(testFraction > 0 && testFraction < 1)) {
            throw new InvalidInputException("--test-fraction: the held-out fraction must lie between 0 and 1, not "
                    + testFraction);
        }
    }

    /** --test-csv as written (a path or a URL), or null. */
    String testCsvAsWritten() {
        return testCsv == null ? null : asWritten("--test-csv");
    }

    /** The option {@code name} as written (a path or a URL). */
    private String asWritten(String name) {
        return command.commandLine().getParseResult().matchedOption(name).stringValues().get(0);
    }

    /** --val-csv as written (a path or a URL), or null. */
    String valCsvAsWritten() {
        return valCsv == null ? null : asWritten("--val-csv");
    }

    /**
     * The held-out examples these options ask for: --test-csv, else a share of --csv, else the test files;
     * and --val-csv or --val-fraction for validation.
     */
    RunSplit.HeldOut given(DataOptions data) {
        RunSplit.HeldOut test = data.csv == null ? RunSplit.HeldOut.testFiles() : testCsv != null
                ? RunSplit.HeldOut.testCsv(testCsvAsWritten())
                : RunSplit.HeldOut.fraction(testFraction != null ? testFraction : DEFAULT_TEST_FRACTION);
        return valFraction != null ? test.validationFraction(valFraction)
                : valCsv != null ? test.validationCsv(valCsvAsWritten()) : test;
    }
}
