package org.nn4j.train;

import org.nn4j.data.Dataset;
import org.nn4j.data.Examples;
import org.nn4j.nn.Model;

/**
 * A cluster engine that can compute training steps, found with {@link java.util.ServiceLoader}; nn4j's
 * distributed module provides the one for Apache Spark. Nothing in nn4j depends on an implementation.
 */
public interface DistributedTraining {

    /** The engine's name, for example {@code spark}. */
    String name();

    /**
     * Checks, before any work, that {@code master} and {@code settings} are ones the engine can use and
     * that the master is there, so that a mistake in them ends a run at once; {@link #open} checks them
     * too. This one does nothing.
     *
     * @param verbose whether the engine's own log is wanted
     * @throws org.nn4j.io.InvalidInputException naming the master URL or setting at fault and why
     * @throws org.nn4j.api.SettingException naming a master that cannot be reached, and why
     */
    default void check(String master, boolean verbose, java.util.Map<String, String> settings) {
    }

    /**
     * Connects to the cluster at {@code master} and checks that every executor can compute on {@code
     * backend}.
     *
     * @param settings more of the engine's own settings ({@code --spark-conf KEY=VALUE}), which win over
     *     nn4j's defaults
     * @throws org.nn4j.api.SettingException naming the executors where {@code backend} is unavailable, a
     *     master that cannot be reached or does not answer, or why the engine could not start
     * @throws org.nn4j.io.InvalidInputException naming the master URL or setting at fault and why
     */
    Session open(String master, String backend, boolean verbose, java.util.Map<String, String> settings);

    /**
     * As {@link #open(String, String, boolean, java.util.Map)}, telling {@code progress} a line at a time
     * what the session waits for, as it waits (executors a cluster does not give, say), and then too
     * while the session is open.
     */
    default Session open(String master, String backend, boolean verbose, java.util.Map<String, String> settings,
            java.util.function.Consumer<String> progress) {
        return open(master, backend, verbose, settings);
    }

    /**
     * A training set that stays on a cluster's executors, which read it, and the test set the driver
     * evaluates on.
     *
     * @param size the training examples
     * @param featureCount each example's features
     * @param classNames the classes, in label order
     * @param test the held-out examples, on the driver
     * @param description where the data is, for the user
     * @param handle the engine's own reference to the data
     * @param standardizer the standardisation the executors apply to the training set as they read
     *     it (and that {@code test} has had), or null
     */
    record ClusterData(int size, int featureCount, java.util.List<String> classNames, Dataset test,
            String description, Object handle, org.nn4j.data.Standardizer standardizer) implements Examples {

        @Override
        public int classCount() {
            return classNames.size();
        }

        /** The description: where the data is. */
        @Override
        public String source() {
            return description;
        }
    }

    /**
     * The engine named {@code name} ({@code spark}) that {@link java.util.ServiceLoader} finds on the
     * class path (nn4j's distributed module provides it), if any.
     */
    static java.util.Optional<DistributedTraining> find(String name) {
        for (DistributedTraining engine : java.util.ServiceLoader.load(DistributedTraining.class)) {
            if (engine.name().equals(name)) {
                return java.util.Optional.of(engine);
            }
        }
        return java.util.Optional.empty();
    }

    /** A connection to a cluster; closing it ends the cluster session. */
    interface Session extends AutoCloseable {

        /**
         * Makes the updates of {@code model} from {@code train} on the cluster, its random draws seeded
         * by {@code seed}: synchronous, one step for all the cluster per batch, when {@code
         * averageEvery} is 1; else parameter averaging every {@code averageEvery} batches of {@code
         * batchSize}.
         */
        BatchUpdater updater(Dataset train, Model model, Optimizer optimizer, long seed, int batchSize,
                int averageEvery);

        /**
         * Fashion-MNIST's IDX files in {@code directory}, a path that the driver and every executor can
         * read (a shared directory, {@code hdfs://}, {@code s3a://}): the executors read the training
         * set, each its own share, and keep it; the driver reads only its headers, and the test set.
         *
         * @throws org.nn4j.io.InvalidInputException naming the directory or file that is missing or not
         *     Fashion-MNIST's
         */
        default ClusterData readOnExecutors(String directory) {
            throw new UnsupportedOperationException("this cluster engine cannot read data on its executors");
        }

        /**
         * A CSV file of labelled examples at {@code file} (as {@link org.nn4j.data.Csv#read} reads it,
         * the label in {@code labelColumn}), a path that the driver and every executor can read: the
         * executors read and keep the training set, each its own share, and the driver never holds
         * it. The test set is {@code testFile}, which the driver reads, or when that is null the share
         * {@code testFraction} held out with {@code seed}, the same examples as {@link
         * org.nn4j.data.Split#random} holds out on one machine.
         *
         * @throws org.nn4j.io.InvalidInputException naming the file and line that is missing or malformed
         */
        default ClusterData readCsvOnExecutors(String file, String labelColumn, String testFile, double testFraction,
                long seed) {
            throw new UnsupportedOperationException("this cluster engine cannot read data on its executors");
        }

        /**
         * {@code data} standardised, training and test set: by {@code standardizer}, or when it is null
         * by the training set's own statistics, which the executors compute from their shares.
         */
        default ClusterData standardize(ClusterData data, org.nn4j.data.Standardizer standardizer) {
            throw new UnsupportedOperationException("this cluster engine cannot standardise data on its executors");
        }

        /** As {@link #updater(Dataset, Model, Optimizer, long, int, int)}, from data the executors read. */
        default BatchUpdater updater(ClusterData train, Model model, Optimizer optimizer, long seed, int batchSize,
                int averageEvery) {
            throw new UnsupportedOperationException("this cluster engine cannot read data on its executors");
        }

        /**
         * The updaters of a run on this cluster, for {@link Trainer.Builder#updater}: from a training
         * set the driver holds ({@link #updater(Dataset, Model, Optimizer, long, int, int)}) or that
         * the executors read ({@link #updater(ClusterData, Model, Optimizer, long, int, int)}), with the
         * run's model, optimizer, seed and batch size.
         *
         * @param averageEvery 1 for synchronous steps, more for parameter averaging every so many batches
         */
        default BatchUpdater.Factory updaters(int averageEvery) {
            return (train, run) -> {
                TrainingConfig config = run.config();
                if (train instanceof Dataset local) {
                    return updater(local, run.model(), run.optimizer(), config.seed(), config.batchSize(),
                            averageEvery);
                }
                if (train instanceof ClusterData remote) {
                    return updater(remote, run.model(), run.optimizer(), config.seed(), config.batchSize(),
                            averageEvery);
                }
                throw new IllegalArgumentException(train.source() + " is neither held here nor by this cluster");
            };
        }

        /** One line about the cluster, for the user. */
        String describe();

        /**
         * One line on where the time of the last updater's cluster jobs went (computing, the engine's
         * own work, broadcasting) and the bytes a job moves; "" when nothing ran or the engine does
         * not measure it.
         */
        default String costs() {
            return "";
        }

        @Override
        void close();
    }
}
