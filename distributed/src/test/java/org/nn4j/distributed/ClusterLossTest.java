package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.cli.Main;

/**
 * {@code nn train --spark spark://...} on a real standalone cluster (a Master and a Worker, each a JVM
 * of its own, from the Spark jars of this class path) that gives the application no executor, that
 * removes the application, or that loses its Worker in the middle of training: one line each, exit
 * code 2, within spark.nn4j.executorTimeout, saying why and what the checkpoint holds, rather than a
 * wait for ever or an internal error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLossTest {
    @TempDir
    static Path dir;

    private static final List<Process> CLUSTER = new ArrayList<>();
    private static String master;
    private static Path csv;

    @BeforeAll
    static void cluster() throws Exception {
        StringBuilder rows = new StringBuilder("x,y,kind\n");
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            double x = 2 * random.nextDouble() - 1;
            double y = 2 * random.nextDouble() - 1;
            rows.append(String.format(java.util.Locale.ROOT, "%.5f,%.5f,%s%n", x, y, x * x + y * y < 0.5 ? "in" : "out"));
        }
        csv = Files.writeString(dir.resolve("points.csv"), rows);
        Path jars = Files.createDirectories(dir.resolve("home").resolve("jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        master = "spark://127.0.0.1:" + port;
        // The master removes an application at its executor's first failure (Spark's default: the tenth).
        CLUSTER.add(start("master", "-Dspark.deploy.maxExecutorRetries=0", "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0"));
        awaitLog(dir.resolve("master.log"), "I have been elected leader", 1);
        CLUSTER.add(worker());
        awaitLog(dir.resolve("master.log"), "Registering worker", 1);
    }

    private static Process worker() throws IOException {
        return start("worker", "-Dspark.worker.cleanup.enabled=false", "org.apache.spark.deploy.worker.Worker", master,
                "--host", "127.0.0.1", "--cores", "1", "--memory", "512m", "--webui-port", "0", "--work-dir",
                dir.resolve("work").toString());
    }

    @AfterAll
    static void stop() {
        CLUSTER.forEach(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    private static Process start(String name, String property, String mainClass, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jars = dir.resolve("home").resolve("jars");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", property, "-cp", jars + "/*", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        builder.environment().put("SPARK_HOME", jars.getParent().toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        return builder.start();
    }

    private static void awaitLog(Path log, String line, int times) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).stream().filter(l -> l.contains(line)).count() >= times) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("'" + line + "' did not appear " + times + " times in " + log);
    }

    /** {@code nn train} on the cluster, in this JVM, with {@code more} options; its code, stdout and stderr. */
    private static CompletableFuture<String[]> train(Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--spark", master, "--csv", csv.toString(), "--label", "kind",
                "--batch-size", "32", "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf",
                "spark.driver.bindAddress=127.0.0.1", "--spark-conf", "spark.executor.extraClassPath="
                        + System.getProperty("java.class.path"),
                // The executors have this class path: no jars to ship them.
                "--spark-conf", "spark.jars="));
        if (model != null) {
            args.addAll(List.of("--out", model.toString()));
        }
        args.addAll(List.of(more));
        CompletableFuture<String[]> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            done.complete(new String[] {Integer.toString(code), out.toString(), err.toString()});
        }, "nn train");
        thread.start();
        return done;
    }

    /** Waits until {@code model} is there, the first epoch's checkpoint, then runs {@code kill}. */
    private static void killAfterTheFirstCheckpoint(Path model, CompletableFuture<String[]> running, Runnable kill)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(model) && !running.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!Files.exists(model)) {
            String[] run = running.isDone() ? running.get() : new String[] {"(running)", "", ""};
            StringBuilder executors = new StringBuilder();
            try (var files = Files.walk(dir.resolve("work"))) {
                for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                    String text = Files.readString(file);
                    executors.append(file).append(":\n").append(text, Math.max(0, text.length() - 3000), text.length());
                }
            }
            throw new AssertionError("no checkpoint was written; nn train: " + String.join("\n", run) + "\nworker: "
                    + Files.readString(dir.resolve("worker.log")) + "\nexecutors: " + executors);
        }
        kill.run();
    }

    @Test
    @Order(1)
    void anExecutorLargerThanAnyWorkerIsToldAtOnceWithWhatItAsksAndTheWorkersHave() throws Exception {
        long started = System.nanoTime();
        String[] run = train(null, "--epochs", "1", "--spark-conf", "spark.executor.memory=1g").get(120,
                TimeUnit.SECONDS);
        assertEquals("2", run[0], run[2]);
        // Not after spark.nn4j.executorTimeout: no executor of that size can ever start here.
        assertTrue(run[2].strip().matches(java.util.regex.Pattern.quote("nn train: --spark " + master + ": no executor"
                + " can start: an executor asks for 1024 MiB (--spark-conf spark.executor.memory=1g) and at least 1 core,"
                + " more than any worker has: 127.0.0.1:") + "\\d+ has 1 of 1 core and 512 of 512 MiB free; ask for"
                + " less"), run[2]);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds < 50, seconds + " s");
    }

    @Test
    @Order(2)
    void aMasterThatGivesNoExecutorInTimeIsToldWithProgressWhileItWaits() throws Exception {
        // An executor takes seconds to start (a JVM, Spark, registering): longer than this run waits.
        String[] run = train(null, "--epochs", "1", "--spark-conf", "spark.executor.memory=512m", "--spark-conf",
                "spark.nn4j.executorTimeout=2s").get(120, TimeUnit.SECONDS);
        Assumptions.assumeFalse(run[0].equals("0"), "an executor started within 2 s here");
        assertEquals("2", run[0], run[2]);
        assertTrue(run[2].startsWith("nn train: --spark " + master + ": no executor started within 2 s"
                + " (spark.nn4j.executorTimeout): the master started 1 executor of this application (on 127.0.0.1:"),
                run[2]);
        assertTrue(run[2].contains("), and none reached this driver: one that ends as it starts leaves why in its"
                + " worker's work directory (app-"), run[2]);
        assertEquals(1, run[2].strip().lines().count(), run[2]);
        assertTrue(run[1].contains("cluster: waiting for an executor, 1 s so far (gives up after 2 s,"
                + " spark.nn4j.executorTimeout)\n"), run[1]);
    }

    @Test
    @Order(3)
    void anApplicationTheMasterRemovesIsOneLineWithWhereTheRunIsAndItsCheckpoint() throws Exception {
        Path model = dir.resolve("removed.safetensors");
        CompletableFuture<String[]> running = train(model, "--epochs", "30", "--spark-conf",
                "spark.executor.memory=512m", "--quiet");
        // The executor dies: this master removes the application at once, and Spark stops it.
        killAfterTheFirstCheckpoint(model, running, () -> CLUSTER.get(1).descendants().forEach(ProcessHandle::destroyForcibly));
        String[] run = running.get(120, TimeUnit.SECONDS);
        assertEquals("2", run[0], run[2]);
        String err = run[2].strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.matches("nn train: in epoch \\d+, (before its first batch|after batch \\d+ of \\d+): the"
                + " cluster was lost: Spark stopped this application( \\(Master removed our application: FAILED\\))?; a"
                + " standalone master removes an application whose executors fail one after another \\(their workers' logs and work directories tell why\\), or"
                + " one killed from its web UI; .*"), err);
        assertTrue(err.matches(".*; " + java.util.regex.Pattern.quote(model.toString()) + " holds the checkpoint after"
                + " (epoch \\d+|batch \\d+ of epoch \\d+); continue with --resume "
                + java.util.regex.Pattern.quote(model.toString())), err);
    }

    @Test
    @Order(4)
    void aClusterThatLosesEveryWorkerIsOneLineWithinTheTimeoutAndTheRunResumes() throws Exception {
        Path model = dir.resolve("lost.safetensors");
        CompletableFuture<String[]> running = train(model, "--epochs", "30", "--spark-conf",
                "spark.executor.memory=512m", "--spark-conf", "spark.nn4j.executorTimeout=30s");
        // The Worker and its executor die (as a machine that goes away): Spark would wait for another for ever.
        Process worker = CLUSTER.get(1);
        killAfterTheFirstCheckpoint(model, running, () -> {
            worker.descendants().forEach(ProcessHandle::destroyForcibly);
            worker.destroyForcibly();
        });
        long killed = System.nanoTime();
        String[] run = running.get(120, TimeUnit.SECONDS);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
        assertEquals("2", run[0], run[2]);
        String err = run[2].strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.matches("nn train: in epoch \\d+, (before its first batch|after batch \\d+ of \\d+): the"
                + " cluster was lost: no executor for 30 s \\(spark.nn4j.executorTimeout\\); the last, executor \\d+ on 127.0.0.1, was lost: .*; the"
                + " master's one worker, on 127.0.0.1:\\d+, does not answer; .* holds the checkpoint after .*; continue with"
                + " --resume " + java.util.regex.Pattern.quote(model.toString())), err);
        assertTrue(run[1].contains("cluster: every executor was lost (the last, executor "), run[1]);
        assertTrue(seconds < 80, seconds + " s");

        // What the checkpoint holds resumes, here on one machine.
        StringWriter out = new StringWriter();
        StringWriter resumeErr = new StringWriter();
        int code = Main.run(new String[] {"train", "--csv", csv.toString(), "--label", "kind", "--resume",
            model.toString(), "--epochs", "30", "--quiet"}, new PrintWriter(out), new PrintWriter(resumeErr));
        assertEquals(0, code, resumeErr.toString());
        assertTrue(out.toString().contains("after epoch 30 of 30"), out.toString());
    }
}
