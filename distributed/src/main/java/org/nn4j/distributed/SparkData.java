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
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * A training set on a Spark cluster: the driver broadcasts its arrays once, each partition cuts its
 * block of examples from them on its executor and caches it, so that no task carries examples. Once
 * per epoch, each partition orders its rows by their place in the epoch's shuffle; a step then finds
 * its rows by binary search, without scanning the block.
 */
final class SparkData implements AutoCloseable {
    /**
     * Each partition's rows in its data set's current epoch's order, per executor JVM, keyed by the
     * data set and the partition; an entry holds the id of its epoch's positions broadcast.
     */
    private static final Map<String, Map.Entry<Long, ExampleBlock.EpochRows>> EPOCH_ROWS = new ConcurrentHashMap<>();

    private final JavaSparkContext spark;
    private final Broadcast<float[]> features;
    private final Broadcast<int[]> labels;
    final JavaRDD<ExampleBlock> blocks;
    final int partitions;
    final String id = java.util.UUID.randomUUID().toString();
    private int epoch = -1;
    private Broadcast<int[]> positions;
    private final scala.collection.immutable.Seq<Object> everyPartition;

    /** A job's work on one partition: its sums from the partition's block. */
    interface PartitionWork extends Serializable {
        PartialSums run(int partition, ExampleBlock block);
    }

    /** A Scala function that Java code can make as a lambda and Spark can ship. */
    private interface ShippedFunction<A, B, R> extends scala.Function2<A, B, R>, Serializable {
    }

    /** Spreads {@code train} over {@code partitions} partitions (the context's default parallelism when 0). */
    SparkData(JavaSparkContext spark, Dataset train, int partitions) {
        this.spark = spark;
        this.partitions = Math.min(partitions > 0 ? partitions : spark.defaultParallelism(), train.size());
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
        SparkTraining.onCluster(this.blocks::count);
        this.everyPartition = scala.jdk.javaapi.CollectionConverters.asScala(new ArrayList<Object>(ids)).toList();
    }

    /**
     * Runs {@code work} on every partition and adds up their sums on the driver as they arrive. The job
     * runs on the cached blocks themselves, with a plain Java function: RDD methods would make a new
     * RDD per job and have Spark's closure cleaner parse the bytecode of their Scala closures, which
     * took about 10 ms of a 20 ms job on 2 cores here.
     */
    PartialSums sum(PartitionWork work) {
        PartialSums[] total = {PartialSums.empty()};
        ShippedFunction<TaskContext, scala.collection.Iterator<ExampleBlock>, PartialSums> onPartition =
                (task, it) -> work.run(task.partitionId(), it.next());
        ShippedFunction<Object, PartialSums, BoxedUnit> add = (partition, sums) -> {
            total[0] = total[0].add(sums);
            return BoxedUnit.UNIT;
        };
        return SparkTraining.onCluster(() -> {
            spark.sc().runJob(blocks.rdd(), onPartition, everyPartition, add, ClassTag$.MODULE$.apply(PartialSums.class));
            return total[0];
        });
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
        features.destroy();
        labels.destroy();
        if (positions != null) {
            positions.destroy();
        }
    }
}
