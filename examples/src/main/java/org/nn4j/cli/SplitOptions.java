package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.io.InvalidInputException;
import org.nn4j.train.RunSplit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Which examples of --csv {@code train} holds out: those of --test-csv, or a seeded share of --csv. */
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

    /** Refuses these options where they do nothing: without --csv, or both at once, or a share outside (0, 1). */
    void check(DataOptions data) {
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
        return testCsv == null ? null : command.commandLine().getParseResult().matchedOption("--test-csv")
                .stringValues().get(0);
    }

    /** The held-out examples these options ask for: --test-csv, else a share of --csv, else the test files. */
    RunSplit.HeldOut given(DataOptions data) {
        if (data.csv == null) {
            return RunSplit.HeldOut.testFiles();
        }
        return testCsv != null ? RunSplit.HeldOut.testCsv(testCsvAsWritten())
                : RunSplit.HeldOut.fraction(testFraction != null ? testFraction : DEFAULT_TEST_FRACTION);
    }
}
