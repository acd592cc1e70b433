package org.nn4j.distributed;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.train.BatchUpdater;
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

    @Override
    public Session open(String master, String backend, boolean verbose) {
        if (System.getProperty("log4j.configurationFile") == null) {
            // Spark logs at INFO by default; nn4j shows its own progress instead, unless asked.
            System.setProperty("log4j.configurationFile", verbose ? "nn4j-spark-log4j2-verbose.properties"
                    : "nn4j-spark-log4j2.properties");
        }
        SparkConf conf = new SparkConf().setAppName("nn4j").setIfMissing("spark.ui.showConsoleProgress", "false");
        if (master != null && !master.isBlank()) {
            conf.setMaster(master);
        }
        String effectiveMaster = conf.get("spark.master", "");
        if (!effectiveMaster.startsWith("local") && !conf.contains("spark.jars")) {
            // Executors elsewhere need nn4j and the chosen backend: the jars of this JVM's class path
            // that Spark's own executors lack.
            String jars = applicationJars();
            if (!jars.isEmpty()) {
                conf.set("spark.jars", jars);
            }
        }
        JavaSparkContext spark = new JavaSparkContext(conf);
        try {
            ExecutorBackends.require(spark, backend);
        } catch (RuntimeException e) {
            spark.stop();
            throw e;
        }
        return new Session() {
            @Override
            public BatchUpdater updater(Dataset train, Model model, Optimizer optimizer, long seed, int batchSize,
                    int averageEvery) {
                return averageEvery == 1 ? new SparkUpdater(spark, train, 0, model, optimizer, backend, seed)
                        : new AveragingUpdater(spark, train, 0, model, optimizer, backend, seed, batchSize,
                                averageEvery);
            }

            @Override
            public String describe() {
                return "Spark " + spark.version() + " at " + spark.master() + ", " + spark.defaultParallelism()
                        + " partitions";
            }

            @Override
            public void close() {
                spark.stop();
            }
        };
    }
}
