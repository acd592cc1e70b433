package org.nn4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.io.InvalidInputException;
import org.nn4j.train.DistributedTraining;
import org.nn4j.train.RunSplit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code train}'s flags for training on Apache Spark, through nn4j's {@link DistributedTraining} engine. */
final class SparkOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--spark", paramLabel = "MASTER", arity = "0..1", fallbackValue = "",
            description = "Train data-parallel on Apache Spark at this master URL, for example local[2]; without"
                    + " a URL, at the master spark-submit gives.")
    String master;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
            description = "With --spark: a Spark setting, over nn4j's own (repeatable), e.g. spark.executor.memory=4g.")
    List<String> conf = new ArrayList<>();

    @Option(names = "--average-every", paramLabel = "K", defaultValue = "1",
            description = "With --spark: average the executors' parameters and optimizer state every K batches,"
                    + " each executor stepping on its own examples in between (default: ${DEFAULT-VALUE},"
                    + " synchronous: one step for the whole cluster per batch).")
    int averageEvery;

    @Option(names = "--read-on-executors",
            description = "With --spark and --data or --csv: the executors read the training set from --data's IDX"
                    + " files or the --csv file themselves, each its share, which must be a path every executor"
                    + " sees (a shared directory, hdfs://, s3a://); the driver reads the test set alone (the test"
                    + " files, --test-csv, or --csv's held-out examples). For training sets larger than the driver.")
    boolean readOnExecutors;

    /**
     * Refuses these flags where they do nothing or are out of range, then checks the master URL, the
     * settings and that the master is there, before the data and the model: a mistake in them costs
     * seconds, not the reading of a training set first.
     */
    void check(DataOptions data) {
        if (averageEvery < 1) {
            throw new InvalidInputException("--average-every must be at least 1, not " + averageEvery);
        }
        if (given().hasMatchedOption("--average-every") && master == null) {
            throw new InvalidInputException("--average-every applies only with --spark");
        }
        if (!conf.isEmpty() && master == null) {
            throw new InvalidInputException("--spark-conf applies only with --spark");
        }
        Map<String, String> settings = settings();
        if (readOnExecutors && (master == null || (data.data == null && data.csv == null))) {
            throw new InvalidInputException(master == null ? "--read-on-executors applies only with --spark"
                    : "--read-on-executors needs --data DIR (a directory of Fashion-MNIST's IDX files) or --csv FILE,"
                            + " a path that every executor sees");
        }
        if (master != null) {
            engine().check(master, debug(), settings);
        }
    }

    /** Connects to the cluster for {@code backend} and, unless {@code quiet}, says which it is. */
    DistributedTraining.Session open(PrintWriter out, String backend, boolean quiet) {
        // What the cluster waits for (executors it does not give), as it waits.
        DistributedTraining.Session cluster = engine().open(master, backend, debug(), settings(), quiet ? line -> { }
                : line -> {
                    out.println(line);
                    out.flush();
                });
        if (!quiet) {
            out.println("cluster: " + cluster.describe());
            out.flush();
        }
        return cluster;
    }

    /** The training set that --read-on-executors has {@code cluster}'s executors read; the test set here. */
    DistributedTraining.ClusterData read(DistributedTraining.Session cluster, DataOptions data, long seed,
            RunSplit.HeldOut held) {
        // The options' own words: a path as a Path loses the second slash of hdfs:// and the like.
        if (data.csv == null) {
            return cluster.readOnExecutors(given().matchedOption("--data").stringValues().get(0));
        }
        String label = data.csvLabel();
        return cluster.readCsvOnExecutors(given().matchedOption("--csv").stringValues().get(0), label,
                held.testCsv(), held.fraction() != null ? held.fraction() : RunSplit.DEFAULT_TEST_FRACTION, seed);
    }

    private ParseResult given() {
        return command.commandLine().getParseResult();
    }

    /** Whether --debug was given: then Spark logs too. */
    private boolean debug() {
        return given().hasMatchedOption("--debug");
    }

    /** The --spark-conf settings, checked: each KEY=VALUE with a key. */
    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : conf) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new InvalidInputException("--spark-conf '" + setting + "' must be KEY=VALUE, for example"
                        + " spark.executor.memory=4g");
            }
            settings.put(setting.substring(0, eq).strip(), setting.substring(eq + 1));
        }
        return settings;
    }

    /** The Spark engine of nn4j's distributed module, which ./nn puts on the class path for --spark. */
    private static DistributedTraining engine() {
        return DistributedTraining.find("spark").orElseThrow(() -> new InvalidInputException("--spark needs nn4j's"
                + " distributed module on the class path (./nn adds it when --spark is given; build it with 'mvn -pl"
                + " distributed -am package')"));
    }
}
