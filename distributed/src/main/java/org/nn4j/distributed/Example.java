package org.nn4j.distributed;

import java.io.Serializable;

/**
 * One training example as it lives in an RDD partition: its index in the training set (which the
 * epoch's shuffle maps to a batch), its features and its class.
 */
record Example(int index, float[] features, int label) implements Serializable {
}
