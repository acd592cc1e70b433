package org.nn4j.distributed;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.nn4j.api.SettingException;
import org.nn4j.io.InvalidInputException;
import scala.Tuple2;

/**
 * What nn4j checks before a Spark context starts, so that a master URL or setting Spark cannot use,
 * and a master that is not there or does not answer, end a run in one line naming the URL or setting
 * and the cause, within seconds: Spark itself reports them with a stack trace, and an unanswered
 * standalone master only after a minute of retries.
 */
final class SparkChecks {
    /**
     * How long nn4j waits for a standalone master to register the application (Spark's own client
     * gives up after three tries of 20 s): a Spark time such as 10s or 1min.
     */
    static final String REGISTRATION_TIMEOUT = "spark.nn4j.registrationTimeout";
    static final String DEFAULT_REGISTRATION_TIMEOUT = "10s";

    // Spark's own master URL forms (SparkMasterRegex in SparkContext.scala).
    private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
    private static final Pattern LOCAL_N_FAILURES = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile(
            "local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");
    private static final String STANDALONE = "spark://";
    private static final String FORMS = "local, local[N], local[*], spark://HOST:PORT, yarn or k8s://HOST:PORT";

    /**
     * Integer settings whose smaller values Spark takes without a word, or refuses with a message that
     * does not name them (spark.task.cpus=0 ends in '/ by zero'), and the least each may be.
     */
    private static final Map<String, Integer> AT_LEAST = Map.of("spark.task.cpus", 1, "spark.executor.cores", 1,
            "spark.driver.cores", 1, "spark.cores.max", 1, "spark.default.parallelism", 1, "spark.task.maxFailures", 1,
            "spark.executor.instances", 0);

    /**
     * The least executor memory Spark takes, in bytes: UnifiedMemoryManager's floor, the 300 MiB it
     * reserves and half as much again.
     */
    private static final long EXECUTOR_MEMORY_LEAST = 450L << 20;

    /** The objects that hold Spark core's settings, each registering its own on first use. */
    private static final List<String> SETTING_HOLDERS = List.of("package$", "Network$", "UI$", "Deploy$", "Worker$",
            "History$", "Kryo$", "Python$", "R$", "Status$", "Tests$", "Streaming$");

    private SparkChecks() {
    }

    /** One standalone master's address. */
    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Where the master URL came from, for messages: {@code --spark-conf spark.master=URL}, {@code
     * --spark URL}, or spark-submit's {@code spark.master}.
     */
    static String masterSource(String given, Map<String, String> settings, SparkConf conf) {
        if (settings.containsKey("spark.master")) {
            return "--spark-conf spark.master=" + settings.get("spark.master");
        }
        if (given != null && !given.isBlank()) {
            return "--spark " + given;
        }
        return conf.contains("spark.master") ? "spark.master " + conf.get("spark.master") : "--spark";
    }

