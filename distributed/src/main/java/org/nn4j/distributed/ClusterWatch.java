package org.nn4j.distributed;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.status.api.v1.ExecutorSummary;
import org.nn4j.api.SettingException;
import org.nn4j.io.InvalidInputException;
import org.nn4j.train.ClusterFailureException;

/**
 * Watches a cluster application's executors while it runs jobs: a job that waits with no executor to
 * run it (a master that gives the application none, at the start, or a cluster that lost every one,
 * and its master too perhaps) waits for {@value #EXECUTOR_TIMEOUT} at most, with a line of progress
 * every {@value #PROGRESS_MS} ms (half the timeout, if less), and then ends in one line saying why (at
 * once, when an executor is larger than any worker of a standalone master); and an application that
 * Spark stopped (a standalone master removes one whose executors keep failing) ends in one line too,
 * rather than in "SparkContext has been shutdown". Spark itself waits for executors for ever, silently.
 */
final class ClusterWatch implements AutoCloseable {
    /** How long a job may wait with no executor to run it: a Spark time such as 60s or 5min. */
    static final String EXECUTOR_TIMEOUT = "spark.nn4j.executorTimeout";
    static final String DEFAULT_EXECUTOR_TIMEOUT = "60s";
    static final long PROGRESS_MS = 10_000;
    private static final long POLL_MS = 250;
    /** How long a job waits for a first executor before the master's workers are asked whether one fits. */
    private static final long FIRST_CHECK_MS = 2000;

    /** The watch of this JVM's application: Spark runs one active context a JVM. */
    private static volatile ClusterWatch current;

    private final JavaSparkContext spark;
    private final String source;
    private final List<SparkChecks.HostPort> standalone;
    private final StandaloneState.Ask ask;
    private final long timeoutMs;
    private final Consumer<String> progress;
    private final int taskCpus;
    private final long progressMs;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean hadExecutor;
    private volatile String lost;

    /**
     * Starts watching {@code spark}'s executors.
     *
     * @param source where the master URL came from, for messages
     * @param standalone the standalone masters, if the master is one
     * @param given the --spark-conf settings, for messages
     * @param progress where a line of progress goes
     */
    ClusterWatch(JavaSparkContext spark, String source, List<SparkChecks.HostPort> standalone,
            Map<String, String> given, long timeoutMs, Consumer<String> progress) {
        this.spark = spark;
        this.source = source;
        this.standalone = standalone;
        this.ask = StandaloneState.Ask.of(spark.getConf(), given);
        this.timeoutMs = timeoutMs;
        this.progress = progress;
        this.taskCpus = spark.getConf().getInt("spark.task.cpus", 1);
        this.progressMs = Math.max(1000, Math.min(PROGRESS_MS, timeoutMs / 2));
        this.thread = new Thread(this::watch, "nn4j-spark-executors");
        this.thread.setDaemon(true);
        current = this;
        this.thread.start();
    }

