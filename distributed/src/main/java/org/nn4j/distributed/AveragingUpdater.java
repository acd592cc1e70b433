package org.nn4j.distributed;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.Optimizer;
import org.nn4j.train.Trainer;

/**
 * Parameter averaging (local SGD) on a Spark cluster: every {@code averageEvery} batches (a round),
 * each partition starts from the driver's parameters, buffers and optimizer state, takes {@code
 * averageEvery} steps of its own on its examples of those batches (in the epoch's order, cut into
 * batches of equal size), and the driver then sets parameters, buffers and optimizer state to the
 * partitions' average, weighted by the examples each trained on. One job per round instead of one
 * per batch; with one partition and rounds of whole batches it is training on one machine, step for
 * step.
 *
 * <p>The {@link Trainer} still sees one update per batch: the first batch of a round runs the round,
 * and every batch of the round reports the round's mean loss.
 */
public final class AveragingUpdater implements BatchUpdater, AutoCloseable {
    private final JavaSparkContext spark;
    private final SparkData data;
    private final Model network;
    private final Optimizer optimizer;
    private final WorkerModel spec;
    private final int batchSize;
    private final int averageEvery;
    private final Map<Long, Double> pendingLosses = new HashMap<>();
    /** The parameters, buffers and optimizer state that a round averages. */
    private final List<Matrix> roundState;
    private final JobCosts costs = new JobCosts("round");

    /**
     * @param batchSize the trainer's batch size, which the round's batches follow
     * @param averageEvery the batches between averages, at least 1
     */
    public AveragingUpdater(JavaSparkContext spark, Dataset train, int partitions, Model network, Optimizer optimizer,
            String backend, long seed, int batchSize, int averageEvery) {
        // The rounds are checked before the data goes to the cluster.
        this(spark, afterCheck(averageEvery, () -> new SparkData(spark, train, partitions)), network, optimizer,
                backend, seed, batchSize, averageEvery);
    }

    AveragingUpdater(JavaSparkContext spark, SparkData data, Model network, Optimizer optimizer, String backend,
            long seed, int batchSize, int averageEvery) {
        requireRounds(averageEvery);
        this.spark = spark;
        this.data = data;
        this.network = network;
        this.optimizer = optimizer;
        this.spec = WorkerModel.of(network, backend, seed);
        this.batchSize = Math.min(batchSize, data.size);
        this.averageEvery = averageEvery;
        this.roundState = ModelState.matrices(network, optimizer);
        data.requireResultsFit(ModelState.bytes(roundState, network.dtype()));
    }

    private static void requireRounds(int averageEvery) {
        if (averageEvery < 1) {
            throw new IllegalArgumentException("--average-every must be at least 1, not " + averageEvery);
        }
    }

    private static SparkData afterCheck(int averageEvery, java.util.function.Supplier<SparkData> data) {
        requireRounds(averageEvery);
        return data.get();
    }

    /** Where a round's time went, as {@link JobCosts#describe} says. */
    String costs() {
        return costs.describe();
    }

    @Override
    public double update(int epoch, int[] order, int from, int count) {
        // A cluster lost, or an application Spark stopped, is told in one line.
        return SparkTraining.guarded(() -> step(epoch, order, from, count));
    }

    private double step(int epoch, int[] order, int from, int count) {
        Double pending = pendingLosses.remove(key(epoch, from));
        if (pending != null) {
            return pending;
        }
        pendingLosses.clear();
        int n = order.length;
        int lastStart = (Trainer.batches(n, batchSize) - 1) * batchSize;
        int batches = 0;
        int[] froms = new int[averageEvery];
        int[] counts = new int[averageEvery];
        for (int start = from; batches < averageEvery && start <= lastStart; start += batchSize) {
            froms[batches] = start;
            counts[batches] = start == lastStart ? n - start : batchSize;
            batches++;
        }
        int[] roundFroms = java.util.Arrays.copyOf(froms, batches);
        int[] roundCounts = java.util.Arrays.copyOf(counts, batches);

        long started = System.nanoTime();
        Broadcast<int[]> epochPositions = data.positions(epoch, order);
        Backend backend = network.backend();
        ModelState current = ModelState.of(backend, network.dtype(), roundState);
        Broadcast<ModelState> state = spark.broadcast(current);
        OptimizerSpec optimizerSpec = OptimizerSpec.of(optimizer);
        double rate = optimizer.learningRate();
        long steps = optimizer.steps();
        WorkerModel model = spec;
        String dataId = data.id;
        int roundStart = roundFroms[0];
        int roundEnd = roundFroms[batches - 1] + roundCounts[batches - 1];
        int localSteps = batches;
        long launched = System.nanoTime();
        PartialSums total = data.sum((partition, block) -> {
            ExampleBlock.EpochRows rows = SparkData.rows(dataId, epochPositions, partition, block);
            int first = rows.first(roundStart);
            int last = rows.first(roundEnd);
            return first == last ? PartialSums.empty() : Worker.of(model).localRound(state.value(), optimizerSpec, rate,
                    steps, block, rows.rows(), first, last, localSteps, epoch);
        });
        long finished = System.nanoTime();
        state.destroy();
        if (total.count != roundEnd - roundStart) {
            throw new IllegalStateException("the partitions trained on " + total.count + " examples for a round of "
                    + (roundEnd - roundStart));
        }
        double loss = total.lossSum / total.count;
        if (!Double.isFinite(loss)) {
            return loss; // the trainer stops here; the round is not applied
        }
        for (int i = 0; i < total.parts(); i++) {
            total.meanInto(i, backend, roundState.get(i));
        }
        optimizer.resumeAfter(steps + batches);
        costs.add(epoch, launched - started, finished - launched, total.computeNanos, System.nanoTime() - finished,
                current.bytes(), total.resultBytes);
        for (int b = 1; b < batches; b++) {
            pendingLosses.put(key(epoch, roundFroms[b]), loss);
        }
        return loss;
    }

    private static long key(int epoch, int from) {
        return ((long) epoch << 32) | from;
    }

    /** Frees the data on the cluster. */
    @Override
    public void close() {
        data.close();
    }
}
