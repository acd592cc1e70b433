package org.nn4j.distributed;

import java.util.Locale;

/**
 * Where the time of a training run's Spark jobs goes, for the figures nn train prints after a run on a
 * cluster: the driver's preparing and broadcasting of the state, Spark's work around the partitions'
 * computing (launching tasks, shipping results, adding them up), the slowest partition's computing,
 * and the driver's applying of the result; and the bytes each job moves. The first epoch's jobs, in
 * which the JIT compiler is still at work, count only when no later epoch ran.
 */
final class JobCosts {
    private final String unit;
    private int firstEpoch = Integer.MIN_VALUE;
    private boolean warm;
    private long jobs;
    private long prepareNanos;
    private long sparkNanos;
    private long computeNanos;
    private long applyNanos;
    private long bytesOut;
    private long bytesBack;

    /** @param unit what a job is called in the figures ("step", "round") */
    JobCosts(String unit) {
        this.unit = unit;
    }

    /**
     * Adds a job of epoch {@code epoch}: {@code prepare} ns before it was launched, {@code job} ns from
     * launch to result, of which the slowest partition computed {@code compute} ns, then {@code apply}
     * ns; {@code out} bytes broadcast, {@code back} bytes of results.
     */
    synchronized void add(int epoch, long prepare, long job, long compute, long apply, long out, long back) {
        if (firstEpoch == Integer.MIN_VALUE) {
            firstEpoch = epoch;
        } else if (!warm && epoch != firstEpoch) {
            warm = true;
            jobs = prepareNanos = sparkNanos = computeNanos = applyNanos = bytesOut = bytesBack = 0;
        }
        jobs++;
        prepareNanos += prepare;
        sparkNanos += Math.max(0, job - compute);
        computeNanos += compute;
        applyNanos += apply;
        bytesOut += out;
        bytesBack += back;
    }

    /** One line of means per job, or "" before the first job. */
    synchronized String describe() {
        if (jobs == 0) {
            return "";
        }
        double n = jobs;
        return String.format(Locale.ROOT, "per %s (mean of %d%s): %.1f ms computing in the slowest partition, "
                + "%.1f ms of Spark around it (launch, results, sum), %.1f ms preparing and broadcasting the state, "
                + "%.1f ms applying the result; %.2f MB broadcast, %.2f MB of results", unit, jobs,
                warm ? ", after the first epoch" : "", computeNanos / n / 1e6, sparkNanos / n / 1e6,
                prepareNanos / n / 1e6, applyNanos / n / 1e6, bytesOut / n / 1e6, bytesBack / n / 1e6);
    }
}
