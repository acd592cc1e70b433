package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.SettingException;
import org.nn4j.io.InvalidInputException;

/** A master URL or setting that Spark cannot use, and a master that is not there, are one line each. */
class SparkChecksTest {
    private static final String GIVE = "; give spark://HOST:PORT, the port the master listens on (7077 unless it was"
            + " started with another)";
    private static final String FORMS = "expected local, local[N], local[*], spark://HOST:PORT, yarn or k8s://HOST:PORT";

    private static List<SparkChecks.HostPort> master(String url) {
        return SparkChecks.master(url, "--spark " + url, Map.of(), m -> false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "local[2]", "local[*]", "local[4,3]", "local[*, 2]", "local-cluster[2, 1, 1024]"})
    void localMastersNameNoStandaloneMaster(String url) {
        assertEquals(List.of(), master(url));
    }

    @Test
    void standaloneMastersAreTheirHostsAndPorts() {
        assertEquals(List.of(new SparkChecks.HostPort("h", 7077)), master("spark://h:7077"));
        assertEquals(List.of(new SparkChecks.HostPort("a", 1), new SparkChecks.HostPort("b.example.org", 7078)),
                master("spark://a:1,b.example.org:7078"));
        assertEquals(List.of(new SparkChecks.HostPort("::1", 7077)), master("spark://[::1]:7077"));
        assertEquals("[::1]:7077", master("spark://[::1]:7077").get(0).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "spark://|no host and port after spark://" + GIVE,
        "spark://host:notaport|the port 'notaport' is not a number" + GIVE,
        "spark://host|no port after the host 'host'" + GIVE,
        "spark://host:|no port after the host 'host'" + GIVE,
        "spark://host:0|the port 0 is not a TCP port (1 to 65535)" + GIVE,
        "spark://host:70000|the port 70000 is not a TCP port (1 to 65535)" + GIVE,
        "spark://host:7077/x|'host:7077/x' has more than HOST:PORT" + GIVE,
        "spark://me@host:7077|'me@host:7077' has more than HOST:PORT" + GIVE,
        "spark://a:7077,|an empty HOST:PORT in the list of masters (a comma too many)",
        "spark://ho st:7077|'ho st:7077' is not HOST:PORT (Illegal character in authority)" + GIVE,
        "local[0]|a local master runs 1 thread at least and 2147483647 at most; for example local[2], or local[*]"
                + " for one per core",
        "local[0,2]|a local master runs 1 thread at least and 2147483647 at most; for example local[2], or local[*]"
                + " for one per core",
        "local[99999999999]|a local master runs 1 thread at least and 2147483647 at most; for example local[2], or"
                + " local[*] for one per core",
        "local[x]|not a Spark master URL; " + FORMS,
        "local[-1]|not a Spark master URL; " + FORMS,
        "LOCAL[2]|not a Spark master URL; " + FORMS,
        "localhost:7077|not a Spark master URL; " + FORMS,
        "yarn|this Spark has no YARN support (spark-yarn is not on the class path); run nn4j through the cluster's"
                + " spark-submit --master yarn, with --spark and no URL",
        "k8s://https://h:443|this Spark has no Kubernetes support (spark-kubernetes is not on the class path); run"
                + " nn4j through the cluster's spark-submit --master k8s://..., with --spark and no URL",
        "mesos://h:5050|Spark 4 runs on no Mesos cluster (its Mesos support was removed in Spark 4.0); " + FORMS,
    })
    void aMalformedOrUnusableMasterUrlIsOneLineNamingIt(String url, String why) {
        assertEquals("--spark " + url + ": " + why,
                assertThrows(InvalidInputException.class, () -> master(url)).getMessage());
    }

