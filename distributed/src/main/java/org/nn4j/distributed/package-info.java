/**
 * Data-parallel training on Apache Spark. {@link org.nn4j.distributed.SparkData} puts the training
 * set on the executors once, one cached block of dense arrays per partition, from the driver's copy
 * or read by the executors themselves ({@link org.nn4j.distributed.IdxFiles}). Synchronous ({@link
 * org.nn4j.distributed.SparkUpdater}): each step the driver broadcasts the weights, every partition
 * computes the summed gradient of its share of the global batch on the backend chosen on its
 * executor, the driver adds them up in partition order and applies the optimizer, so a run gives
 * the result of one machine. Parameter averaging ({@link org.nn4j.distributed.AveragingUpdater}):
 * partitions take several steps of their own between averages. The {@link org.nn4j.train.Trainer}
 * decides the batches either way.
 */
package org.nn4j.distributed;
