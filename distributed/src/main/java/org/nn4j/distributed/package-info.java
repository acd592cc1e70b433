/**
 * Synchronous data-parallel training on Apache Spark: each step the driver broadcasts the weights,
 * every partition computes the summed gradient of its share of the global batch on the backend chosen
 * on its executor, {@code treeAggregate} adds them up, and the driver applies the optimizer. The
 * {@link org.nn4j.train.Trainer} still decides the batches, so a run gives the result of one machine.
 */
package org.nn4j.distributed;