    /**
     * Checks {@code master} as Spark reads it and returns the standalone masters it names (none for
     * other kinds).
     *
     * @param source where the URL came from, for messages
     * @param environment the driver's environment variables
     * @param managerFor whether a cluster manager of Spark's (YARN's, Kubernetes') on the class path takes
     *     the URL
     * @throws InvalidInputException naming the URL and what is wrong with it
     */
    static List<HostPort> master(String master, String source, Map<String, String> environment,
            Predicate<String> managerFor) {
        if (master == null || master.isBlank()) {
            throw new InvalidInputException("--spark without a URL takes the master that spark-submit gives"
                    + " (spark.master), and there is none; give one, for example --spark local[2] or --spark"
                    + " spark://HOST:7077");
        }
        if (master.equals("local") || LOCAL_CLUSTER.matcher(master).matches()) {
            return List.of();
        }
        Matcher local = LOCAL_N.matcher(master);
        Matcher localFailures = LOCAL_N_FAILURES.matcher(master);
        if (local.matches() || localFailures.matches()) {
            String threads = local.matches() ? local.group(1) : localFailures.group(1);
            if (!threads.equals("*") && (threads.length() > 9 || Integer.parseInt(threads) < 1)) {
                throw new InvalidInputException(source + ": a local master runs 1 thread at least and "
                        + Integer.MAX_VALUE + " at most; for example local[2], or local[*] for one per core");
            }
            return List.of();
        }
        if (master.startsWith(STANDALONE)) {
            List<HostPort> masters = new ArrayList<>();
            // Several masters (standby masters of ZooKeeper recovery) are separated by commas, as Spark's
            // standalone scheduler splits them.
            String[] hostPorts = master.substring(STANDALONE.length()).split(",", -1);
            for (String hostPort : hostPorts) {
                if (hostPort.isBlank() && hostPorts.length > 1) {
                    throw new InvalidInputException(source + ": an empty HOST:PORT in the list of masters (a comma too"
                            + " many)");
                }
                masters.add(hostPort(hostPort, source));
            }
            return masters;
        }
        if (managerFor.test(master)) {
            if (master.equals("yarn") && !environment.containsKey("HADOOP_CONF_DIR")
                    && !environment.containsKey("YARN_CONF_DIR")) {
                throw new InvalidInputException(source + ": YARN's address is in the cluster's Hadoop configuration;"
                        + " set HADOOP_CONF_DIR or YARN_CONF_DIR to its directory, as spark-submit needs too");
            }
            return List.of();
        }
        String lower = master.toLowerCase(Locale.ROOT);
        if (lower.equals("yarn") || lower.startsWith("yarn-")) {
            throw new InvalidInputException(source + ": this Spark has no YARN support (spark-yarn is not on the"
                    + " class path); run nn4j through the cluster's spark-submit --master yarn, with --spark and no URL");
        }
        if (lower.startsWith("k8s://")) {
            throw new InvalidInputException(source + ": this Spark has no Kubernetes support (spark-kubernetes is"
                    + " not on the class path); run nn4j through the cluster's spark-submit --master k8s://..., with"
                    + " --spark and no URL");
        }
        if (lower.startsWith("mesos://")) {
            throw new InvalidInputException(source + ": Spark 4 runs on no Mesos cluster (its Mesos support was"
                    + " removed in Spark 4.0); expected " + FORMS);
        }
        throw new InvalidInputException(source + ": not a Spark master URL; expected " + FORMS);
    }

