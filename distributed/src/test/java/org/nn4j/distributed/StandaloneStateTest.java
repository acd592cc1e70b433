package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Why a standalone master gives an application no executor, in words, from what its workers tell. */
class StandaloneStateTest {
    private static final SparkChecks.HostPort MASTER = new SparkChecks.HostPort("m", 7077);
    private static final String APP = "app-1-0001";

    private static StandaloneState.Worker worker(String host, int cores, int memory, int coresUsed, int memoryUsed,
            List<String> others, int own) {
        return new StandaloneState.Worker(host, cores, memory, true, coresUsed, memoryUsed, others, own);
    }

    private static String why(List<StandaloneState.Worker> workers, StandaloneState.Ask ask) {
        return StandaloneState.whyNoExecutor(workers, ask, MASTER, APP, "10.0.0.1");
    }

    @Test
    void whatAnExecutorAsksForAndWhereEachFigureComesFrom() {
        assertEquals("an executor asks for 1024 MiB (spark.executor.memory, 1g unless set) and at least 1 core",
                StandaloneState.Ask.of(new SparkConf(false), Map.of()).describe());
        Map<String, String> given = Map.of("spark.executor.memory", "64g", "spark.executor.cores", "4");
        SparkConf conf = new SparkConf(false).setAll(scala.jdk.javaapi.CollectionConverters.asScala(given));
        assertEquals("an executor asks for 65536 MiB (--spark-conf spark.executor.memory=64g) and 4 cores (--spark-conf"
                + " spark.executor.cores=4)", StandaloneState.Ask.of(conf, given).describe());
        assertEquals("an executor asks for 1024 MiB (spark.executor.memory, 1g unless set) and 2 cores"
                + " (spark.task.cpus=2)", StandaloneState.Ask.of(new SparkConf(false).set("spark.task.cpus", "2"),
                        Map.of()).describe());
    }

    @Test
    void anExecutorLargerThanAnyWorker() {
        StandaloneState.Ask ask = new StandaloneState.Ask(1, "at least", 65536, "--spark-conf spark.executor.memory=64g");
        assertEquals("an executor asks for 65536 MiB (--spark-conf spark.executor.memory=64g) and at least 1 core, more"
                + " than any worker has: a has 2 of 2 cores and 4096 of 4096 MiB free, b has 1 of 1 core and 1024 of"
                + " 1024 MiB free; ask for less", why(List.of(worker("a", 2, 4096, 0, 0, List.of(), 0),
                        worker("b", 1, 1024, 0, 0, List.of(), 0)), ask));
    }

    @Test
    void workersThatOtherApplicationsHold() {
        StandaloneState.Ask ask = new StandaloneState.Ask(1, "at least", 1024, "spark.executor.memory, 1g unless set");
        assertEquals("an executor asks for 1024 MiB (spark.executor.memory, 1g unless set) and at least 1 core, and no"
                + " worker has that free: a has 0 of 2 cores and 2048 of 4096 MiB free; other applications hold the"
                + " rest: 'etl' app-0-0007; wait for them to end, or ask for less", why(List.of(worker("a", 2, 4096,
                        2, 2048, List.of("'etl' app-0-0007"), 0)), ask));
    }

    @Test
    void roomYetNoExecutorOrOneStartedThatNeverCame() {
        StandaloneState.Ask ask = new StandaloneState.Ask(1, "at least", 1024, "spark.executor.memory, 1g unless set");
        String unreached = "one that ends as it starts leaves why in its worker's work directory (app-1-0001/N/stderr),"
                + " one that runs must reach the driver at spark.driver.host=10.0.0.1, and one slow to start needs a"
                + " longer spark.nn4j.executorTimeout";
        assertEquals("an executor asks for 1024 MiB (spark.executor.memory, 1g unless set) and at least 1 core; a has"
                + " 2 of 2 cores and 4096 of 4096 MiB free, yet no executor reached this driver: " + unreached,
                why(List.of(worker("a", 2, 4096, 0, 0, List.of(), 0)), ask));
        assertEquals("the master started 2 executors of this application (on a, b), and none reached this driver: "
                + unreached, why(List.of(worker("a", 1, 1024, 1, 1024, List.of(), 1), worker("b", 1, 1024, 1, 1024,
                        List.of(), 1)), ask));
    }

    @Test
    void aMasterWithoutWorkersOrWhoseWorkersAreGone() {
        StandaloneState.Ask ask = new StandaloneState.Ask(1, "at least", 1024, "spark.executor.memory, 1g unless set");
        assertEquals("the master at m:7077 has no workers; start some (Spark's sbin/start-worker.sh spark://m:7077)",
                why(List.of(), ask));
        assertEquals("the master's one worker, on a, does not answer", why(List.of(new StandaloneState.Worker("a", 1,
                1024, false, 0, 0, List.of(), 0)), ask));
        assertEquals("none of the master's 2 workers answers (on a, b)", why(List.of(new StandaloneState.Worker("a", 1,
                1024, false, 0, 0, List.of(), 0), new StandaloneState.Worker("b", 1, 1024, false, 0, 0, List.of(), 0)),
                ask));
        assertEquals("the master at m:7077 does not tell its workers' state (or is gone)", why(null, ask));
    }
}
