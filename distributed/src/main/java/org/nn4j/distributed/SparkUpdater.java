package org.nn4j.distributed;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.Optimizer;

/**
 * One training step on a Spark cluster: the driver broadcasts the parameters and buffers (in the
 * model's dtype), each partition sums the gradients of its examples in the step's batch ({@link
 * SparkData} keeps the examples on the executors), and the driver adds the partitions' sums in their
 * order, divides by the batch size and applies the optimizer, as on one machine. A partition
 * without rows in the step sends back an empty sum.
 */
public final class SparkUpdater implements BatchUpdater, AutoCloseable {
    private final JavaSparkContext spark;
    private final SparkData data;
    private final Model network;
    private final Optimizer optimizer;
    private final WorkerModel spec;
    private final List<Matrix> state;
    private final JobCosts costs = new JobCosts("step");

    /**
     * Spreads {@code train} over {@code partitions} partitions (the context's default parallelism
     * when 0) and trains {@code network} with executors computing on the backend named {@code
     * backend}, their random draws seeded by {@code seed}.
     */
    public SparkUpdater(JavaSparkContext spark, Dataset train, int partitions, Model network, Optimizer optimizer,
            String backend, long seed) {
        this(spark, new SparkData(spark, train, partitions), network, optimizer, backend, seed);
    }

    SparkUpdater(JavaSparkContext spark, SparkData data, Model network, Optimizer optimizer, String backend, long seed) {
        this.spark = spark;
        this.data = data;
        this.network = network;
        this.optimizer = optimizer;
        this.spec = WorkerModel.of(network, backend, seed);
        this.state = ModelState.matrices(network);
        data.requireResultsFit(ModelState.bytes(state, network.dtype()));
    }

    /** Where a step's time went, as {@link JobCosts#describe} says. */
    String costs() {
        return costs.describe();
    }

    @Override
    public double update(int epochNumber, int[] order, int from, int count) {
        // A cluster lost, or an application Spark stopped, is told in one line.
        return SparkTraining.guarded(() -> step(epochNumber, order, from, count));
    }

    private double step(int epochNumber, int[] order, int from, int count) {
        long started = System.nanoTime();
        Broadcast<int[]> epochPositions = data.positions(epochNumber, order);
        Backend backend = network.backend();
        ModelState current = ModelState.of(backend, network.dtype(), state);
        Broadcast<ModelState> broadcastState = spark.broadcast(current);
        WorkerModel model = spec;
        String dataId = data.id;
        int epochOfBatch = epochNumber;
        int end = from + count;
        long launched = System.nanoTime();
        PartialSums total = data.sum((partition, block) -> {
            ExampleBlock.EpochRows rows = SparkData.rows(dataId, epochPositions, partition, block);
            int first = rows.first(from);
            int last = rows.first(end);
            return first == last ? PartialSums.empty()
                    : Worker.of(model).gradients(broadcastState.value(), block, rows.rows(), first, last, epochOfBatch);
        });
        long finished = System.nanoTime();
        broadcastState.destroy();
        if (total.count != count) {
            throw new IllegalStateException("the partitions summed " + total.count + " examples for a batch of " + count);
        }
        double loss = total.lossSum / count;
        if (!Double.isFinite(loss)) {
            return loss;
        }
        List<Matrix> gradients = network.parameterGradients();
        for (int i = 0; i < state.size(); i++) {
            // Buffers (batchnorm's running statistics) become their average over the partitions, by examples.
            total.meanInto(i, backend, i < gradients.size() ? gradients.get(i) : state.get(i));
        }
        optimizer.step(gradients);
        costs.add(epochNumber, launched - started, finished - launched, total.computeNanos, System.nanoTime() - finished,
                current.bytes(), total.resultBytes);
        return loss;
    }

    /** Frees the data on the cluster. */
    @Override
    public void close() {
        data.close();
    }
}
