package org.nn4j.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.deploy.DeployMessages;
import org.apache.spark.deploy.master.WorkerInfo;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcTimeout;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag$;

/**
 * What a standalone master's workers have free, and what an executor of this application asks for:
 * the cause, in words, of an application that gets no executor. The master tells its workers (by the
 * RPC its web UI uses); each worker's web UI tells what it has in use and for which applications.
 */
final class StandaloneState {

    /**
     * One worker as the master lists it, and as its web UI tells its use.
     *
     * @param host where it runs: its host and port
     * @param cores its cores in all
     * @param memoryMb its memory in all, MiB
     * @param answered whether its web UI answered; when not, the uses below are unknown (0)
     * @param coresUsed its cores in use by executors
     * @param memoryUsedMb its memory in use by executors, MiB
     * @param others the other applications with executors on it, as "'NAME' ID"
     * @param own the executors of this application it runs (started, perhaps not yet registered)
     */
    record Worker(String host, int cores, int memoryMb, boolean answered, int coresUsed, int memoryUsedMb,
            List<String> others, int own) {
        int coresFree() {
            return cores - coresUsed;
        }

        int memoryFreeMb() {
            return memoryMb - memoryUsedMb;
        }

        String free() {
            return host + " has " + coresFree() + " of " + cores + " core" + (cores == 1 ? "" : "s") + " and "
                    + memoryFreeMb() + " of " + memoryMb + " MiB free";
        }
    }

    /** What one executor of this application asks for, and where each figure comes from. */
    record Ask(int cores, String coresFrom, int memoryMb, String memoryFrom) {

        /** From the application's settings ({@code given}: those of --spark-conf, for messages). */
        static Ask of(SparkConf conf, Map<String, String> given) {
            int taskCpus = conf.getInt("spark.task.cpus", 1);
            String cores;
            int coreCount;
            if (conf.contains("spark.executor.cores")) {
                coreCount = Math.max(conf.getInt("spark.executor.cores", 1), taskCpus);
                cores = setting(conf, given, "spark.executor.cores");
            } else {
                // A standalone master gives an executor every free core of a worker, and one is enough to
                // start it; a task needs spark.task.cpus of them.
                coreCount = taskCpus;
                cores = taskCpus > 1 ? setting(conf, given, "spark.task.cpus") : "at least";
            }
            long memory = conf.getSizeAsMb("spark.executor.memory", "1g");
            String memoryFrom = conf.contains("spark.executor.memory") ? setting(conf, given, "spark.executor.memory")
                    : "spark.executor.memory, 1g unless set";
            return new Ask(coreCount, cores, (int) Math.min(Integer.MAX_VALUE, memory), memoryFrom);
        }

        private static String setting(SparkConf conf, Map<String, String> given, String key) {
            return (given.containsKey(key) ? "--spark-conf " : "") + key + "=" + conf.get(key);
        }

        String describe() {
            String coreWords = cores + " core" + (cores == 1 ? "" : "s");
            return "an executor asks for " + memoryMb + " MiB (" + memoryFrom + ") and "
                    + (coresFrom.equals("at least") ? "at least " + coreWords : coreWords + " (" + coresFrom + ")");
        }
    }

    private StandaloneState() {
    }

