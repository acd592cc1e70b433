package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.SettingException;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.io.ModelFile;
import org.nn4j.train.Adam;
import org.nn4j.train.Checkpoints;
import org.nn4j.train.EpochMetrics;
import org.nn4j.train.Optimizer;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;
import org.nn4j.train.TrainingListener;

/** Data-parallel training on Spark in local mode gives the weights of one machine, failures or not. */
class DistributedTrainingTest {
    /** float64 weights after the same steps on one machine and on Spark agree to this, relatively. */
    private static final double RELATIVE = 1e-9;
    private static final TrainingConfig CONFIG = new TrainingConfig(2, 32, 7, 0, LearningRateSchedule.cosine());

    private final Backend ejml = Backends.select("ejml");

    /** Three Gaussian clusters in 10 dimensions. */
    private static Dataset data(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 10];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 10; j++) {
                x[i * 10 + j] = (float) ((j % 3 == labels[i] ? 1.5 : 0) + random.nextGaussian());
            }
        }
        return new Dataset(x, labels, 10, List.of("a", "b", "c"), "clusters");
    }

    private static final String MLP = "{\"input\": [10], \"layers\": [{\"type\": \"linear\", \"out_features\": 16},"
            + " {\"type\": \"tanh\"}, {\"type\": \"linear\", \"out_features\": 3}]}";
    private static final String WITH_DROPOUT = "{\"input\": [10], \"layers\": [{\"type\": \"linear\","
            + " \"out_features\": 16}, {\"type\": \"leaky_relu\"}, {\"type\": \"dropout\", \"p\": 0.3},"
            + " {\"type\": \"linear\", \"out_features\": 3}]}";
    private static final String WITH_BATCHNORM = "{\"input\": [10], \"layers\": [{\"type\": \"linear\","
            + " \"out_features\": 16, \"bias\": false}, {\"type\": \"batchnorm1d\"}, {\"type\": \"tanh\"}, {\"type\": \"linear\","
            + " \"out_features\": 3}]}";

    private String spec = MLP;
    private int trainSize = 150;

    private Model network() {
        return ModuleRegistry.builtIn().build(ModelSpec.parse(spec, "spec"), ejml, DType.FLOAT64, 5, "spec");
    }

    private static JavaSparkContext spark(String master) {
        return new JavaSparkContext(new SparkConf().setMaster(master).setAppName("nn4j-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    /** Trains with {@code updater} made for the network, or on this machine when it gives none. */
    private List<double[]> train(java.util.function.BiFunction<Model, Adam, BatchUpdater> updater) {
        Model net = network();
        Adam adam = new Adam(ejml, net.parameterValues(), 0.01, 0);
        Trainer.Builder trainer = Trainer.builder(net).loss(new SoftmaxCrossEntropy(ejml)).optimizer(adam).config(CONFIG);
        Dataset train = data(trainSize, 1);
        Dataset test = data(60, 2);
        BatchUpdater given = updater.apply(net, adam);
        TrainingHistory history = given == null ? trainer.build().fit(train, test)
                : trainer.updater((examples, run) -> given).build().fit(train, test);
        assertEquals(2, history.epochsDone());
        List<double[]> weights = new ArrayList<>();
        net.parameterValues().forEach(p -> weights.add(ejml.toArray(p)));
        net.buffers().values().forEach(b -> weights.add(ejml.toArray(b.value())));
        return weights;
    }

    private static void assertSameWeights(List<double[]> expected, List<double[]> actual) {
        for (int i = 0; i < expected.size(); i++) {
            double[] e = expected.get(i);
            double[] a = actual.get(i);
            double rms = Math.sqrt(java.util.Arrays.stream(e).map(v -> v * v).average().orElse(0));
            for (int j = 0; j < e.length; j++) {
                double allowed = RELATIVE * (Math.abs(e[j]) + rms);
                assertTrue(Math.abs(a[j] - e[j]) <= allowed,
                        "parameter " + i + " element " + j + ": " + a[j] + " vs " + e[j]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local[1]", "local[2]", "local[4]"})
    void sparkGivesTheWeightsOfOneMachine(String master) {
        List<double[]> oneMachine = train((net, adam) -> null);
        JavaSparkContext spark = spark(master);
        try {
            List<double[]> distributed = train((net, adam) -> new SparkUpdater(spark, data(150, 1), 0, net,
                    adam, "ejml", CONFIG.seed()));
            assertSameWeights(oneMachine, distributed);
        } finally {
            spark.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local[1]", "local[3]"})
    void dropoutMasksAreKeyedByTheExampleSoSparkGivesTheWeightsOfOneMachine(String master) {
        spec = WITH_DROPOUT;
        List<double[]> oneMachine = train((net, adam) -> null);
        JavaSparkContext spark = spark(master);
        try {
            List<double[]> distributed = train((net, adam) -> new SparkUpdater(spark, data(150, 1), 0, net, adam, "ejml",
                    CONFIG.seed()));
            assertSameWeights(oneMachine, distributed);
        } finally {
            spark.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "batchnorm", "dropout"})
    void averagingOnOnePartitionIsTrainingOnOneMachine(String which) {
        spec = which.equals("mlp") ? MLP : which.equals("batchnorm") ? WITH_BATCHNORM : WITH_DROPOUT;
        // 192 examples: batches of 32 and rounds of 3 whole batches, so one partition's round is one machine's steps.
        trainSize = 192;
        List<double[]> oneMachine = train((net, adam) -> null);
        JavaSparkContext spark = spark("local[1]");
        try {
            List<double[]> averaged = train((net, adam) -> new AveragingUpdater(spark, data(192, 1), 1, net, adam, "ejml",
                    CONFIG.seed(), CONFIG.batchSize(), 3));
            assertSameWeights(oneMachine, averaged);
        } finally {
            spark.stop();
        }
    }

    @Test
    void averagingOnSeveralPartitionsLearnsAsOneMachineDoes() {
        Dataset train = data(600, 1);
        Dataset test = data(300, 2);
        JavaSparkContext spark = spark("local[2]");
        try {
            double[] accuracy = new double[2];
            for (int run = 0; run < 2; run++) {
                Model net = network();
                Adam adam = new Adam(ejml, net.parameterValues(), 0.01, 0);
                TrainingConfig config = new TrainingConfig(4, 32, 7, 0, LearningRateSchedule.constant());
                Trainer.Builder trainer = Trainer.builder(net).optimizer(adam).config(config);
                TrainingHistory history = run == 0 ? trainer.build().fit(train, test)
                        : trainer.updater((examples, context) -> new AveragingUpdater(spark, train, 3, net, adam, "ejml",
                                7, 32, 4)).build().fit(train, test);
                assertEquals(4, history.epochsDone());
                accuracy[run] = history.last().validation().accuracy();
            }
            assertTrue(accuracy[0] > 0.9, "one machine: " + accuracy[0]);
            assertTrue(accuracy[1] > accuracy[0] - 0.05, "averaged " + accuracy[1] + ", one machine " + accuracy[0]);
        } finally {
            spark.stop();
        }
    }

    @Test
    void batchnormOnOnePartitionGivesTheWeightsAndRunningStatisticsOfOneMachine() {
        spec = WITH_BATCHNORM;
        List<double[]> oneMachine = train((net, adam) -> null);
        JavaSparkContext spark = spark("local[1]");
        try {
            List<double[]> distributed = train((net, adam) -> new SparkUpdater(spark, data(150, 1), 1, net, adam, "ejml",
                    CONFIG.seed()));
            assertSameWeights(oneMachine, distributed);
        } finally {
            spark.stop();
        }
    }

    @Test
    void aTaskLostInAStepIsRetriedWithoutChangingTheResult() {
        List<double[]> oneMachine = train((net, adam) -> null);
        JavaSparkContext spark = spark("local[2,4]");
        try {
            FailingOnceBackendProvider.GEMMS.set(0);
            FailingOnceBackendProvider.FAILURES.set(0);
            List<double[]> distributed = train((net, adam) -> new SparkUpdater(spark, data(150, 1), 2, net, adam,
                    FailingOnceBackendProvider.NAME, CONFIG.seed()));
            assertEquals(1, FailingOnceBackendProvider.FAILURES.get(), "one task failed and was retried");
            assertSameWeights(oneMachine, distributed);
        } finally {
            spark.stop();
        }
    }

    @Test
    void aKilledDriverResumesFromItsLastCheckpoint(@TempDir Path dir) throws Exception {
        assertAKilledDriverResumes(() -> spark("local[2]"), dir);
    }

    /**
     * Trains while the driver "dies" after its first epoch's checkpoint (its Spark context stopped with
     * it), then resumes in a new context from the checkpoint: the weights are those of an uninterrupted
     * run.
     */
    private void assertAKilledDriverResumes(java.util.function.Supplier<JavaSparkContext> contexts, Path dir)
            throws Exception {
        Dataset train = data(150, 1);
        Dataset test = data(60, 2);
        List<double[]> uninterrupted = train((net, adam) -> null);
        Model net = network();
        Adam adam = new Adam(ejml, net.parameterValues(), 0.01, 0);
        Path checkpoint = dir.resolve("checkpoint.safetensors");
        TrainingListener saveThenDie = new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
                try {
                    ModelFile.save(checkpoint, net, train.classNames(), null, Map.of("m", adam.stateMatrices("m"), "v",
                            adam.stateMatrices("v")), Checkpoints.describe(adam, 0.01, CONFIG, history, Map.of()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new IllegalStateException("the driver is killed");
            }
        };
        JavaSparkContext first = contexts.get();
        try {
            assertThrows(IllegalStateException.class, () -> Trainer.builder(net).loss(new SoftmaxCrossEntropy(ejml))
                    .optimizer(adam).config(CONFIG).listener(saveThenDie)
                    .updater((examples, run) -> new SparkUpdater(first, train, 0, net, adam, "ejml", CONFIG.seed()))
                    .build().fit(train, test));
        } finally {
            first.stop();
        }

        ModelFile.Loaded loaded = ModelFile.load(checkpoint, ejml);
        String file = checkpoint.toString();
        Optimizer restored = Checkpoints.restoreOptimizer(file, loaded.training(), ejml,
                loaded.model().parameterValues(), loaded.optimizerState());
        JavaSparkContext second = contexts.get();
        try {
            TrainingHistory resumed = Trainer.builder(loaded.model()).loss(loaded.loss()).optimizer(restored)
                    .config(Checkpoints.restoreConfig(file, loaded.training(), 0))
                    .history(Checkpoints.restoreHistory(file, loaded.training()))
                    .updater((examples, run) -> new SparkUpdater(second, train, 0, loaded.model(), restored, "ejml",
                            CONFIG.seed()))
                    .build().fit(train, test);
            assertEquals(2, resumed.epochsDone());
        } finally {
            second.stop();
        }
        List<double[]> weights = new ArrayList<>();
        loaded.model().parameterValues().forEach(p -> weights.add(ejml.toArray(p)));
        assertSameWeights(uninterrupted, weights);
    }

    /** Counts the tasks of {@code spark} that failed (and were then retried, or the job would have failed). */
    private static java.util.concurrent.atomic.AtomicInteger failedTasks(JavaSparkContext spark) {
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        spark.sc().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
                if (!(end.reason() instanceof org.apache.spark.Success$)) {
                    failed.incrementAndGet();
                }
            }
        });
        return failed;
    }

    /**
     * A real standalone cluster: a Master and two 1-core Workers, each a JVM of its own started from the
     * Spark jars of this class path, whose executors get this class path too; float64 weights equal
     * one machine's, also when a task fails once and is retried, when an executor is killed mid-epoch,
     * and when the driver dies and a new one resumes from its checkpoint.
     */
    @Test
    void aStandaloneClusterOfTwoWorkersGivesTheWeightsOfOneMachineThroughFailures(@TempDir Path dir) throws Exception {
        List<double[]> oneMachine = train((net, adam) -> null);
        String classPath = System.getProperty("java.class.path");
        Path jars = java.nio.file.Files.createDirectories(dir.resolve("home").resolve("jars"));
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && java.nio.file.Files.isRegularFile(jar)
                    && !java.nio.file.Files.exists(jars.resolve(jar.getFileName()))) {
                java.nio.file.Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> cluster = new ArrayList<>();
        JavaSparkContext spark = null;
        try {
            cluster.add(start(dir, "master", java, jars, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--webui-port", "0"));
            awaitLog(dir.resolve("master.log"), "I have been elected leader", 1);
            for (int i = 1; i <= 2; i++) {
                cluster.add(start(dir, "worker-" + i, java, jars, "org.apache.spark.deploy.worker.Worker",
                        "spark://127.0.0.1:" + port, "--host", "127.0.0.1", "--cores", "1", "--memory", "512m",
                        "--webui-port", "0", "--work-dir", dir.resolve("work-" + i).toString()));
            }
            awaitLog(dir.resolve("master.log"), "Registering worker", 2);
            String master = "spark://127.0.0.1:" + port;
            java.util.function.Supplier<JavaSparkContext> contexts = () -> new JavaSparkContext(new SparkConf()
                    .setMaster(master).setAppName("nn4j-test").set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.executor.memory", "512m").set("spark.executor.extraClassPath", classPath));
            spark = contexts.get();
            JavaSparkContext context = spark;
            ExecutorBackends.require(context, "ejml");
            List<double[]> distributed = train((net, adam) -> new SparkUpdater(context, data(150, 1), 2, net, adam,
                    "ejml", CONFIG.seed()));
            assertSameWeights(oneMachine, distributed);

            // A task's first attempt fails in the middle of its step (each executor JVM fails one): Spark
            // runs it again and the weights stay one machine's.
            java.util.concurrent.atomic.AtomicInteger failed = failedTasks(context);
            List<double[]> retried = train((net, adam) -> new SparkUpdater(context, data(150, 1), 2, net, adam,
                    FailingOnceBackendProvider.NAME, CONFIG.seed()));
            assertTrue(failed.get() >= 1, "a task failed and was retried");
            assertSameWeights(oneMachine, retried);

            // Again, with the first Worker's executor killed in the middle of the first epoch: its tasks
            // run again elsewhere, its cached block is made again, and the weights stay one machine's.
            Process worker = cluster.get(1);
            int[] killed = {0};
            List<double[]> afterKill = train((net, adam) -> {
                SparkUpdater inner = new SparkUpdater(context, data(150, 1), 2, net, adam, "ejml", CONFIG.seed());
                return (epoch, order, from, count) -> {
                    if (epoch == 0 && from == 2 * count) {
                        worker.descendants().forEach(executor -> {
                            executor.destroyForcibly();
                            killed[0]++;
                        });
                    }
                    return inner.update(epoch, order, from, count);
                };
            });
            assertTrue(killed[0] > 0, "an executor was killed");
            assertSameWeights(oneMachine, afterKill);
            spark.stop();
            spark = null;

            // The driver dies after its first epoch; a new one (a new application) resumes from the checkpoint.
            assertAKilledDriverResumes(contexts, dir);
        } finally {
            if (spark != null) {
                spark.stop();
            }
            cluster.forEach(Process::destroy);
        }
    }

    private static Process start(Path dir, String name, String java, Path jars, String mainClass, String... args)
            throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", jars + "/*", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_HOME", jars.getParent().toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        return builder.start();
    }

    private static void awaitLog(Path log, String line, int times) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(log)
                    && java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains(line)).count() >= times) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("'" + line + "' did not appear " + times + " times in " + log + ":\n"
                + (java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "(no log)"));
    }

    @Test
    void aBackendThatExecutorsLackFailsAtTheStartWithTheirReason() {
        JavaSparkContext spark = spark("local[2]");
        try {
            SettingException error = assertThrows(SettingException.class,
                    () -> ExecutorBackends.require(spark, "nd4j-cuda"));
            assertTrue(error.getMessage().startsWith("backend 'nd4j-cuda' is unavailable on "), error.getMessage());
            assertTrue(error.getMessage().contains("no backend named 'nd4j-cuda' on the class path"),
                    error.getMessage());
            ExecutorBackends.require(spark, "ejml");
        } finally {
            spark.stop();
        }
    }
}
