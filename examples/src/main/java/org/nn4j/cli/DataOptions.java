package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.data.Csv;
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
            description = "The CSV column holding the class: its header name or 0-based index.")
    String label;

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
            Activity.now("reading Fashion-MNIST" + (data != null ? " from " + data : ""));
            return FashionMnist.load(data);
        }
        if (testCsv == null) {
            return Split.random(readCsv(csv), testFraction, seed);
        }
        Activity.now("reading " + csv + " and " + testCsv);
        // The held-out file's columns are matched to the training file's by the names of their headers.
        Csv.TrainAndTest read = tokens ? Csv.readTokens(csv, testCsv, csvLabel(), tokenIds, tokenOwner) : Csv.read(csv, testCsv, csvLabel());
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
        return tokens ? Csv.readTokens(file, csvLabel(), tokenIds, tokenOwner) : Csv.read(file, csvLabel());
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
        if (label != null) {
            throw new InvalidInputException("--label applies to --csv only");
        }
    }
}
