package org.nn4j.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.nn4j.data.Dataset;
import org.nn4j.data.Standardizer;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * A training set on a Spark cluster: each partition makes its block of examples on its executor and
 * caches it, so that no task carries examples; the block comes from the driver's arrays, broadcast
 * once, or from files that the executors read themselves. Once
 * per epoch, each partition orders its rows by their place in the epoch's shuffle; a step then finds
 * its rows by binary search, without scanning the block.
 */
final class SparkData implements AutoCloseable {
    /**
     * Each partition's rows in its data set's current epoch's order, per executor JVM, keyed by the
     * data set and the partition; an entry holds the id of its epoch's positions broadcast.
     */
    private static final Map<String, Map.Entry<Long, ExampleBlock.EpochRows>> EPOCH_ROWS = new ConcurrentHashMap<>();

    /** The most bytes of features a partition holds: far under the 2 GiB that Spark moves as one block. */
    static final long MAX_PARTITION_BYTES = 512L << 20;

    private final JavaSparkContext spark;
    private final List<Broadcast<?>> owned;
    final JavaRDD<ExampleBlock> blocks;
    final int partitions;
    final int size;
    final String id = java.util.UUID.randomUUID().toString();
    private int epoch = -1;
    private Broadcast<int[]> positions;
    private final scala.collection.immutable.Seq<Object> everyPartition;

    /** A job's work on one partition: its sums from the partition's block. */
    interface PartitionWork extends Serializable {
        PartialSums run(int partition, ExampleBlock block);
    }

    /** Makes partition {@code p}'s block of {@code parts} on its executor. */
    private interface BlockSource extends Serializable {
        ExampleBlock partition(int p, int parts);
    }

    /** A Scala function that Java code can make as a lambda and Spark can ship. */
    private interface ShippedFunction<A, B, R> extends scala.Function2<A, B, R>, Serializable {
    }

    /**
     * Spreads {@code train}, which the driver holds, over {@code partitions} partitions (the context's
     * default parallelism when 0, more where a partition would hold over {@value #MAX_PARTITION_BYTES}
     * bytes): the driver broadcasts its arrays once and each partition cuts its block from them.
     */
    SparkData(JavaSparkContext spark, Dataset train, int partitions) {
        this(spark, train.size(), partitionCount(partitions > 0 ? partitions : spark.defaultParallelism(),
                train.size(), train.featureCount()), broadcastSource(spark, train));
    }

    /**
     * Spreads the training set of {@code files} over its partitions (as many as the context's default
     * parallelism when {@code partitions} is 0, or as the files' layout needs), each reading its block
     * from the files on its executor and standardising it by {@code standardizer} (null: as it is): the
     * driver never holds the examples.
     */
    SparkData(JavaSparkContext spark, ExecutorFiles files, Standardizer standardizer, int partitions) {
        this(spark, files.count(), files.partitions(partitions > 0 ? partitions : spark.defaultParallelism()),
                Map.entry((p, parts) -> standardized(files.partition(p, parts), standardizer), List.of()));
    }

    private static ExampleBlock standardized(ExampleBlock block, Standardizer standardizer) {
        if (standardizer != null) {
            standardizer.apply(block.features);
        }
        return block;
    }

    /**
     * The standardisation of the training set in {@code files}, from per-feature sums in float64 that
     * each partition computes from its own rows (added in partition order), so that the driver never
     * holds the examples; the same arithmetic as {@link Standardizer#fit} on the driver's copy.
     */
    static Standardizer fit(JavaSparkContext spark, ExecutorFiles files) {
        int n = files.count();
        int d = files.featureCount();
        int parts = files.partitions(spark.defaultParallelism());
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        List<double[][]> sums = SparkTraining.onCluster(() -> spark.parallelize(ids, parts).map(p -> {
            ExampleBlock block = files.partition(p, parts);
            double[][] s = new double[2][d];
            for (int i = 0; i < block.features.length; i++) {
                s[0][i % d] += block.features[i];
                s[1][i % d] += (double) block.features[i] * block.features[i];
            }
            return s;
        }).collect());
        double[] sum = new double[d];
        double[] sumOfSquares = new double[d];
        for (double[][] s : sums) {
            for (int j = 0; j < d; j++) {
                sum[j] += s[0][j];
                sumOfSquares[j] += s[1][j];
            }
        }
        return Standardizer.of(sum, sumOfSquares, n);
    }

