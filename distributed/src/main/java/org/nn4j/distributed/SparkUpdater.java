package org.nn4j.distributed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * One training step on a Spark cluster: the driver broadcasts the parameters and buffers (in the
 * model's dtype), each partition sums the gradients of its examples in the step's batch, {@code
 * treeAggregate} adds the partitions' sums, and the driver divides by the batch size and applies the
 * optimizer, as on one machine.
 *
 * <p>The training set goes to the executors once: the driver broadcasts its arrays, each partition
 * cuts its block of examples from them on its executor and caches it, so no task carries examples.
 * Once per epoch, each partition orders its rows by their place in the epoch's shuffle; a step then
 * finds its rows by binary search, without scanning the block, and a partition without rows in the
 * step sends back an empty sum.
 */
public final class SparkUpdater implements BatchUpdater, AutoCloseable {
    /**
     * Each partition's rows in its updater's current epoch's order, per executor JVM, keyed by the
     * updater and the partition; an entry holds the id of its epoch's positions broadcast.
     */
    private static final Map<String, Map.Entry<Long, ExampleBlock.EpochRows>> EPOCH_ROWS = new ConcurrentHashMap<>();

    private final JavaSparkContext spark;
    private final Broadcast<float[]> features;
    private final Broadcast<int[]> labels;
    private final JavaRDD<ExampleBlock> blocks;
    private final int partitions;
    private final Model network;
    private final Optimizer optimizer;
    private final WorkerModel spec;
    private final List<Matrix> state;
    private final String id = java.util.UUID.randomUUID().toString();
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
        this.spark = spark;
        this.partitions = Math.min(partitions > 0 ? partitions : spark.defaultParallelism(), train.size());
        this.network = network;
        this.optimizer = optimizer;
        this.spec = WorkerModel.of(network, backend, seed);
        this.state = ModelState.matrices(network);
        this.features = spark.broadcast(train.features());
        this.labels = spark.broadcast(train.labels());
        Broadcast<float[]> x = features;
        Broadcast<int[]> y = labels;
        int n = train.size();
        int d = train.featureCount();
        int parts = this.partitions;
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        this.blocks = spark.parallelize(ids, parts)
                .map(p -> ExampleBlock.slice(x.value(), y.value(), d, (int) ((long) p * n / parts),
                        (int) ((long) (p + 1) * n / parts)))
                .persist(StorageLevel.MEMORY_ONLY());
        this.blocks.count();
    }

    /** Bytes that one step moves, as last measured: the state broadcast out, the partitions' sums back. */
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
        ModelState current = ModelState.of(network);
        Broadcast<ModelState> broadcastState = spark.broadcast(current);
        Broadcast<int[]> epochPositions = positions;
        WorkerModel model = spec;
        String updater = id;
        int epochOfBatch = epochNumber;
        int end = from + count;
        JavaRDD<GradientSum> partials = blocks.mapPartitionsWithIndex((Integer partition,
                Iterator<ExampleBlock> it) -> {
            ExampleBlock block = it.next();
            ExampleBlock.EpochRows rows = epochRows(updater, epochPositions, partition, block);
            int first = rows.first(from);
            int last = rows.first(end);
            return List.of(first == last ? GradientSum.empty()
                    : Worker.of(model).gradients(broadcastState.value(), block, rows.rows(), first, last,
                            epochOfBatch)).iterator();
        }, true);
        GradientSum total = partials.treeAggregate(GradientSum.empty(), GradientSum::add, GradientSum::add);
        broadcastState.destroy();
        if (total.count != count) {
            throw new IllegalStateException("the partitions summed " + total.count + " examples for a batch of " + count);
        }
        bytesPerStep = current.bytes() + (long) partitions * total.bytes();
        double loss = total.lossSum / count;
        if (!Double.isFinite(loss)) {
            return loss;
        }
        Backend backend = network.backend();
        List<Matrix> gradients = network.parameterGradients();
        for (int i = 0; i < state.size(); i++) {
            // Buffers (batchnorm's running statistics) become their average over the partitions, by examples.
            backend.copyIn(total.mean(i), i < gradients.size() ? gradients.get(i) : state.get(i));
        }
        optimizer.step(gradients);
        return loss;
    }

    /** The rows of {@code block} in the order of the epoch whose positions are {@code positions}, made once per epoch. */
    private static ExampleBlock.EpochRows epochRows(String updater, Broadcast<int[]> positions, int partition,
            ExampleBlock block) {
        String key = updater + ":" + partition;
        Map.Entry<Long, ExampleBlock.EpochRows> cached = EPOCH_ROWS.get(key);
        if (cached == null || cached.getKey() != positions.id()) {
            cached = Map.entry(positions.id(), block.order(positions.value()));
            EPOCH_ROWS.put(key, cached);
        }
        return cached.getValue();
    }

    /** Frees the cached blocks and the broadcast training set. */
    @Override
    public void close() {
        EPOCH_ROWS.keySet().removeIf(key -> key.startsWith(id + ":"));
        blocks.unpersist(false);
        features.destroy();
        labels.destroy();
        if (positions != null) {
            positions.destroy();
        }
    }
}