    private void watch() {
        long waitingSince = -1;
        long told = 0;
        boolean checked = false;
        while (!closed && lost == null) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return; // closed
            }
            try {
                if (spark.sc().isStopped()) {
                    return;
                }
                int slots = slots();
                if (slots > 0) {
                    hadExecutor = true;
                }
                if (slots > 0 || spark.statusTracker().getActiveJobIds().length == 0) {
                    waitingSince = -1;
                    continue;
                }
                // A job waits, and no executor can run it.
                long now = System.nanoTime();
                if (waitingSince < 0) {
                    waitingSince = now;
                    told = 0;
                }
                long waited = (now - waitingSince) / 1_000_000;
                if (!hadExecutor && !checked && !standalone.isEmpty() && waited >= FIRST_CHECK_MS) {
                    // An executor larger than any worker of a standalone master never starts: told at once.
                    checked = true;
                    String impossible = impossible();
                    if (impossible != null) {
                        giveUp(source + ": no executor can start: " + impossible);
                        return;
                    }
                }
                if (waited >= timeoutMs) {
                    giveUp(hadExecutor ? "the cluster was lost: no executor for " + SparkChecks.duration(timeoutMs)
                            + " (" + EXECUTOR_TIMEOUT + "); " + lastLost() + "; " + state()
                            : source + ": no executor started within " + SparkChecks.duration(timeoutMs) + " ("
                                    + EXECUTOR_TIMEOUT + "): " + state());
                    return;
                }
                if (waited / progressMs > told) {
                    told = waited / progressMs;
                    progress.accept("cluster: " + (hadExecutor ? "every executor was lost (" + lastLost()
                            + "); waiting for another" : "waiting for an executor") + ", " + waited / 1000
                            + " s so far (gives up after " + SparkChecks.duration(timeoutMs) + ", " + EXECUTOR_TIMEOUT
                            + ")");
                }
            } catch (RuntimeException e) {
                // Spark's state in flux (a context stopping): looked at again in a moment.
            }
        }
    }

    /** Ends the jobs that wait, and with them the run, in the one line {@code why}. */
    private void giveUp(String why) {
        lost = why;
        spark.sc().cancelAllJobs();
    }

    /** The tasks the application's executors can run at once. */
    private int slots() {
        int slots = 0;
        for (ExecutorSummary executor : executors(true)) {
            if (!executor.id().equals("driver")) {
                slots += executor.totalCores() / taskCpus;
            }
        }
        return slots;
    }

    private List<ExecutorSummary> executors(boolean activeOnly) {
        return scala.jdk.javaapi.CollectionConverters.asJava(spark.sc().statusStore().executorList(activeOnly));
    }

    /** The executor lost last, and why, in words. */
    private String lastLost() {
        return executors(false).stream().filter(e -> !e.isActive() && e.removeTime().isDefined())
                .max(Comparator.comparing(e -> e.removeTime().get()))
                .map(e -> "the last, executor " + e.id() + " on " + e.hostPort().replaceFirst(":\\d+$", "")
                        + ", was lost: " + (e.removeReason().isDefined() ? oneLine(e.removeReason().get()) : "no reason given"))
                .orElse("no executor is left");
    }

    /** What the cluster says of itself: a standalone master's workers, or what the executor asks for. */
    private String state() {
        if (standalone.isEmpty()) {
            return ask.describe() + ", and the cluster manager gives this application none (has it that much free?)";
        }
        List<String> gone = new java.util.ArrayList<>();
        for (SparkChecks.HostPort master : standalone) {
            String problem = SparkChecks.probe(master, Math.min(timeoutMs, 5000));
            if (problem == null) {
                return why(master, workers(master));
            }
            gone.add(problem);
        }
        return "the master is gone: " + String.join("; ", gone);
    }

    private List<StandaloneState.Worker> workers(SparkChecks.HostPort master) {
        return StandaloneState.workers(spark.sc(), master, spark.sc().applicationId(), Math.min(timeoutMs, 5000));
    }

    private String why(SparkChecks.HostPort master, List<StandaloneState.Worker> workers) {
        return StandaloneState.whyNoExecutor(workers, ask, master, spark.sc().applicationId(),
                spark.getConf().get("spark.driver.host", "?"));
    }

    /** Why no executor can start on the first standalone master that answers, if that is so; else null. */
    private String impossible() {
        for (SparkChecks.HostPort master : standalone) {
            if (SparkChecks.probe(master, Math.min(timeoutMs, 5000)) == null) {
                List<StandaloneState.Worker> workers = workers(master);
                return StandaloneState.tooLarge(workers, ask) ? why(master, workers) : null;
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * {@code e}, a job's failure, as the cluster's loss when the watch gave up waiting for executors or
     * Spark stopped the application; else null.
     */
    static RuntimeException lost(Throwable e) {
        ClusterWatch watch = current;
        if (watch == null) {
            return null;
        }
        String lost = watch.lost;
        if (lost != null) {
            return watch.hadExecutor ? new ClusterFailureException(lost, e) : new SettingException(lost, e);
        }
        String reason = e.getMessage() == null ? "" : oneLine(e.getMessage().strip().lines().findFirst().orElse(""))
                .replaceFirst("^Job aborted due to stage failure: ", "");
        // A standalone master that removes the application fails its jobs with this, then Spark stops.
        if (!watch.closed && (watch.spark.sc().isStopped() || reason.startsWith("Master removed our application"))) {
            boolean says = !reason.isEmpty() && !reason.contains("SparkContext has been shutdown")
                    && !reason.contains("stopped SparkContext") && !reason.contains("SparkContext was shut down");
            return new ClusterFailureException("the cluster was lost: Spark stopped this application"
                    + (says ? " (" + reason + ")" : "") + (watch.standalone.isEmpty() ? ""
                            : "; a standalone master removes an application whose executors fail one after another"
                                    + " (their workers' logs and work directories tell why), or one killed from its"
                                    + " web UI"), e);
        }
        return null;
    }

    /**
     * {@code e}, thrown by Spark code outside a job (a broadcast on a stopped context), as {@link
     * #lost(Throwable)} tells it, or as it is.
     */
    static RuntimeException translate(RuntimeException e) {
        if (e instanceof InvalidInputException || e instanceof SettingException || e instanceof ClusterFailureException) {
            return e;
        }
        RuntimeException lost = lost(e);
        return lost != null ? lost : e;
    }

    @Override
    public void close() {
        closed = true;
        if (current == this) {
            current = null;
        }
        thread.interrupt();
    }
}
