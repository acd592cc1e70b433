package org.nn4j.distributed;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
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

    /**
     * @param batchSize the trainer's batch size, which the round's batches follow
     * @param averageEvery the batches between averages, at least 1
     */
    public AveragingUpdater(JavaSparkContext spark, Dataset train, int partitions, Model network, Optimizer optimizer,
            String backend, long seed, int batchSize, int averageEvery) {
        if (averageEvery < 1) {
            throw new IllegalArgumentException("--average-every must be at least 1, not " + averageEvery);
        }
        this.spark = spark;
        this.data = new SparkData(spark, train, partitions);
        this.network = network;
        this.optimizer = optimizer;
        this.spec = WorkerModel.of(network, backend, seed);
        this.batchSize = Math.min(batchSize, train.size());
        this.averageEvery = averageEvery;
    }

    @Override
    public double update(int epoch, int[] order, int from, int count) {
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

        Broadcast<int[]> epochPositions = data.positions(epoch, order);
        List<String> slots = optimizer.slots();
        List<Matrix> parameters = network.parameterValues();
        Backend backend = network.backend();
        double[][][] slotState = new double[slots.size()][parameters.size()][];
        for (int s = 0; s < slots.size(); s++) {
            for (int i = 0; i < parameters.size(); i++) {
                slotState[s][i] = backend.toArray(optimizer.state(slots.get(s), i));
            }
        }
        Broadcast<ModelState> state = spark.broadcast(ModelState.of(network));
        Broadcast<double[][][]> optimizerState = spark.broadcast(slotState);
        OptimizerSpec optimizerSpec = OptimizerSpec.of(optimizer);
        double rate = optimizer.learningRate();
        long steps = optimizer.steps();
        WorkerModel model = spec;
        String dataId = data.id;
        int roundStart = roundFroms[0];
        int roundEnd = roundFroms[batches - 1] + roundCounts[batches - 1];
        int localSteps = batches;
        JavaRDD<PartialSums> partials = data.blocks.mapPartitionsWithIndex((Integer partition,
                Iterator<ExampleBlock> it) -> {
            ExampleBlock block = it.next();
            ExampleBlock.EpochRows rows = SparkData.rows(dataId, epochPositions, partition, block);
            int first = rows.first(roundStart);
            int last = rows.first(roundEnd);
            return List.of(first == last ? PartialSums.empty() : Worker.of(model).localRound(state.value(),
                    optimizerState.value(), optimizerSpec, rate, steps, block, rows.rows(), first, last, localSteps, epoch))
                    .iterator();
        }, true);
        PartialSums total = SparkTraining.onCluster(
                () -> partials.treeAggregate(PartialSums.empty(), PartialSums::add, PartialSums::add));
        state.destroy();
        optimizerState.destroy();
        if (total.count != roundEnd - roundStart) {
            throw new IllegalStateException("the partitions trained on " + total.count + " examples for a round of "
                    + (roundEnd - roundStart));
        }
        double loss = total.lossSum / total.count;
        if (!Double.isFinite(loss)) {
            return loss; // the trainer stops here; the round is not applied
        }
        List<Matrix> all = ModelState.matrices(network);
        for (int i = 0; i < total.parts(); i++) {
            Matrix target = i < all.size() ? all.get(i)
                    : optimizer.state(slots.get((i - all.size()) / parameters.size()), (i - all.size()) % parameters.size());
            backend.copyIn(total.mean(i), target);
        }
        optimizer.resumeAfter(steps + batches);
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
