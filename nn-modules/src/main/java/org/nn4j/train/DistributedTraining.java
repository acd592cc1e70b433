package org.nn4j.train;

import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;

/**
 * A cluster engine that can compute training steps, found with {@link java.util.ServiceLoader}; nn4j's
 * distributed module provides the one for Apache Spark. Nothing in nn4j depends on an implementation.
 */
public interface DistributedTraining {

    /** The engine's name, for example {@code spark}. */
    String name();

    /**
     * Connects to the cluster at {@code master} and checks that every executor can compute on {@code
     * backend}.
     *
     * @param settings more of the engine's own settings ({@code --spark-conf KEY=VALUE}), which win over
     *     nn4j's defaults
     * @throws org.nn4j.api.SettingException naming the executors where {@code backend} is unavailable
     */
    Session open(String master, String backend, boolean verbose, java.util.Map<String, String> settings);

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
