package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.cli.Main;

/**
 * What {@code nn train --spark} tells a user whose master URL or Spark setting is wrong, or whose master
 * is not there or does not answer: one line naming it, exit code 2, no stack trace, no Spark log, in
 * seconds, and the run's files as they were.
 */
class SparkCliTest {
    @TempDir
    static Path dir;

    private static Path csv;
    private static Path model;

    @BeforeAll
    static void files() throws IOException {
        StringBuilder rows = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 40; i++) {
            rows.append(i % 7).append(',').append(i % 5).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        csv = Files.writeString(dir.resolve("points.csv"), rows);
        model = Files.writeString(dir.resolve("model.safetensors"), "an earlier run's model, kept");
    }

    private static String[] train(String... spark) {
        List<String> args = new ArrayList<>(List.of("train", "--csv", csv.toString(), "--label", "label", "--epochs",
                "1", "--out", model.toString(), "--quiet"));
        args.addAll(List.of(spark));
        return args.toArray(String[]::new);
    }

    /** {@code nn args} in this JVM: its exit code and stderr. */
    private static String nn(int code, String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(code, Main.run(args, new PrintWriter(out), new PrintWriter(err)), err.toString());
        assertEquals("an earlier run's model, kept", Files.readString(model), "the model file is as it was");
        return err.toString().strip();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aMistakeInTheUrlOrASettingIsOneLineAndExitTwo() throws IOException {
        assertEquals("nn train: --spark local[x]: not a Spark master URL; expected local, local[N], local[*],"
                + " spark://HOST:PORT, yarn or k8s://HOST:PORT", nn(2, train("--spark", "local[x]")));
        assertEquals("nn train: --spark spark://host:notaport: the port 'notaport' is not a number; give"
                + " spark://HOST:PORT, the port the master listens on (7077 unless it was started with another)",
                nn(2, train("--spark", "spark://host:notaport")));
        assertEquals("nn train: --spark-conf spark.executor.memory=lots: not a size; Spark takes sizes such as 512m"
                + " or 4g (b, k, m, g, t, p)", nn(2, train("--spark", "local[2]", "--spark-conf",
                "spark.executor.memory=lots")));
        assertEquals("nn train: --spark-conf spark.executor.cores=-1: must be 1 or more", nn(2, train("--spark",
                "local[2]", "--spark-conf", "spark.executor.cores=-1")));
        int port = freePort();
        assertEquals("nn train: --spark spark://127.0.0.1:" + port + ": nothing listens at 127.0.0.1:" + port
                + " (Connection refused); is the master running, and on this port?",
                nn(2, train("--spark", "spark://127.0.0.1:" + port)));
    }

    @Test
    void aSettingThatSparkAloneRefusesIsOneLineWithTheSettingsGiven() throws IOException {
        assertEquals("nn train: Spark could not start (--spark local[2], --spark-conf spark.memory.fraction=2):"
                + " spark.memory.fraction should be between 0 and 1 (was '2.0').", nn(2, train("--spark", "local[2]",
                "--spark-conf", "spark.memory.fraction=2")));
    }

    /** A server that accepts connections and never says a word, as a port that is not a Spark master's. */
    private static Thread silentServer(ServerSocket server, List<Socket> accepted) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (IOException e) {
                // closed
            }
        }, "silent-server");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** {@code nn args} as ./nn runs it, in a JVM of its own: its exit code, and its stderr's lines. */
    private static List<String> ownJvm(int code, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(err.toFile()).start();
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "nn did not end");
        assertEquals(code, process.exitValue(), Files.readString(err));
        assertEquals("an earlier run's model, kept", Files.readString(model), "the model file is as it was");
        return Files.readAllLines(err);
    }

    @Test
    void inItsOwnJvmStderrIsTheOneLineAloneAndASilentMasterIsToldInSeconds() throws Exception {
        // Spark's own report of a context that failed to start (an ERROR and a stack trace) stays out.
        assertEquals(List.of("nn train: Spark could not start (--spark local[2], --spark-conf"
                + " spark.memory.fraction=2): spark.memory.fraction should be between 0 and 1 (was '2.0')."),
                ownJvm(2, train("--spark", "local[2]", "--spark-conf", "spark.memory.fraction=2")));
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            silentServer(server, accepted);
            String url = "spark://127.0.0.1:" + server.getLocalPort();
            long started = System.nanoTime();
            assertEquals(List.of("nn train: --spark " + url + ": the master accepts connections but did not register"
                    + " this application within 2 s (spark.nn4j.registrationTimeout); is this the port of a Spark "
                    + SparkChecks.majorMinor() + " master (7077 unless set; not its web UI's), with this driver's"
                    + " spark.authenticate setting?"),
                    ownJvm(2, train("--spark", url, "--spark-conf", "spark.nn4j.registrationTimeout=2s")));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            // Spark's own client gives up after 60 s; the JVM's start and Spark's take the rest.
            assertTrue(seconds < 50, seconds + " s");
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
