package org.nn4j.distributed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.Optimizer;

/**
 * One training step on a Spark cluster: the driver broadcasts the weights, each partition sums the
 * gradients of its examples in the step's batch, {@code treeAggregate} adds the partitions' sums, and
 * the driver divides by the batch size and applies the optimizer, as on one machine.
 */
public final class SparkUpdater implements BatchUpdater {
    private final JavaSparkContext spark;
    private final JavaRDD<Example> examples;
    private final Model network;
    private final Optimizer optimizer;
    private final WorkerModel spec;
    private final int[] parameterSizes;
    private int epoch = -1;
    private Broadcast<int[]> positions;
    private long bytesPerStep;

    /**
     * Spreads {@code train} over {@code partitions} partitions (the context's default parallelism
     * when 0) and trains {@code network} with executors computing on the backend named {@code
     * backend}, their random draws seeded by {@code seed}.
     */
    public SparkUpdater(JavaSparkContext spark, Dataset train, int partitions, Model network, Optimizer optimizer,
            String backend, long seed) {
        this(spark, spark.parallelize(examples(train), partitions > 0 ? partitions : spark.defaultParallelism()),
                network, optimizer, backend, seed);
    }

    SparkUpdater(JavaSparkContext spark, JavaRDD<Example> examples, Model network, Optimizer optimizer,
            String backend, long seed) {
        this.spark = spark;
        this.examples = examples.persist(StorageLevel.MEMORY_ONLY());
        this.network = network;
        this.optimizer = optimizer;
        this.spec = WorkerModel.of(network, backend, seed);
        this.parameterSizes = java.util.stream.Stream.concat(network.parameterValues().stream(),
                network.buffers().values().stream().map(b -> b.value())).mapToInt(Matrix::size).toArray();
        this.examples.count();
    }

    /** Bytes that the partitions' gradient sums carry to the driver in one step, as last measured. */
    public long bytesPerStep() {
        return bytesPerStep;
    }

    @Override
    public double update(int epochNumber, int[] order, int from, int count) {
        if (epochNumber != epoch) {
            if (positions != null) {
                positions.destroy();
            }
            int[] position = new int[order.length];
            for (int p = 0; p < order.length; p++) {
                position[order[p]] = p;
            }
            positions = spark.broadcast(position);
            epoch = epochNumber;
        }
        Backend backend = network.backend();
        List<Matrix> parameters = network.parameterValues();
        List<Matrix> buffers = network.buffers().values().stream().map(b -> b.value()).toList();
        double[][] weights = new double[parameters.size() + buffers.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = backend.toArray(i < parameters.size() ? parameters.get(i) : buffers.get(i - parameters.size()));
        }
        Broadcast<double[][]> broadcastWeights = spark.broadcast(weights);
        Broadcast<int[]> batchPositions = positions;
        WorkerModel model = spec;
        int epochOfBatch = epochNumber;
        int[] sizes = parameterSizes;
        int end = from + count;
        JavaRDD<GradientSum> partials = examples.mapPartitions((Iterator<Example> partition) -> {
            int[] position = batchPositions.value();
            List<Example> mine = new ArrayList<>();
            partition.forEachRemaining(e -> {
                int p = position[e.index()];
                if (p >= from && p < end) {
                    mine.add(e);
                }
            });
            return List.of(mine.isEmpty() ? GradientSum.zero(sizes)
                    : Worker.of(model).gradients(broadcastWeights.value(), mine, epochOfBatch)).iterator();
        });
        GradientSum total = partials.treeAggregate(GradientSum.zero(sizes), GradientSum::add, GradientSum::add);
        broadcastWeights.destroy();
        bytesPerStep = (long) examples.getNumPartitions() * 8 * java.util.Arrays.stream(sizes).asLongStream().sum();
        if (total.count != count) {
            throw new IllegalStateException("the partitions summed " + total.count + " examples for a batch of " + count);
        }
        double loss = total.lossSum / count;
        if (!Double.isFinite(loss)) {
            return loss;
        }
        List<Matrix> gradients = network.parameterGradients();
        for (int i = 0; i < total.sums.length; i++) {
            double[] mean = total.sums[i];
            for (int j = 0; j < mean.length; j++) {
                mean[j] /= count;
            }
            // Buffers (batchnorm's running statistics) become their average over the partitions, by examples.
            backend.copyIn(mean, i < gradients.size() ? gradients.get(i) : buffers.get(i - gradients.size()));
        }
        optimizer.step(gradients);
        return loss;
    }

    private static List<Example> examples(Dataset data) {
        List<Example> examples = new ArrayList<>(data.size());
        int d = data.featureCount();
        for (int i = 0; i < data.size(); i++) {
            examples.add(new Example(i, java.util.Arrays.copyOfRange(data.features(), i * d, (i + 1) * d),
                    data.labels()[i]));
        }
        return examples;
    }
}
