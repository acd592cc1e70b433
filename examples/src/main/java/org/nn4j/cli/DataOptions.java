package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.data.Csv;
import org.nn4j.data.CsvTargets;
import org.nn4j.data.Dataset;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Split;
import org.nn4j.io.InvalidInputException;
import picocli.CommandLine.Option;

/** Where labelled data comes from: a Fashion-MNIST directory, or a CSV file (train adds {@link SplitOptions}). */
final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory of Fashion-MNIST's four IDX files (gzip'd or not). Default:"
                    + " /usr/share/datasets/fashion-mnist if installed, else the subset shipped with nn4j.")
    Path data;

    @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file of examples instead of Fashion-MNIST.")
    Path csv;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "The CSV column holding the class, or for a regression loss (mse) each column holding a"
                    + " target (repeated, or a list: y1,y2): a header name or 0-based index.")
    java.util.List<String> label;

    /** Whether the model's loss is a regression loss: the CSV's --label columns are real-valued targets. */
    boolean regression;
    /** The loss, for messages. */
    String lossName;

    /** Reads real-valued targets when {@code loss} (the model's, by name) is a regression loss. */
    void taskFor(org.nn4j.nn.spec.ModuleRegistry registry, String loss) {
        regression = registry.isRegression(loss);
        lossName = loss;
    }

    /** Whether the CSV's features are token ids (the model starts with an embedding), read as ints. */
    boolean tokens;
    /** The ids the embedding knows (num_embeddings; 0 when the data gives them), and which embedding, for messages. */
    int tokenIds;
    String tokenOwner;

    /** Reads token ids for a model of {@code spec} (from {@code where}) when it starts with an embedding. */
    void tokensFor(org.nn4j.nn.spec.ModelSpec spec, String where) {
        tokens = spec != null && org.nn4j.nn.layers.Embedding.takesTokens(spec);
        tokenIds = tokens ? spec.layer(0).path("num_embeddings").asInt(0) : 0;
        tokenOwner = where + ": layers[0] (embedding)";
    }

    /**
     * Training and held-out data: Fashion-MNIST's files, or --csv with {@code testCsv} held out, or
     * else a share {@code testFraction} of it drawn with {@code seed}.
     */
    Split trainAndTest(long seed, double testFraction, Path testCsv) {
        if (csv == null) {
            requireNoCsvOptions();
            requireClasses();
            Activity.now("reading Fashion-MNIST" + (data != null ? " from " + data : ""));
            return FashionMnist.load(data);
        }
        if (testCsv == null) {
            return Split.random(readCsv(csv), testFraction, seed);
        }
        Activity.now("reading " + csv + " and " + testCsv);
        Csv.TrainAndTest read = readWith(testCsv);
        return new Split(read.train(), read.test(), read.train().source() + " (" + read.train().size()
                + " training examples) and " + read.test().source() + " (" + read.test().size() + " held-out)");
    }

    /** The examples of {@code file}, read as --csv's are (its columns matched to --csv's by header name). */
    Dataset heldOutCsv(Path file) {
        Activity.now("reading " + file);
        return readWith(file).test();
    }

    /** --csv and {@code other}, whose columns are matched to --csv's by the names of their headers, and classes relabelled. */
    private Csv.TrainAndTest readWith(Path other) {
        if (regression) {
            return CsvTargets.read(csv, other, targetColumns());
        }
        Csv.TrainAndTest read = tokens ? Csv.readTokens(csv, other, csvLabel(), tokenIds, tokenOwner)
                : Csv.read(csv, other, csvLabel());
        return new Csv.TrainAndTest(read.train(), read.test().relabel(read.train().classNames()));
    }

    /** Data to evaluate a model on: Fashion-MNIST's test set, or the whole CSV file. */
    Dataset evaluationData() {
        if (csv == null) {
            requireNoCsvOptions();
            requireClasses();
            Activity.now("reading Fashion-MNIST's test set" + (data != null ? " from " + data : ""));
            return FashionMnist.testSet(data);
        }
        return readCsv(csv);
    }

    private Dataset readCsv(Path file) {
        Activity.now("reading " + file);
        if (regression) {
            return CsvTargets.read(file, targetColumns());
        }
        return tokens ? Csv.readTokens(file, csvLabel(), tokenIds, tokenOwner) : Csv.read(file, csvLabel());
    }

    /** --label, for --csv, which excludes --data: the one column that holds the class. */
    String csvLabel() {
        if (data != null) {
            throw new InvalidInputException("--data and --csv exclude each other; give one");
        }
        if (label == null) {
            throw new InvalidInputException("--csv needs --label COLUMN: the column that holds the class");
        }
        if (label.size() > 1) {
            throw new InvalidInputException("--label is given " + label.size() + " times, but a classifier takes one"
                    + " class column; several target columns are for a regression loss (--loss mse)");
        }
        return label.get(0);
    }

    /** --label's columns, each given alone or in a comma-separated list: a regression model's targets. */
    java.util.List<String> targetColumns() {
        if (data != null) {
            throw new InvalidInputException("--data and --csv exclude each other; give one");
        }
        if (label == null) {
            throw new InvalidInputException("--csv needs --label COLUMN for a regression loss: the column(s) holding"
                    + " the targets");
        }
        return columns(label);
    }

    /** The columns {@code --label} names, each given alone or in a comma-separated list. */
    static java.util.List<String> columns(java.util.List<String> label) {
        java.util.List<String> columns = new java.util.ArrayList<>();
        for (String given : label) {
            for (String column : given.split(",", -1)) {
                if (column.isBlank()) {
                    throw new InvalidInputException("--label '" + given + "' names an empty column");
                }
                columns.add(column.strip());
            }
        }
        return columns;
    }

    /** Fashion-MNIST's labels are classes: a regression loss needs real-valued targets from --csv. */
    private void requireClasses() {
        if (regression) {
            throw new InvalidInputException("the loss '" + lossName + "' is for real-valued targets, and Fashion-MNIST"
                    + " has classes: give --csv FILE --label COLUMN of targets, or a classification loss (--loss ce)");
        }
    }

    private void requireNoCsvOptions() {
        if (label != null) {
            throw new InvalidInputException("--label applies to --csv only");
        }
    }
}