    /**
     * The workers of the master at {@code master}, each with what its web UI tells of its use, within
     * about {@code timeoutMs}; null when the master does not tell them in that time.
     */
    static List<Worker> workers(SparkContext spark, SparkChecks.HostPort master, String applicationId,
            long timeoutMs) {
        CompletableFuture<List<Worker>> asked = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                asked.complete(ask(spark, master, applicationId, timeoutMs));
            } catch (Throwable e) {
                asked.complete(null);
            }
        }, "nn4j-spark-master-state");
        thread.setDaemon(true);
        thread.start();
        try {
            // The master's answer, then each worker's web UI in turn.
            return asked.get(3 * timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            thread.interrupt();
            return null;
        }
    }

    private static List<Worker> ask(SparkContext spark, SparkChecks.HostPort master, String applicationId,
            long timeoutMs) throws Exception {
        RpcEndpointRef endpoint = spark.env().rpcEnv().setupEndpointRef(new RpcAddress(master.host(), master.port()),
                "Master");
        DeployMessages.MasterStateResponse state = endpoint.askSync(DeployMessages.RequestMasterState$.MODULE$,
                new RpcTimeout(FiniteDuration.apply(timeoutMs, TimeUnit.MILLISECONDS), ClusterWatch.EXECUTOR_TIMEOUT),
                ClassTag$.MODULE$.apply(DeployMessages.MasterStateResponse.class));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(Math.min(timeoutMs, 2000))).build();
        ObjectMapper json = new ObjectMapper();
        List<Worker> workers = new ArrayList<>();
        for (WorkerInfo info : state.workers()) {
            JsonNode use = null;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(info.webUiAddress()
                        + "/json/")).timeout(Duration.ofMillis(Math.min(timeoutMs, 2000))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    use = json.readTree(response.body());
                }
            } catch (java.io.IOException | IllegalArgumentException e) {
                // A worker that is gone (the master keeps a dead one listed a while), or whose UI is off.
            }
            if (use == null) {
                workers.add(new Worker(info.hostPort(), info.cores(), info.memory(), false, 0, 0, List.of(), 0));
                continue;
            }
            Set<String> others = new LinkedHashSet<>();
            int own = 0;
            for (JsonNode executor : use.path("executors")) {
                String app = executor.path("appid").asText();
                if (app.equals(applicationId)) {
                    own++;
                } else {
                    others.add("'" + executor.path("appdesc").path("name").asText("?") + "' " + app);
                }
            }
            workers.add(new Worker(info.hostPort(), use.path("cores").asInt(info.cores()), use.path("memory")
                    .asInt(info.memory()), true, use.path("coresused").asInt(0), use.path("memoryused").asInt(0),
                    List.copyOf(others), own));
        }
        return workers;
    }

    /** Whether an executor asks for more than any of {@code workers} that answered has in all (and one did). */
    static boolean tooLarge(List<Worker> workers, Ask ask) {
        List<Worker> answered = workers == null ? List.of() : workers.stream().filter(Worker::answered).toList();
        return !answered.isEmpty() && answered.stream().allMatch(w -> w.own() == 0)
                && answered.stream().noneMatch(w -> w.cores() >= ask.cores() && w.memoryMb() >= ask.memoryMb());
    }

    /**
     * Why no executor of this application runs, from {@code workers} (null: the master did not tell
     * them) and what an executor asks for.
     *
     * @param master the master, for messages
     * @param applicationId this application's ID, where the workers keep its executors' logs
     * @param driverHost the address executors connect to the driver at
     */
    static String whyNoExecutor(List<Worker> workers, Ask ask, SparkChecks.HostPort master, String applicationId,
            String driverHost) {
        if (workers == null) {
            return "the master at " + master + " does not tell its workers' state (or is gone)";
        }
        if (workers.isEmpty()) {
            return "the master at " + master + " has no workers; start some (Spark's sbin/start-worker.sh spark://"
                    + master + ")";
        }
        List<Worker> answered = workers.stream().filter(Worker::answered).toList();
        if (answered.isEmpty()) {
            String hosts = workers.stream().map(Worker::host).distinct().collect(Collectors.joining(", "));
            return workers.size() == 1 ? "the master's one worker, on " + hosts + ", does not answer"
                    : "none of the master's " + workers.size() + " workers answers (on " + hosts + ")";
        }
        String unreached = "one that ends as it starts leaves why in its worker's work directory (" + applicationId
                + "/N/stderr), one that runs must reach the driver at spark.driver.host=" + driverHost + ", and one"
                + " slow to start needs a longer " + ClusterWatch.EXECUTOR_TIMEOUT;
        List<Worker> running = answered.stream().filter(w -> w.own() > 0).toList();
        if (!running.isEmpty()) {
            int own = running.stream().mapToInt(Worker::own).sum();
            return "the master started " + own + " executor" + (own == 1 ? "" : "s") + " of this application (on "
                    + running.stream().map(Worker::host).distinct().collect(Collectors.joining(", "))
                    + "), and none reached this driver: " + unreached;
        }
        List<Worker> room = answered.stream().filter(w -> w.coresFree() >= ask.cores()
                && w.memoryFreeMb() >= ask.memoryMb()).toList();
        if (!room.isEmpty()) {
            return ask.describe() + "; " + room.stream().map(Worker::free).collect(Collectors.joining(", "))
                    + ", yet no executor reached this driver: " + unreached;
        }
        String free = answered.stream().map(Worker::free).collect(Collectors.joining(", "));
        if (tooLarge(workers, ask)) {
            return ask.describe() + ", more than any worker has: " + free + "; ask for less";
        }
        Set<String> others = new LinkedHashSet<>();
        answered.forEach(w -> others.addAll(w.others()));
        return ask.describe() + ", and no worker has that free: " + free + (others.isEmpty() ? ""
                : "; other applications hold the rest: " + String.join(", ", others)) + "; wait for them to end, or"
                + " ask for less";
    }
}
