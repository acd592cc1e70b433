package org.nn4j.data;

/**
 * Labelled examples a model trains on, known by their number and shape: a {@link Dataset} held in
 * memory, or a training set that something else holds and computes on (a cluster's executors: {@code
 * org.nn4j.train.DistributedTraining.ClusterData}), which a trainer reaches through that holder's
 * batch updater.
 */
public interface Examples {

    /** How many examples there are. */
    int size();

    /** Features per example. */
    int featureCount();

    /** Classes the labels are of; 0 for regression targets. */
    int classCount();

    /** The model outputs the examples need: one per class (the default), or one per regression target. */
    default int outputCount() {
        return classCount();
    }

    /** Where the examples are, for messages. */
    String source();

    /**
     * Examples that something else holds: {@code size} of {@code featureCount} features and {@code
     * classCount} classes, at {@code source}; a trainer that fits them needs the updater of what holds
     * them.
     */
    static Examples elsewhere(int size, int featureCount, int classCount, String source) {
        return new Elsewhere(size, featureCount, classCount, source);
    }
}

/** The examples {@link Examples#elsewhere} describes. */
record Elsewhere(int size, int featureCount, int classCount, String source) implements Examples {
}
