/**
 * Training: optimizers ({@link org.nn4j.train.Sgd}, {@link org.nn4j.train.Adam}), learning-rate
 * schedules, the minibatch {@link org.nn4j.train.Trainer} with held-out evaluation, early stopping,
 * divergence checks and checkpoints, and {@link org.nn4j.train.Evaluation} of a trained network.
 */
package org.nn4j.train;
