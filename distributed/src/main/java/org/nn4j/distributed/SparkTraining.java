package org.nn4j.distributed;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.DistributedTraining;
import org.nn4j.train.Optimizer;

/** Training on Apache Spark, as {@code nn train --spark MASTER} uses it. */
public final class SparkTraining implements DistributedTraining {

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
