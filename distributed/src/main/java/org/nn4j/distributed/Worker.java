package org.nn4j.distributed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Devices;
import org.nn4j.api.Matrix;
import org.nn4j.backend.host.Threads;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.train.Optimizer;
import org.nn4j.train.TrainingStep;

/**
 * An executor thread's copy of the model: made once per thread, model and GPU, since backends are not
 * thread-safe, Spark runs a local executor's tasks on several threads, and a thread's tasks may be
 * given different GPUs.
 */
final class Worker {
    /** This thread's workers, by model and by the GPU their backend computes on ("" for none). */
    private static final ThreadLocal<Map<String, Worker>> WORKERS = ThreadLocal.withInitial(HashMap::new);

    private final WorkerModel spec;
    private final Backend backend;
    private final Model network;
    private final Loss loss;
    private final Pass pass;
    private final long seed;
    private Optimizer localOptimizer;
    private OptimizerSpec localSpec;
    private TrainingStep localStep;
    /** The model's and the local optimizer's matrices that a round starts from and sends back. */
    private List<Matrix> roundState;
    private float[] roundX = new float[0];
    private float[] roundY = new float[0];
    private int[] roundExamples = new int[0];
    private final Buffers inputs;
    private final Buffers targets;
    private final Buffers outputGrads;

    private Worker(WorkerModel spec) {
        this.spec = spec;
        backend = spec.newBackend();
        network = spec.build(backend);
        loss = network.loss();
        pass = Pass.training(spec.seed());
        seed = spec.seed();
        inputs = new Buffers(backend);
        targets = new Buffers(backend);
        outputGrads = new Buffers(backend);
    }

    /**
     * This thread's worker for {@code spec}. Its backend computes with the task's cores ({@code
     * spark.task.cpus}, 1 unless set), since Spark runs a task on each of the executor's cores; when
     * Spark assigned the task a GPU ({@code spark.task.resource.gpu.amount}), the worker's backend
     * computes on that GPU, whichever GPU the thread's earlier tasks had.
     */
    static Worker of(WorkerModel spec) {
        TaskContext task = TaskContext.get();
        ResourceInformation gpu = task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
        String device = gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
        // A thread runs tasks that Spark may give different GPUs: a worker per GPU, made on its first task.
        Map<String, Worker> workers = WORKERS.get();
        String key = spec.hashCode() + "@" + (device == null ? "" : device);
        Worker worker = workers.get(key);
        if (worker == null || !worker.spec.equals(spec)) {
            Devices.request(device);
            Threads.request(task == null ? 0 : task.cpus());
            worker = new Worker(spec);
            workers.put(key, worker);
        }
        return worker;
    }

    /**
     * The gradients of the loss summed (not averaged) over rows {@code rows[first .. end)} of {@code
     * block} in epoch {@code epoch}, from the parameters and buffers of {@code state}; after them, the
     * buffers as the forward pass left them (batch normalisation's running statistics). All are times
     * the rows' count, so that the driver's sum over partitions divided by the batch size is their
     * average weighted by examples.
     */
    PartialSums gradients(ModelState state, ExampleBlock block, int[] rows, int first, int end, int epoch) {
        long started = System.nanoTime();
        state.copyInto(network);
        int count = end - first;
        int d = network.inputSize();
        int k = network.outputSize();
        float[] x = new float[count * d];
        float[] y = new float[count * k];
        int[] examples = new int[count];
        gather(block, rows, first, count, k, x, y, examples);
        DType dtype = network.dtype();
        Matrix xm = inputs.get(dtype, count, d);
        Matrix ym = targets.get(dtype, count, k);
        backend.copyIn(x, xm);
        backend.copyIn(y, ym);
        Matrix grad = outputGrads.get(dtype, count, k);
        // Keyed by the examples' indices, as on one machine, so that dropout draws the same masks.
        pass.keyRows(epoch, examples, 0, count);
        double meanLoss = loss.forwardBackward(network.forward(xm, pass), ym, grad);
        network.backward(grad, false);
        List<Matrix> sums = new ArrayList<>(network.parameterGradients());
        network.buffers().values().forEach(b -> sums.add(b.value()));
        PartialSums result = PartialSums.weighted(backend, dtype, sums, meanLoss * count, count);
        result.computeNanos = System.nanoTime() - started;
        return result;
    }

    /**
     * A round of local steps, as parameter averaging takes them: from {@code state} (the parameters,
     * buffers and optimizer state, in the order of {@link ModelState#matrices(Model, Optimizer)}),
     * {@code steps} steps of {@code optimizer} on this block's rows in the round, {@code rows[first ..
     * last)} in the epoch's order, cut into {@code steps} batches of sizes that differ by one at most
     * (so that the layers' buffers take two shapes, not one per step). Returns that state after the
     * round, times the examples used, and the round's loss sum.
     *
     * @param done the driver's optimizer's steps before the round, for Adam's bias correction
     */
    PartialSums localRound(ModelState state, OptimizerSpec optimizer, double learningRate, long done,
            ExampleBlock block, int[] rows, int first, int last, int steps, int epoch) {
        long started = System.nanoTime();
        if (!optimizer.equals(localSpec)) {
            localOptimizer = optimizer.build(backend, network.parameterValues());
            localSpec = optimizer;
            localStep = new TrainingStep(network, loss, localOptimizer, seed);
            roundState = ModelState.matrices(network, localOptimizer);
        }
        state.copyInto(backend, roundState);
        localOptimizer.setLearningRate(learningRate);
        localOptimizer.resumeAfter(done);
        int d = network.inputSize();
        int k = network.outputSize();
        int total = last - first;
        int batches = Math.min(steps, total);
        double lossSum = 0;
        for (int b = 0; b < batches; b++) {
            int from = first + (int) ((long) b * total / batches);
            int count = first + (int) ((long) (b + 1) * total / batches) - from;
            if (roundX.length != count * d) {
                roundX = new float[count * d];
                roundY = new float[count * k];
                roundExamples = new int[count];
            }
            gather(block, rows, from, count, k, roundX, roundY, roundExamples);
            lossSum += localStep.run(roundX, roundY, count, epoch, roundExamples, 0) * count;
        }
        PartialSums result = PartialSums.weighted(backend, network.dtype(), roundState, lossSum, total);
        result.computeNanos = System.nanoTime() - started;
        return result;
    }

    /**
     * Rows {@code rows[from .. from + count)} of {@code block}: their features into {@code x}, their
     * classes one-hot into {@code y} ({@code count x k}) and their indices in the training set into
     * {@code examples}.
     */
    private static void gather(ExampleBlock block, int[] rows, int from, int count, int k, float[] x, float[] y,
            int[] examples) {
        int d = block.featureCount;
        java.util.Arrays.fill(y, 0, count * k, 0);
        for (int r = 0; r < count; r++) {
            int row = rows[from + r];
            System.arraycopy(block.features, row * d, x, r * d, d);
            y[r * k + block.labels[row]] = 1;
            examples[r] = block.indices[row];
        }
    }
}
