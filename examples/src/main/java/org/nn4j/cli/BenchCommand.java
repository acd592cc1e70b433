package org.nn4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Optimizers;
import org.nn4j.train.Optimizer;
import org.nn4j.train.TrainingStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure training speed on synthetic data of Fashion-MNIST's shape (784 features, 10 classes).",
            "It prints samples/s over timed windows after a warm-up, the share of time in GEMM and in each other"
                    + " operation, bytes allocated per batch and the time from JVM start to the first trained batch."})
final class BenchCommand implements Callable<Integer> {
    private static final int EXAMPLES = 8192;
    /** The vocabulary of synthetic token ids, for an embedding whose spec leaves num_embeddings out. */
    private static final int SYNTHETIC_VOCABULARY = 1000;

    @Option(names = "--model", paramLabel = "FILE.json",
            description = "Benchmark this model spec instead of the MLP of --hidden and --activation.")
    Path modelSpec;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    ModelOptions model;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2",
            description = "Training before anything is timed (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--windows", paramLabel = "N", defaultValue = "5",
            description = "Timed windows (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "2",
            description = "Length of each timed window (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", description = "Also print one JSON object on the last line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (modelSpec != null) {
            List<String> ignored = List.of("--hidden", "--activation").stream()
                    .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
            if (!ignored.isEmpty()) {
                throw new InvalidInputException(String.join(", ", ignored) + (ignored.size() == 1 ? " does" : " do")
                        + " not apply with --model: " + modelSpec + " describes the layers");
            }
        }
        model.checkOptimizer();
        ActivationKind kind = model.activationKind();
        int batchSize = model.batchSize;
        if (batchSize < 1 || batchSize > EXAMPLES || windows < 1 || !(seconds > 0) || !(warmup >= 0)) {
            throw new InvalidInputException("--batch-size must lie in 1.." + EXAMPLES + ", --windows and --seconds be"
                    + " positive and --warmup not negative");
        }
        NetworkFactory factory = backendOptions.injector(DType.FLOAT32).getInstance(NetworkFactory.class);
        Backend plain = factory.backend();
        DType dtype = factory.dtype();
        Steps fast = new Steps(plain, dtype, kind);
        fast.step();
        double startup = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;

        runFor(fast, warmup);
        double[] rates = new double[windows];
        for (int w = 0; w < windows; w++) {
            long start = System.nanoTime();
            int steps = runFor(fast, seconds);
            rates[w] = (double) steps * model.batchSize / ((System.nanoTime() - start) / 1e9);
        }
        long allocated = allocatedPerStep(fast, 200);

        TimingBackend timing = new TimingBackend(plain);
        Steps timed = new Steps(timing, dtype, kind);
        runFor(timed, Math.min(1, warmup));
        timing.reset();
        long start = System.nanoTime();
        runFor(timed, Math.min(seconds, 2));
        double total = System.nanoTime() - start;
        Map<String, Long> ops = timing.totals();
        double gemmShare = ops.getOrDefault("gemm", 0L) / total;

        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        PrintWriter out = spec.commandLine().getOut();
        String network = modelSpec == null
                ? "NeuralNetwork(784-" + model.hidden.stream().map(String::valueOf).collect(
                        java.util.stream.Collectors.joining("-")) + "-10, " + kind + ", " + dtype + ", " + plain.name()
                        + ")"
                : "Model(" + fast.network.spec().summary() + ", " + dtype + ", " + plain.name() + ")";
        out.println(String.format(Locale.ROOT, "%s, %s, batch %d", network, model.optimizer, batchSize));
        for (double r : rates) {
            out.println(String.format(Locale.ROOT, "  window: %,.0f samples/s", r));
        }
        out.println(String.format(Locale.ROOT, "samples/s: median %,.0f (min %,.0f, max %,.0f over %d windows of %.1f s)",
                median, sorted[0], sorted[sorted.length - 1], windows, seconds));
        out.println(String.format(Locale.ROOT, "time in GEMM: %.1f%% of a step; outside it: %s", 100 * gemmShare,
                topOthers(ops, total)));
        out.println(String.format(Locale.ROOT, "allocated per batch: %,d bytes", allocated));
        out.println(String.format(Locale.ROOT, "start-up to the first batch: %.2f s", startup));
        if (json) {
            ObjectNode result = new ObjectMapper().createObjectNode();
            result.put("samples_per_second", median);
            result.put("samples_per_second_min", sorted[0]);
            result.put("samples_per_second_max", sorted[sorted.length - 1]);
            result.put("gemm_share", gemmShare);
            ObjectNode shares = result.putObject("op_shares");
            ops.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> shares.put(e.getKey(), e.getValue() / total));
            result.put("bytes_per_batch", allocated);
            result.put("startup_seconds", startup);
            result.put("backend", plain.name());
            result.put("dtype", dtype.label());
            result.put("batch_size", batchSize);
            result.put("optimizer", model.optimizer);
            result.put("network", network);
            result.put("threads", org.nn4j.backend.host.Threads.select(backendOptions.threads, "--threads").orElse(-1));
            out.println(result.toString());
        }
        return 0;
    }

    /** The largest shares of the time outside GEMM, by operation. */
    private static String topOthers(Map<String, Long> ops, double total) {
        List<Map.Entry<String, Long>> others = new ArrayList<>(ops.entrySet());
        others.removeIf(e -> e.getKey().equals("gemm"));
        others.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(4, others.size()); i++) {
            text.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f%%", others.get(i).getKey(),
                    100 * others.get(i).getValue() / total));
        }
        return text.toString();
    }

    private int runFor(Steps steps, double secondsToRun) {
        long end = System.nanoTime() + (long) (secondsToRun * 1e9);
        int done = 0;
        do {
            steps.step();
            done++;
        } while (System.nanoTime() < end);
        return done;
    }

    /**
     * Bytes allocated per step by every thread of the JVM, a backend's worker threads too: the sum of
     * each thread's growth, counting a thread that started during the steps from zero.
     */
    private static long allocatedPerStep(Steps steps, int count) {
        Map<Long, Long> before = allocatedByThread();
        for (int i = 0; i < count; i++) {
            steps.step();
        }
        long total = 0;
        for (Map.Entry<Long, Long> after : allocatedByThread().entrySet()) {
            total += after.getValue() - before.getOrDefault(after.getKey(), 0L);
        }
        return total / count;
    }

    private static Map<Long, Long> allocatedByThread() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> allocated = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                allocated.put(ids[i], bytes[i]);
            }
        }
        return allocated;
    }

    /** A model, its optimizer and synthetic batches, stepping through them in turn. */
    private final class Steps {
        final Model network;
        final TrainingStep step;
        final float[][] x;
        final float[][] y;
        /** Token ids, for a model that starts with an embedding (then {@code x} is null). */
        final int[][] ids;
        int next;

        Steps(Backend backend, DType dtype, ActivationKind kind) {
            ModelSpec spec = modelSpec != null ? ModelSpec.read(modelSpec)
                    : ModelSpec.mlp(784, model.hidden, 10, kind, SoftmaxCrossEntropy.LABEL);
            boolean tokens = Embedding.takesTokens(spec);
            spec = Embedding.withVocabulary(spec, SYNTHETIC_VOCABULARY);
            network = ModuleRegistry.load().build(spec, backend, dtype, 42, modelSpec != null ? modelSpec.toString()
                    : "--hidden");
            network.requireBatchFits(model.batchSize, "--batch-size " + model.batchSize);
            Optimizer opt;
            try {
                opt = Optimizers.builtIn().create(model.optimizer, backend, network.parameterValues(), null, Map.of());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
            step = new TrainingStep(network, network.loss(), opt, 42);
            SplittableRandom random = new SplittableRandom(42);
            int batchSize = model.batchSize;
            int batches = EXAMPLES / batchSize;
            int d = network.inputSize();
            int k = network.outputSize();
            x = tokens ? null : new float[batches][batchSize * d];
            ids = tokens ? syntheticIds(random, batches, batchSize) : null;
            y = new float[batches][batchSize * k];
            for (int b = 0; b < batches; b++) {
                for (int i = 0; !tokens && i < x[b].length; i++) {
                    x[b][i] = (float) random.nextDouble();
                }
                for (int i = 0; i < batchSize; i++) {
                    y[b][i * k + random.nextInt(k)] = 1;
                }
            }
            order = new int[EXAMPLES];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
        }

        /**
         * Random ids of the embedding's vocabulary; with a padding id, each row's length drawn from {@code [T / 2,
         * T]} and the rest padding.
         */
        private int[][] syntheticIds(SplittableRandom random, int batches, int batchSize) {
            Embedding embedding = (Embedding) network.network().modules().get(0);
            int steps = embedding.steps();
            int pad = embedding.paddingIdx();
            int[][] out = new int[batches][batchSize * steps];
            for (int[] batch : out) {
                for (int r = 0; r < batchSize; r++) {
                    int length = pad < 0 ? steps : steps / 2 + random.nextInt(steps - steps / 2 + 1);
                    for (int t = 0; t < steps; t++) {
                        int id = random.nextInt(embedding.numEmbeddings());
                        batch[r * steps + t] = t >= length ? pad : id == pad ? (id + 1) % embedding.numEmbeddings() : id;
                    }
                }
            }
            return out;
        }

        void step() {
            if (ids != null) {
                step.run(ids[next], y[next], model.batchSize, 0, order, next * model.batchSize);
            } else {
                step.run(x[next], y[next], model.batchSize, 0, order, next * model.batchSize);
            }
            next = (next + 1) % y.length;
        }

        private final int[] order;
    }
}