    private SparkData(JavaSparkContext spark, int n, int parts, Map.Entry<BlockSource, List<Broadcast<?>>> source) {
        this.spark = spark;
        this.size = n;
        this.owned = source.getValue();
        this.partitions = parts;
        BlockSource rows = source.getKey();
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        this.blocks = spark.parallelize(ids, parts).map(p -> rows.partition(p, parts))
                .persist(StorageLevel.MEMORY_ONLY());
        SparkTraining.onCluster(this.blocks::count);
        this.everyPartition = scala.jdk.javaapi.CollectionConverters.asScala(new ArrayList<Object>(ids)).toList();
    }

    private static Map.Entry<BlockSource, List<Broadcast<?>>> broadcastSource(JavaSparkContext spark, Dataset train) {
        Broadcast<float[]> x = spark.broadcast(train.features());
        Broadcast<int[]> y = spark.broadcast(train.labels());
        int d = train.featureCount();
        int n = train.size();
        return Map.entry((p, parts) -> ExampleBlock.slice(x.value(), y.value(), d, (int) ((long) p * n / parts),
                (int) ((long) (p + 1) * n / parts)), List.of(x, y));
    }

    /**
     * {@code requested} partitions, more where one would hold over {@value #MAX_PARTITION_BYTES} bytes
     * of features, and no more than there are examples.
     */
    static int partitionCount(int requested, long examples, int featureCount) {
        long bytes = examples * featureCount * Float.BYTES;
        long needed = (bytes + MAX_PARTITION_BYTES - 1) / MAX_PARTITION_BYTES;
        return (int) Math.max(1, Math.min(examples, Math.max(requested, needed)));
    }

    /**
     * Checks, before training starts, that a job's results ({@code bytesPerPartition} from each
     * partition) fit {@code spark.driver.maxResultSize}, which would otherwise abort the first job.
     *
     * @throws org.nn4j.api.SettingException naming the setting and the sizes
     */
    void requireResultsFit(long bytesPerPartition) {
        long limit = spark.sc().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
        long total = bytesPerPartition * partitions;
        if (limit > 0 && total > limit) {
            throw new org.nn4j.api.SettingException(String.format(java.util.Locale.ROOT, "the %d partitions' results"
                    + " of a step, %d x %.1f MB, are over spark.driver.maxResultSize (%s); raise it, for example"
                    + " --spark-conf spark.driver.maxResultSize=%dm", partitions, partitions, bytesPerPartition / 1e6,
                    spark.sc().getConf().get("spark.driver.maxResultSize", "1g"), (total >> 20) * 2 + 1));
        }
    }

    /**
     * Runs {@code work} on every partition and adds up their sums on the driver in the partitions'
     * order, so that a run's sums are the same to the last bit whichever task ends first (a result
     * waits while an earlier partition's is missing). The job runs on the cached blocks themselves,
     * with a plain Java function: RDD methods would make a new RDD per job and have Spark's closure
     * cleaner parse the bytecode of their Scala closures, which took about 10 ms of a 20 ms job on 2
     * cores here.
     */
    PartialSums sum(PartitionWork work) {
        InOrder total = new InOrder();
        ShippedFunction<TaskContext, scala.collection.Iterator<ExampleBlock>, PartialSums> onPartition =
                (task, it) -> work.run(task.partitionId(), it.next());
        ShippedFunction<Object, PartialSums, BoxedUnit> add = (partition, sums) -> {
            total.add((Integer) partition, sums);
            return BoxedUnit.UNIT;
        };
        return SparkTraining.onCluster(() -> {
            spark.sc().runJob(blocks.rdd(), onPartition, everyPartition, add, ClassTag$.MODULE$.apply(PartialSums.class));
            return total.sum;
        });
    }

    /** Partitions' sums added in partition order as they arrive, in any order. */
    private static final class InOrder {
        private final Map<Integer, PartialSums> waiting = new java.util.HashMap<>();
        private int next;
        private PartialSums sum = PartialSums.empty();

        synchronized void add(int partition, PartialSums sums) {
            waiting.put(partition, sums);
            for (PartialSums ready = waiting.remove(next); ready != null; ready = waiting.remove(next)) {
                sum = sum.add(ready);
                next++;
            }
        }
    }

    /** Each example's place in epoch {@code epochNumber}'s order, broadcast once per epoch. */
    Broadcast<int[]> positions(int epochNumber, int[] order) {
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
        return positions;
    }

    /** The rows of {@code block} in the order of the epoch whose positions are {@code positions}, made once per epoch. */
    static ExampleBlock.EpochRows rows(String data, Broadcast<int[]> positions, int partition, ExampleBlock block) {
        String key = data + ":" + partition;
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
        owned.forEach(Broadcast::destroy);
        if (positions != null) {
            positions.destroy();
        }
    }
}
