package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.io.InvalidInputException;
import picocli.CommandLine.Option;

/** Which examples of --csv {@code train} holds out: those of --test-csv, or a seeded share of --csv. */
final class SplitOptions {
    /** The share of --csv held out when neither option is given. */
    static final double DEFAULT_TEST_FRACTION = 0.2;

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
}