    /** One HOST:PORT of a spark:// URL, checked as Spark's standalone client reads it. */
    private static HostPort hostPort(String hostPort, String source) {
        String example = "; give spark://HOST:PORT, the port the master listens on (7077 unless it was started with"
                + " another)";
        if (hostPort.isBlank()) {
            throw new InvalidInputException(source + ": no host and port after spark://" + example);
        }
        URI uri;
        try {
            uri = new URI(STANDALONE + hostPort);
        } catch (URISyntaxException e) {
            throw new InvalidInputException(source + ": '" + hostPort + "' is not HOST:PORT (" + e.getReason() + ")"
                    + example, e);
        }
        if ((uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null
                || uri.getFragment() != null || uri.getUserInfo() != null) {
            throw new InvalidInputException(source + ": '" + hostPort + "' has more than HOST:PORT" + example);
        }
        if (uri.getHost() == null) {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && !hostPort.substring(colon + 1).matches("[0-9]+")) {
                throw new InvalidInputException(source + ": the port '" + hostPort.substring(colon + 1)
                        + "' is not a number" + example);
            }
            throw new InvalidInputException(source + ": '" + (colon >= 0 ? hostPort.substring(0, colon) : hostPort)
                    + "' is not a host name or address" + example);
        }
        if (uri.getPort() < 0) {
            throw new InvalidInputException(source + ": no port after the host '" + uri.getHost() + "'" + example);
        }
        if (uri.getPort() < 1 || uri.getPort() > 65535) {
            throw new InvalidInputException(source + ": the port " + uri.getPort() + " is not a TCP port (1 to 65535)"
                    + example);
        }
        String host = uri.getHost();
        return new HostPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, uri.getPort());
    }

    /** Whether a cluster manager that Spark finds on the class path (spark-yarn's, spark-kubernetes') takes {@code master}. */
    static boolean managerFor(String master) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (ExternalClusterManager manager : ServiceLoader.load(ExternalClusterManager.class,
                loader != null ? loader : SparkChecks.class.getClassLoader())) {
            if (manager.canCreate(master)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads every setting of {@code conf} that Spark knows by Spark's own parsing (sizes, times,
     * numbers, booleans, and the limits Spark checks), and the integers that must be positive, as
     * {@code --spark-conf} gave them or spark-submit did. Settings Spark does not know pass, as Spark
     * lets them.
     *
     * @param given the {@code --spark-conf} settings, for messages
     * @throws InvalidInputException naming the setting, its value and what Spark expects
     */
    static void settings(SparkConf conf, Map<String, String> given) {
        ClassLoader loader = SparkConf.class.getClassLoader();
        for (String holder : SETTING_HOLDERS) {
            try {
                Class.forName("org.apache.spark.internal.config." + holder, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Another Spark version than nn4j's: its settings are checked by the context, later.
            }
        }
        for (Tuple2<String, String> setting : conf.getAll()) {
            String key = setting._1();
            String value = setting._2();
            String where = (given.containsKey(key) ? "--spark-conf " : "the Spark setting ") + key + "=" + value;
            ConfigEntry<?> entry = ConfigEntry.findEntry(key);
            if (entry != null) {
                try {
                    conf.get(entry);
                } catch (IllegalArgumentException e) {
                    // NumberFormatException is one too: Spark's sizes and times.
                    throw new InvalidInputException(where + ": " + expected(e), e);
                }
            }
            Integer least = AT_LEAST.get(key);
            if (least != null) {
                long number;
                try {
                    number = Long.parseLong(value.strip());
                } catch (NumberFormatException e) {
                    throw new InvalidInputException(where + ": not an integer", e);
                }
                if (number < least) {
                    throw new InvalidInputException(where + ": must be " + least + " or more");
                }
            }
        }
        String memory = "spark.executor.memory";
        if (conf.contains(memory) && !conf.contains("spark.testing") && !conf.contains("spark.testing.reservedMemory")
                && conf.getSizeAsBytes(memory) < EXECUTOR_MEMORY_LEAST) {
            // Spark tells this in bytes, without the setting's name.
            throw new InvalidInputException((given.containsKey(memory) ? "--spark-conf " : "the Spark setting ")
                    + memory + "=" + conf.get(memory) + ": Spark needs 450m or more for an executor");
        }
        registrationTimeoutMs(conf, given);
        executorTimeoutMs(conf, given);
    }

    /** What Spark expected of a setting it could not read, from its message. */
    private static String expected(IllegalArgumentException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip().lines().findFirst().orElse("")
                .replaceFirst("^Illegal value for config key \\S+: ", "");
        if (message.startsWith("Size must be specified")) {
            return "not a size; Spark takes sizes such as 512m or 4g (b, k, m, g, t, p)";
        }
        if (message.startsWith("Time must be specified")) {
            return "not a time; Spark takes times such as 30s, 500ms or 2min (us, ms, s, m or min, h, d)";
        }
        Matcher typed = Pattern.compile(".* should be (\\w+), but was .*").matcher(message);
        if (typed.matches()) {
            return switch (typed.group(1)) {
                case "int", "long" -> "not an integer";
                case "double" -> "not a number";
                case "boolean" -> "not true or false";
                default -> "not of type " + typed.group(1);
            };
        }
        Matcher invalid = Pattern.compile("'.*' in \\S+ is invalid\\. ?(.*)").matcher(message);
        if (invalid.matches() && !invalid.group(1).isBlank()) {
            return invalid.group(1);
        }
        return message;
    }

    /**
     * {@value #REGISTRATION_TIMEOUT} of {@code conf}, in milliseconds; {@value #DEFAULT_REGISTRATION_TIMEOUT}
     * unless set.
     *
     * @throws InvalidInputException when it is not a positive time
     */
    static long registrationTimeoutMs(SparkConf conf, Map<String, String> given) {
        return timeMs(conf, given, REGISTRATION_TIMEOUT, DEFAULT_REGISTRATION_TIMEOUT);
    }

    /**
     * {@value ClusterWatch#EXECUTOR_TIMEOUT} of {@code conf}, in milliseconds; {@value
     * ClusterWatch#DEFAULT_EXECUTOR_TIMEOUT} unless set.
     *
     * @throws InvalidInputException when it is not a positive time
     */
    static long executorTimeoutMs(SparkConf conf, Map<String, String> given) {
        return timeMs(conf, given, ClusterWatch.EXECUTOR_TIMEOUT, ClusterWatch.DEFAULT_EXECUTOR_TIMEOUT);
    }

    private static long timeMs(SparkConf conf, Map<String, String> given, String key, String otherwise) {
        String value = conf.get(key, otherwise);
        String where = (given.containsKey(key) ? "--spark-conf " : "the Spark setting ") + key + "=" + value;
        long ms;
        try {
            ms = JavaUtils.timeStringAsMs(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + expected(e), e);
        }
        if (ms < 1) {
            throw new InvalidInputException(where + ": must be a time above 0, such as 10s or 1min");
        }
        return ms;
    }

    /** {@code ms} for messages: "10 s", "1500 ms". */
    static String duration(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * Connects to each of {@code masters} (a TCP connection, closed at once), each within {@code
     * timeoutMs}, and returns when one accepts.
     *
     * @throws SettingException when none does, naming each and why: a host that does not resolve, a
     *     port nobody listens on, no answer in time
     */
    static void reach(List<HostPort> masters, String source, long timeoutMs) {
        if (masters.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (HostPort master : masters) {
            String problem = probe(master, timeoutMs);
            if (problem == null) {
                return;
            }
            problems.add(problem);
        }
        throw new SettingException(source + ": " + String.join("; ", problems));
    }

    /** Why {@code master} cannot be reached, or null when it accepts a connection. */
    static String probe(HostPort master, long timeoutMs) {
        // Name resolution has no timeout of its own: it runs on a thread of its own, waited for as long
        // as the connection may take.
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread prober = new Thread(() -> outcome.complete(connect(master, timeoutMs)), "nn4j-spark-master-probe");
        prober.setDaemon(true);
        prober.start();
        try {
            return outcome.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            prober.interrupt();
            return master + " did not answer within " + duration(timeoutMs) + " (" + REGISTRATION_TIMEOUT + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SettingException("interrupted while connecting to the Spark master at " + master, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String connect(HostPort master, long timeoutMs) {
        InetAddress address;
        try {
            address = InetAddress.getByName(master.host());
        } catch (UnknownHostException e) {
            return "the host '" + master.host() + "' is unknown (no address for it)";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, master.port()), (int) Math.min(Integer.MAX_VALUE, timeoutMs));
            return null;
        } catch (ConnectException e) {
            return "nothing listens at " + master + " (" + e.getMessage() + "); is the master running, and on"
                    + " this port?";
        } catch (SocketTimeoutException e) {
            return master + " did not answer within " + duration(timeoutMs) + " (" + REGISTRATION_TIMEOUT + ")";
        } catch (IOException e) {
            return master + " cannot be reached (" + e.getMessage() + ")";
        }
    }

    /**
     * Starts a context on a standalone master, waiting at most {@code timeoutMs} for the master to
     * register the application: time the starting thread spends waiting (as it does for the master),
     * not its own work of starting Spark, which a busy machine can make long.
     *
     * @throws SettingException when the master accepts connections but never registers the
     *     application (not a Spark master, or one that will not have it)
     */
    static JavaSparkContext startWithin(SparkConf conf, long timeoutMs, String source) {
        CompletableFuture<JavaSparkContext> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                JavaSparkContext context = new JavaSparkContext(conf);
                if (!started.complete(context)) {
                    context.stop();
                }
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "nn4j-spark-start");
        thread.setDaemon(true);
        thread.start();
        long waitedNanos = 0;
        long before = System.nanoTime();
        try {
            while (true) {
                try {
                    return started.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    Thread.State state = thread.getState();
                    if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                        waitedNanos += now - before;
                    }
                    before = now;
                    if (waitedNanos >= TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                        SettingException late = new SettingException(source + ": the master accepts connections but"
                                + " did not register this application within " + duration(timeoutMs) + " ("
                                + REGISTRATION_TIMEOUT + "); is this the port of a Spark " + majorMinor()
                                + " master (7077 unless set; not its web UI's), with this driver's spark.authenticate"
                                + " setting?");
                        if (started.completeExceptionally(late)) {
                            // Spark's client would try for a minute more; the half-started context ends here.
                            thread.interrupt();
                            throw late;
                        }
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            // SparkException, undeclared in Scala; the caller turns it into a line.
            throw new StartFailure(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
            throw new SettingException(source + ": interrupted while waiting for the master", e);
        }
    }

    /** A checked exception of Spark's that starting a context threw, carried out of the starting thread. */
    static final class StartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailure(Throwable cause) {
            super(cause);
        }
    }

    /** This Spark's version as MAJOR.MINOR. */
    static String majorMinor() {
        String version = org.apache.spark.package$.MODULE$.SPARK_VERSION();
        Matcher m = Pattern.compile("(\\d+\\.\\d+).*").matcher(version);
        return m.matches() ? m.group(1) : version;
    }
}
