package org.nn4j.distributed;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext$;
import org.apache.spark.api.java.JavaSparkContext;
import org.nn4j.api.SettingException;
import org.nn4j.data.Dataset;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Split;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.ClusterFailureException;
import org.nn4j.train.DistributedTraining;
import org.nn4j.train.Optimizer;

/** Training on Apache Spark, as {@code nn train --spark MASTER} uses it. */
public final class SparkTraining implements DistributedTraining {

    /**
     * The jars on this JVM's class path other than Spark's and its dependencies' (which a cluster's
     * executors have): nn4j's own, the backends' and any of {@code NN4J_CLASSPATH}, comma-separated as
     * {@code spark.jars} takes them.
     */
    static String applicationJars() {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.endsWith("*")) {
                // A class path of 'dir/*', as ./nn gives it: every jar in dir.
                File[] jars = new File(entry.substring(0, entry.length() - 1)).listFiles((d, name) -> name.endsWith(".jar"));
                if (jars != null) {
                    java.util.Arrays.sort(jars);
                    for (File jar : jars) {
                        entries.add(jar.toPath().toAbsolutePath());
                    }
                }
            } else if (entry.endsWith(".jar")) {
                entries.add(Path.of(entry).toAbsolutePath());
            }
        }
        Path sparkLib = entries.stream().filter(p -> p.getFileName().toString().startsWith("spark-core_"))
                .map(Path::getParent).findFirst().orElse(null);
        Set<String> names = new HashSet<>();
        List<String> jars = new ArrayList<>();
        for (Path jar : entries) {
            boolean sparksOwn = jar.getParent().equals(sparkLib) && !jar.getFileName().toString().startsWith("nn4j-");
            if (!sparksOwn && Files.isRegularFile(jar) && names.add(jar.getFileName().toString())) {
                jars.add(jar.toUri().toString());
            }
        }
        return String.join(",", jars);
    }

    @Override
    public String name() {
        return "spark";
    }

    /**
     * The context's settings: nn4j's defaults, then {@code settings} over them. A non-local master gets
     * the application's jars in {@code spark.jars}, and executors get {@code OPENBLAS_CORETYPE} (which
     * ./nn chooses for the CPU) and the nn4j settings of the driver's environment.
     */
    static SparkConf configure(String master, Map<String, String> settings, Map<String, String> environment) {
        SparkConf conf = new SparkConf().setAppName("nn4j").setIfMissing("spark.ui.showConsoleProgress", "false");
        // Each step's or round's results (the model's size, often over Spark's 1 MiB default) go straight
        // to the driver instead of through the block manager, which cost about 12 ms a job on 2 cores
        // here; Spark caps this at spark.rpc.message.maxSize.
        conf.setIfMissing("spark.task.maxDirectResultSize", "1g");
        // A round's state is floats that LZ4 barely shrinks; compressing it cost the driver 4-5 ms a
        // round of about 100 here, and decompressing it every executor again.
        conf.setIfMissing("spark.broadcast.compress", "false");
        if (master != null && !master.isBlank()) {
            conf.setMaster(master);
        }
        settings.forEach(conf::set);
        if (conf.get("spark.master", "local").startsWith("local")) {
            // On one machine nn4j prints its own progress; the web UI's bookkeeping of every job and
            // task took CPU from the tasks (about 5% of samples/s on 2 cores). A cluster keeps it.
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        for (String variable : List.of("OPENBLAS_CORETYPE", "NN4J_THREADS")) {
            String value = environment.get(variable);
            if (value != null && !conf.contains("spark.executorEnv." + variable)) {
                conf.set("spark.executorEnv." + variable, value);
            }
        }
        if (!conf.get("spark.master", "local").startsWith("local") && !conf.contains("spark.jars")) {
            // Executors elsewhere need nn4j and the chosen backend: the jars of this JVM's class path
            // that Spark's own executors lack.
            String jars = applicationJars();
            if (!jars.isEmpty()) {
                conf.set("spark.jars", jars);
            }
        }
        return conf;
    }

    /**
     * A context of {@code checked}'s settings; on a standalone master, within its registration timeout.
     *
     * @throws SettingException in one line when Spark cannot start: the master URL, the {@code
     *     --spark-conf} settings and Spark's reason
     */
    private static JavaSparkContext start(Checked checked, Map<String, String> settings) {
        try {
            return checked.standalone().isEmpty() ? new JavaSparkContext(checked.conf())
                    : SparkChecks.startWithin(checked.conf(), checked.registrationTimeoutMs(), checked.source());
        } catch (SettingException | InvalidInputException e) {
            throw e;
        } catch (Exception e) {
            // SparkException (undeclared in Scala), IllegalArgumentException and the like: Spark refused a
            // setting that nn4j does not check, or could not start here (an address it cannot bind).
            Throwable cause = e instanceof SparkChecks.StartFailure ? e.getCause() : e;
            String reason = cause.getMessage() == null ? cause.toString()
                    : cause.getMessage().strip().lines().findFirst().orElse(cause.toString());
            List<String> given = new ArrayList<>();
            settings.forEach((key, value) -> given.add(key + "=" + value));
            throw new SettingException("Spark could not start (" + checked.source()
                    + (given.isEmpty() ? "" : ", --spark-conf " + String.join(" ", given)) + "): " + reason, e);
        }
    }

    /**
     * Runs a Spark job, turning the cluster's failure into a {@link ClusterFailureException} of one line,
     * or, when a task failed on bad input (a malformed line of a file that an executor read), into that
     * task's {@link InvalidInputException}, as one machine would report it.
     */
    static <T> T onCluster(java.util.function.Supplier<T> job) {
        try {
            return job.get();
        } catch (RuntimeException e) {
            throw ClusterWatch.translate(e);
        } catch (Exception e) {
            // Spark's Scala code throws SparkException, a checked exception, undeclared.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof InvalidInputException input) {
                    throw input;
                }
            }
            RuntimeException lost = ClusterWatch.lost(e);
            if (lost != null) {
                throw lost;
            }
            throw new ClusterFailureException(describeFailure(e.getMessage()), e);
        }
    }

    /** {@code work}, Spark's failures outside jobs (a broadcast on a stopped context) told as {@link ClusterWatch} does. */
    static <T> T guarded(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw ClusterWatch.translate(e);
        }
    }

    /**
     * One line for a job that the cluster could not run: the task, how often it failed, where it
     * last failed and why, from Spark's many-line message.
     */
    static String describeFailure(String sparkMessage) {
        String first = sparkMessage == null ? "" : sparkMessage.strip().lines().findFirst().orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "Task (\\S+) in stage \\S+ failed (\\d+) times?, most recent failure: Lost task \\S+ in stage \\S+"
                        + " \\(TID \\d+\\) \\(([^ ]+) executor ([^)]+)\\): (.*)").matcher(first);
        if (m.find()) {
            return "the cluster failed: task " + m.group(1) + " failed " + m.group(2) + " time"
                    + (m.group(2).equals("1") ? "" : "s") + ", last on " + m.group(3) + " (executor " + m.group(4)
                    + "): " + m.group(5).strip();
        }
        return "the cluster failed: " + first.replaceFirst("^Job aborted due to stage failure: ", "");
    }

    /**
     * Stops {@code spark}, and waits (a minute at most) until it is stopped: Spark stops a context it
     * ends itself (one whose application a master removed) on a thread of its own, and a new context
     * cannot start in this JVM until that is done.
     */
    static void stop(JavaSparkContext spark) {
        spark.stop();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (SparkContext$.MODULE$.getActive().exists(active -> active == spark.sc())
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A context's settings, checked, and what the checks found. */
    private record Checked(SparkConf conf, String source, List<SparkChecks.HostPort> standalone,
            long registrationTimeoutMs, long executorTimeoutMs) {
    }

    /**
     * The context's settings ({@link #configure}), checked: the master URL and every setting Spark
     * knows as Spark reads them, and a standalone master's address by a connection to it, each
     * problem one line naming the URL or setting.
     */
    private static Checked checked(String master, boolean verbose, Map<String, String> settings) {
        if (System.getProperty("log4j.configurationFile") == null) {
            // Spark logs at INFO by default; nn4j shows its own progress and failures instead, unless asked.
            System.setProperty("log4j.configurationFile", verbose ? "nn4j-spark-log4j2-verbose.properties"
                    : "nn4j-spark-log4j2.properties");
        }
        SparkConf conf = configure(master, settings, System.getenv());
        String source = SparkChecks.masterSource(master, settings, conf);
        List<SparkChecks.HostPort> standalone = SparkChecks.master(conf.get("spark.master", null), source,
                System.getenv(), SparkChecks::managerFor);
        SparkChecks.settings(conf, settings);
        long timeout = SparkChecks.registrationTimeoutMs(conf, settings);
        SparkChecks.reach(standalone, source, timeout);
        return new Checked(conf, source, standalone, timeout, SparkChecks.executorTimeoutMs(conf, settings));
    }

    @Override
    public void check(String master, boolean verbose, Map<String, String> settings) {
        checked(master, verbose, settings);
    }

    @Override
    public Session open(String master, String backend, boolean verbose, Map<String, String> settings) {
        return open(master, backend, verbose, settings, line -> { });
    }

    /**
     * {@inheritDoc} On a cluster (not a local master), a job that waits with no executor to run it
     * waits {@value ClusterWatch#EXECUTOR_TIMEOUT} at most (default {@value
     * ClusterWatch#DEFAULT_EXECUTOR_TIMEOUT}), telling {@code progress} every 10 s.
     *
     * @throws SettingException also when no executor starts within that time, saying why: what an
     *     executor asks for and what a standalone master's workers have free
     */
    @Override
    public Session open(String master, String backend, boolean verbose, Map<String, String> settings,
            java.util.function.Consumer<String> progress) {
        Checked checked = checked(master, verbose, settings);
        SparkConf conf = checked.conf();
        if (!verbose) {
            // Spark's own switch, applied as the context starts: under spark-submit, whose driver set up
            // logging with Spark's INFO defaults before nn4j ran, the file above comes too late.
            conf.setIfMissing("spark.log.level", "OFF");
        }
        JavaSparkContext spark = start(checked, settings);
        String actualMaster = spark.master();
        ClusterWatch watch = actualMaster.equals("local") || actualMaster.startsWith("local[") ? null
                : new ClusterWatch(spark, checked.source(), checked.standalone(), settings, checked.executorTimeoutMs(),
                        progress);
        try {
            onCluster(() -> {
                ExecutorBackends.require(spark, backend);
                return null;
            });
        } catch (RuntimeException e) {
            if (watch != null) {
                watch.close();
            }
            stop(spark);
            throw e;
        }
        return new Session() {
            private java.util.function.Supplier<String> costs = () -> "";

            @Override
            public BatchUpdater updater(Dataset train, Model model, Optimizer optimizer, long seed, int batchSize,
                    int averageEvery) {
                return guarded(() -> updater(new SparkData(spark, train, 0), model, optimizer, seed, batchSize,
                        averageEvery));
            }

            @Override
            public ClusterData readOnExecutors(String directory) {
                IdxFiles train = IdxFiles.open(directory, "train", spark.hadoopConfiguration());
                Dataset test = IdxFiles.open(directory, "t10k", spark.hadoopConfiguration()).dataset();
                return new ClusterData(train.count(), train.featureCount(), FashionMnist.CLASS_NAMES, test,
                        "Fashion-MNIST from " + directory + ", read on the executors (" + train.count() + " training, "
                                + test.size() + " test images)", train, null);
            }

            @Override
            public ClusterData readCsvOnExecutors(String file, String labelColumn, String testFile,
                    double testFraction, long seed) {
                Configuration hadoop = spark.hadoopConfiguration();
                CsvFiles opened = CsvFiles.open(file, labelColumn, spark.defaultParallelism(), hadoop);
                List<Integer> ranges = new ArrayList<>();
                for (int r = 0; r < opened.ranges(); r++) {
                    ranges.add(r);
                }
                CsvFiles scanned = opened.scanned(SparkTraining.onCluster(() -> spark.parallelize(ranges,
                        ranges.size()).map(opened::scanRange).collect()));
                Dataset test;
                CsvFiles train;
                String description;
                if (testFile != null) {
                    train = scanned;
                    test = CsvFiles.readHere(testFile, labelColumn, hadoop, scanned).relabel(scanned.classNames());
                    description = file + " (" + train.count() + " training examples, read on the executors) and "
                            + testFile + " (" + test.size() + " held-out)";
                } else {
                    try {
                        train = scanned.holdOut(Split.heldOut(scanned.examples(), testFraction, seed,
                                file));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException(e.getMessage());
                    }
                    CsvFiles held = train;
                    test = held.heldOut(SparkTraining.onCluster(() -> spark.parallelize(ranges, ranges.size())
                            .map(r -> held.rows(r, true)).collect()));
                    description = file + " (" + train.count() + " training examples, read on the executors, and "
                            + test.size() + " held-out, split with seed " + seed + ")";
                }
                return new ClusterData(train.count(), train.featureCount(), scanned.classNames(), test, description,
                        train, null);
            }

            @Override
            public ClusterData standardize(ClusterData data, Standardizer given) {
                if (!(data.handle() instanceof ExecutorFiles files) || data.standardizer() != null) {
                    throw new IllegalArgumentException("not unstandardised data of this Spark session: "
                            + data.description());
                }
                Standardizer standardizer = given != null ? given : SparkData.fit(spark, files);
                return new ClusterData(data.size(), data.featureCount(), data.classNames(),
                        standardizer.apply(data.test()), data.description() + ", standardised", files, standardizer);
            }

            @Override
            public BatchUpdater updater(ClusterData train, Model model, Optimizer optimizer, long seed, int batchSize,
                    int averageEvery) {
                if (!(train.handle() instanceof ExecutorFiles files)) {
                    throw new IllegalArgumentException("not data of this Spark session: " + train.description());
                }
                if (model.inputSize() != train.featureCount() || model.outputSize() != train.classNames().size()) {
                    throw new IllegalArgumentException(train.description() + " has " + train.featureCount()
                            + " features and " + train.classNames().size() + " classes; the network takes "
                            + model.inputSize() + " inputs and gives " + model.outputSize() + " outputs");
                }
                return guarded(() -> updater(new SparkData(spark, files, train.standardizer(), 0), model, optimizer,
                        seed, batchSize, averageEvery));
            }

            private BatchUpdater updater(SparkData data, Model model, Optimizer optimizer, long seed, int batchSize,
                    int averageEvery) {
                try {
                    if (averageEvery == 1) {
                        SparkUpdater updater = new SparkUpdater(spark, data, model, optimizer, backend, seed);
                        costs = updater::costs;
                        return updater;
                    }
                    AveragingUpdater updater = new AveragingUpdater(spark, data, model, optimizer, backend, seed,
                            batchSize, averageEvery);
                    costs = updater::costs;
                    return updater;
                } catch (RuntimeException e) {
                    data.close();
                    throw e;
                }
            }

            @Override
            public String costs() {
                return costs.get();
            }

            @Override
            public String describe() {
                return "Spark " + spark.version() + " at " + spark.master() + ", " + spark.defaultParallelism()
                        + " partitions";
            }

            @Override
            public void close() {
                if (watch != null) {
                    watch.close();
                }
                stop(spark);
            }
        };
    }
}
