package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What nn train --spark sets up for Spark, and how it tells a cluster's failure. */
class SparkTrainingTest {

    @Test
    void settingsWinAndExecutorsGetTheDriversCpuSettings() {
        SparkConf conf = SparkTraining.configure("local[2]", Map.of("spark.app.name", "mine", "spark.executor.memory",
                "3g"), Map.of("OPENBLAS_CORETYPE", "Haswell", "HOME", "/root"));
        assertEquals("mine", conf.get("spark.app.name"));
        assertEquals("3g", conf.get("spark.executor.memory"));
        assertEquals("Haswell", conf.get("spark.executorEnv.OPENBLAS_CORETYPE"));
        assertFalse(conf.contains("spark.executorEnv.HOME"));
        assertFalse(conf.contains("spark.jars"), "local masters share the driver's class path");
        assertEquals("1g", conf.get("spark.task.maxDirectResultSize"), "results of model size go straight to the driver");
        assertEquals("4m", SparkTraining.configure("local[2]", Map.of("spark.task.maxDirectResultSize", "4m"), Map.of())
                .get("spark.task.maxDirectResultSize"));
        assertEquals("false", conf.get("spark.broadcast.compress"), "a round's state is not worth compressing");
        assertEquals("false", conf.get("spark.ui.enabled"), "one machine needs no web UI");
        assertEquals("true", SparkTraining.configure("local[2]", Map.of("spark.ui.enabled", "true"), Map.of())
                .get("spark.ui.enabled"));
    }

    @Test
    void jobCostsLeaveOutTheFirstEpochOnceALaterOneRan() {
        JobCosts costs = new JobCosts("round");
        assertEquals("", costs.describe());
        costs.add(1, 9_000_000, 90_000_000, 10_000_000, 9_000_000, 999, 999);
        assertTrue(costs.describe().startsWith("per round (mean of 1): 10.0 ms computing"), costs.describe());
        // Epoch 2: jobs of 30 ms of which 20 ms computing, 4 and 6 ms before launch, 1 ms applying.
        costs.add(2, 4_000_000, 30_000_000, 20_000_000, 1_000_000, 2_000_000, 4_000_000);
        costs.add(2, 6_000_000, 30_000_000, 20_000_000, 1_000_000, 2_000_000, 4_000_000);
        assertEquals("per round (mean of 2, after the first epoch): 20.0 ms computing in the slowest partition, 10.0 ms"
                + " of Spark around it (launch, results, sum), 5.0 ms preparing and broadcasting the state, 1.0 ms"
                + " applying the result; 2.00 MB broadcast, 4.00 MB of results", costs.describe());
    }

    @Test
    void aClusterMasterGetsTheApplicationsJarsUnlessGiven() {
        SparkConf conf = SparkTraining.configure("spark://127.0.0.1:7077", Map.of(), Map.of());
        assertTrue(conf.get("spark.jars").contains("ejml"), conf.get("spark.jars"));
        assertFalse(conf.get("spark.jars").contains("spark-core_"), "Spark's own jars stay with the executors");
        assertFalse(conf.contains("spark.ui.enabled"), "a cluster keeps Spark's web UI");
        assertEquals("a.jar", SparkTraining.configure("spark://127.0.0.1:7077", Map.of("spark.jars", "a.jar"), Map.of())
                .get("spark.jars"));
    }

    @Test
    void aFailedJobIsOneLineWithTheExecutorsHostAndCause() {
        String spark = "Job aborted due to stage failure: Task 0 in stage 6.0 failed 4 times, most recent failure: Lost"
                + " task 0.3 in stage 6.0 (TID 17) (10.0.0.7 executor 3): java.lang.OutOfMemoryError: Java heap space\n"
                + "\tat org.nn4j.distributed.Worker.gradients(Worker.java:77)\nDriver stacktrace:";
        assertEquals("the cluster failed: task 0 failed 4 times, last on 10.0.0.7 (executor 3):"
                + " java.lang.OutOfMemoryError: Java heap space", SparkTraining.describeFailure(spark));
        assertEquals("the cluster failed: Master removed our application: FAILED",
                SparkTraining.describeFailure("Master removed our application: FAILED"));
    }
}