    @Test
    void yarnWithItsSupportNeedsTheClustersHadoopConfiguration() {
        InvalidInputException noConfig = assertThrows(InvalidInputException.class,
                () -> SparkChecks.master("yarn", "--spark yarn", Map.of("HOME", "/root"), "yarn"::equals));
        assertEquals("--spark yarn: YARN's address is in the cluster's Hadoop configuration; set HADOOP_CONF_DIR or"
                + " YARN_CONF_DIR to its directory, as spark-submit needs too", noConfig.getMessage());
        assertEquals(List.of(), SparkChecks.master("yarn", "--spark yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop"),
                "yarn"::equals));
        assertEquals(List.of(), SparkChecks.master("k8s://https://h:443", "--spark k8s://https://h:443", Map.of(),
                m -> m.startsWith("k8s://")));
    }

    @Test
    void withoutAUrlTheMasterIsSparkSubmitsOrNone() {
        assertEquals("--spark without a URL takes the master that spark-submit gives (spark.master), and there is"
                + " none; give one, for example --spark local[2] or --spark spark://HOST:7077",
                assertThrows(InvalidInputException.class, () -> SparkChecks.master(null, "--spark", Map.of(),
                        m -> false)).getMessage());
        SparkConf submitted = new SparkConf(false).set("spark.master", "spark://h:7077");
        assertEquals("spark.master spark://h:7077", SparkChecks.masterSource("", Map.of(), submitted));
        assertEquals("--spark local[2]", SparkChecks.masterSource("local[2]", Map.of(), submitted));
        assertEquals("--spark-conf spark.master=local[3]", SparkChecks.masterSource("local[2]",
                Map.of("spark.master", "local[3]"), submitted));
    }

    private static String settingFailure(String key, String value) {
        Map<String, String> given = Map.of(key, value);
        SparkConf conf = SparkTraining.configure("local[2]", given, Map.of());
        return assertThrows(InvalidInputException.class, () -> SparkChecks.settings(conf, given)).getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "spark.executor.memory|lots|not a size; Spark takes sizes such as 512m or 4g (b, k, m, g, t, p)",
        "spark.driver.memory|4 GB|not a size; Spark takes sizes such as 512m or 4g (b, k, m, g, t, p)",
        "spark.executor.memory|1k|Spark needs 450m or more for an executor",
        "spark.executor.cores|-1|must be 1 or more",
        "spark.executor.cores|two|not an integer",
        "spark.task.cpus|0|must be 1 or more",
        "spark.cores.max|0|must be 1 or more",
        "spark.default.parallelism|-1|must be 1 or more",
        "spark.executor.instances|-2|must be 0 or more",
        "spark.task.maxFailures|0|must be 1 or more",
        "spark.network.timeout|soon|not a time; Spark takes times such as 30s, 500ms or 2min (us, ms, s, m or min, h,"
                + " d)",
        "spark.ui.enabled|maybe|not true or false",
        "spark.memory.storageFraction|half|not a number",
        "spark.nn4j.registrationTimeout|soon|not a time; Spark takes times such as 30s, 500ms or 2min (us, ms, s, m or"
                + " min, h, d)",
        "spark.nn4j.registrationTimeout|0s|must be a time above 0, such as 10s or 1min",
        "spark.nn4j.executorTimeout|a minute|not a time; Spark takes times such as 30s, 500ms or 2min (us, ms, s, m or"
                + " min, h, d)",
        "spark.nn4j.executorTimeout|0ms|must be a time above 0, such as 10s or 1min",
    })
    void aSettingSparkCannotReadIsOneLineNamingIt(String key, String value, String why) {
        assertEquals("--spark-conf " + key + "=" + value + ": " + why, settingFailure(key, value));
    }

    @Test
    void settingsSparkTakesPassUnknownOnesToo() {
        Map<String, String> given = Map.of("spark.executor.memory", "4g", "spark.executor.cores", "2",
                "spark.foo.bar", "anything", "myapp.setting", "x", "spark.executor.instances", "0",
                "spark.nn4j.registrationTimeout", "2min", "spark.network.timeout", "300s");
        SparkConf conf = SparkTraining.configure("spark://h:7077", given, Map.of());
        SparkChecks.settings(conf, given);
        assertEquals(120_000, SparkChecks.registrationTimeoutMs(conf, given));
        assertEquals(10_000, SparkChecks.registrationTimeoutMs(new SparkConf(false), Map.of()));
        assertEquals(60_000, SparkChecks.executorTimeoutMs(new SparkConf(false), Map.of()));
        assertEquals(300_000, SparkChecks.executorTimeoutMs(new SparkConf(false).set("spark.nn4j.executorTimeout",
                "5min"), Map.of()));
    }

    @Test
    void aSettingSparkSubmitGaveIsNamedAsSuch() {
        SparkConf conf = new SparkConf(false).set("spark.executor.memory", "lots");
        assertEquals("the Spark setting spark.executor.memory=lots: not a size; Spark takes sizes such as 512m or 4g"
                + " (b, k, m, g, t, p)", assertThrows(InvalidInputException.class,
                        () -> SparkChecks.settings(conf, Map.of())).getMessage());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aMasterNobodyListensForOrThatDoesNotResolveIsToldInSeconds() throws IOException {
        int port = freePort();
        long started = System.nanoTime();
        SettingException refused = assertThrows(SettingException.class, () -> SparkChecks.reach(
                master("spark://127.0.0.1:" + port), "--spark spark://127.0.0.1:" + port, 10_000));
        assertEquals("--spark spark://127.0.0.1:" + port + ": nothing listens at 127.0.0.1:" + port
                + " (Connection refused); is the master running, and on this port?", refused.getMessage());
        SettingException unknown = assertThrows(SettingException.class, () -> SparkChecks.reach(
                master("spark://nn4j-no-such-host.invalid:7077"), "--spark spark://nn4j-no-such-host.invalid:7077",
                10_000));
        assertEquals("--spark spark://nn4j-no-such-host.invalid:7077: the host 'nn4j-no-such-host.invalid' is"
                + " unknown (no address for it)", unknown.getMessage());
        assertTrue(System.nanoTime() - started < 15_000_000_000L, "told in seconds");
    }

    @Test
    void oneMasterOfSeveralThatAcceptsIsEnough() throws IOException {
        int closed = freePort();
        try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "spark://127.0.0.1:" + closed + ",127.0.0.1:" + open.getLocalPort();
            SparkChecks.reach(master(url), "--spark " + url, 5_000);
        }
    }
}
