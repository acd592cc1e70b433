package org.nn4j.distributed;

import java.io.Serializable;

/**
 * A training set in files that the executors read themselves, a partition's block each, so that the
 * driver never holds it: Fashion-MNIST's IDX files ({@link IdxFiles}) or a CSV file ({@link CsvFiles}).
 */
interface ExecutorFiles extends Serializable {

    /** The training examples. */
    int count();

    /** Each example's features. */
    int featureCount();

    /** The partitions the files are read in, for {@code requested} (the cluster's parallelism). */
    int partitions(int requested);

    /** Partition {@code p}'s examples of {@code parts} (as {@link #partitions} gave), with their training indices. */
    ExampleBlock partition(int p, int parts);
}
