/**
 * Training: optimizers found by name ({@link org.nn4j.train.Optimizers}: {@link org.nn4j.train.Sgd},
 * {@link org.nn4j.train.Adam} and any a jar registers), learning-rate schedules, the minibatch {@link
 * org.nn4j.train.Trainer} with held-out evaluation, early stopping, divergence checks, checkpoints and
 * plots, {@link org.nn4j.train.Evaluation} of a trained network, and runs assembled as {@code nn
 * train} assembles them ({@link org.nn4j.train.TrainingRun}: new, or resumed from a checkpoint with
 * its own split, data and schedule checked; locally or on a cluster through {@link
 * org.nn4j.train.DistributedTraining}).
 */
package org.nn4j.train;
