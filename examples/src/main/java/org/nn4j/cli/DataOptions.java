package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.data.Csv;
import org.nn4j.data.Dataset;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Split;
import org.nn4j.io.InvalidInputException;
import picocli.CommandLine.Option;

/** Where labelled data comes from: a Fashion-MNIST directory, or CSV files. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of Fashion-MNIST's four IDX files (gzip'd or not). Default:"
                    + " /usr/share/datasets/fashion-mnist if installed, else the subset shipped with nn4j.")
    Path data;

    @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file of examples instead of Fashion-MNIST.")
    Path csv;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "The CSV column holding the class: its header name or 0-based index.")
    String label;

    @Option(names = "--test-csv", paramLabel = "FILE",
            description = "Held-out CSV examples (train only), columns matched to --csv's by header name."
                    + " Default: hold out --test-fraction of --csv.")
    Path testCsv;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Share of --csv held out when no --test-csv is given (default: ${DEFAULT-VALUE}).")
    double testFraction;

    /** Training and held-out data; CSV splits are seeded with {@code seed}. */
    Split trainAndTest(long seed) {
        if (csv == null) {
            requireNoCsvOptions();
            Activity.now("reading Fashion-MNIST" + (data != null ? " from " + data : ""));
            return FashionMnist.load(data);
        }
        if (testCsv == null) {
            return Split.random(readCsv(csv), testFraction, seed);
        }
        Activity.now("reading " + csv + " and " + testCsv);
        // The held-out file's columns are matched to the training file's by the names of their headers.
        Csv.TrainAndTest read = Csv.read(csv, testCsv, csvLabel());
        Dataset all = read.train();
        Dataset test = read.test();
        return new Split(all, test.relabel(all.classNames()), all.source() + " (" + all.size() + " training examples)"
                + " and " + test.source() + " (" + test.size() + " held-out)");
    }

    /** Data to evaluate a model on: Fashion-MNIST's test set, or the whole CSV file. */
    Dataset evaluationData() {
        if (csv == null) {
            requireNoCsvOptions();
            Activity.now("reading Fashion-MNIST's test set" + (data != null ? " from " + data : ""));
            return FashionMnist.testSet(data);
        }
        return readCsv(csv);
    }

    private Dataset readCsv(Path file) {
        Activity.now("reading " + file);
        return Csv.read(file, csvLabel());
    }

    /** --label, for --csv, which excludes --data. */
    String csvLabel() {
        if (data != null) {
            throw new InvalidInputException("--data and --csv exclude each other; give one");
        }
        if (label == null) {
            throw new InvalidInputException("--csv needs --label COLUMN: the column that holds the class");
        }
        return label;
    }

    private void requireNoCsvOptions() {
        if (label != null || testCsv != null) {
            throw new InvalidInputException((label != null ? "--label" : "--test-csv") + " applies to --csv only");
        }
    }
}
