package org.nn4j.distributed;

import java.io.Serializable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.nn4j.api.Availability;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Backends;
import org.nn4j.api.SettingException;

/**
 * Asks the executors, before training starts, whether the chosen backend runs on them, so that a job
 * that asked for a GPU fails at once with the executor's reason rather than training somewhere else.
 */
public final class ExecutorBackends {

    private ExecutorBackends() {
    }

    /** What one executor said. */
    record Report(String host, boolean available, String reason) implements Serializable {
    }

    /**
     * @throws SettingException naming each executor where {@code backend} is unavailable, and why
     */
    public static void require(JavaSparkContext spark, String backend) {
        int tasks = Math.max(1, spark.defaultParallelism());
        List<Report> reports = spark.parallelize(IntStream.range(0, tasks).boxed().collect(Collectors.toList()), tasks)
                .map(i -> report(backend)).collect();
        List<String> failures = new ArrayList<>();
        for (Report r : reports) {
            if (!r.available()) {
                failures.add(r.host() + ": " + r.reason());
            }
        }
        if (!failures.isEmpty()) {
            throw new SettingException("backend '" + backend + "' is unavailable on "
                    + failures.stream().distinct().collect(Collectors.joining("; ")));
        }
    }

    private static Report report(String backend) throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        Backends.Found found = Backends.found();
        for (BackendProvider provider : found.providers()) {
            if (provider.name().equalsIgnoreCase(backend)) {
                Availability a = Backends.availability(provider);
                return new Report(host, a.available(), a.reason());
            }
        }
        StringBuilder broken = new StringBuilder();
        found.broken().forEach(b -> broken.append("; a provider that could not be made may be it: ")
                .append(b.message()));
        return new Report(host, false, "no backend named '" + backend + "' on the class path ("
                + Backends.summary(found.providers()) + ")" + broken);
    }
}
