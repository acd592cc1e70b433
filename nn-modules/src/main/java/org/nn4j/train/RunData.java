package org.nn4j.train;

import java.util.List;
import org.nn4j.data.Dataset;
import org.nn4j.data.Examples;
import org.nn4j.data.Split;
import org.nn4j.data.Standardizer;

/**
 * The data of a run: training, validation (if any) and test examples held here, or a training set that
 * a cluster's executors hold (the test examples here); the split that the run's checkpoint records of
 * them; and the standardisation applied to them, if any, which the run stores with its model.
 *
 * <pre>{@code
 * // 0.2 of the file for test, then 0.1 of the rest for validation, both drawn with seed 42
 * RunData data = RunData.of(Split.random(Csv.read(file, "label"), 0.2, 42),
 *         RunSplit.HeldOut.fraction(0.2).validationFraction(0.1), 42, true);
 * }</pre>
 */
public final class RunData {
    private final Split local;
    private final Dataset validation;
    private final DistributedTraining.ClusterData remote;
    private final DistributedTraining.Session cluster;
    private final RunSplit split;
    private final Standardizer standardizer;
    private final Standardizer targetStandardizer;

    private RunData(Split local, Dataset validation, DistributedTraining.ClusterData remote,
            DistributedTraining.Session cluster, RunSplit split, Standardizer standardizer) {
        this(local, validation, remote, cluster, split, standardizer, null);
    }

    private RunData(Split local, Dataset validation, DistributedTraining.ClusterData remote,
            DistributedTraining.Session cluster, RunSplit split, Standardizer standardizer,
            Standardizer targetStandardizer) {
        this.targetStandardizer = targetStandardizer;
        this.local = local;
        this.validation = validation;
        this.remote = remote;
        this.cluster = cluster;
        this.split = java.util.Objects.requireNonNull(split, "split");
        this.standardizer = standardizer;
    }

    /**
     * Examples held here, {@code data}, which held out {@code heldOut} (with {@code seed}, for a share),
     * and for validation a share of {@code data}'s training examples drawn with {@code seed} where
     * {@code heldOut} asks for one; with the digests of the examples when {@code digests} (a pass over
     * them; what a resume compares, so a run that writes checkpoints wants them).
     *
     * @throws IllegalArgumentException when {@code heldOut} names a validation file: read it and give
     *     it to {@link #of(Split, Dataset, RunSplit.HeldOut, long, boolean)}
     */
    public static RunData of(Split data, RunSplit.HeldOut heldOut, long seed, boolean digests) {
        if (heldOut.validationCsv() != null) {
            throw new IllegalArgumentException("the validation examples of " + heldOut.validationCsv()
                    + " are given with RunData.of(data, validation, heldOut, seed, digests)");
        }
        if (heldOut.validationFraction() == null) {
            return of(data, null, heldOut, seed, digests);
        }
        Dataset all = data.train();
        int[] validationRows = Split.heldOut(all.size(), heldOut.validationFraction(), seed, all.source());
        Split rest = new Split(all.rows(Split.rest(all.size(), validationRows)), data.test(), data.description());
        return of(rest, all.rows(validationRows), heldOut, seed, digests);
    }

    /**
     * Examples held here, {@code data}, with the validation examples {@code validation} (null: none),
     * which held out {@code heldOut}; digests as {@link #of(Split, RunSplit.HeldOut, long, boolean)}.
     */
    public static RunData of(Split data, Dataset validation, RunSplit.HeldOut heldOut, long seed, boolean digests) {
        if ((validation != null) != heldOut.validates()) {
            throw new IllegalArgumentException(validation != null ? "validation examples given, but the split names none"
                    : "the split names validation examples, but none are given");
        }
        if (validation != null) {
            validation = validation.relabel(data.train().classNames());
        }
        return new RunData(data, validation, null, null, RunSplit.of(heldOut, seed, data.train().size(), data.train(),
                validation, data.test(), digests), null);
    }

    /**
     * A training set that {@code cluster}'s executors read and hold, {@code data}, and its held-out
     * examples here; as {@link #of} for the rest (only the held-out examples have a digest). A run on
     * a cluster has no validation examples yet.
     *
     * @throws IllegalArgumentException when {@code heldOut} names validation examples
     */
    public static RunData onCluster(DistributedTraining.Session cluster, DistributedTraining.ClusterData data,
            RunSplit.HeldOut heldOut, long seed, boolean digests) {
        if (heldOut.validates()) {
            throw new IllegalArgumentException("validation examples are held out on one machine only, not on a cluster");
        }
        return new RunData(null, null, data, java.util.Objects.requireNonNull(cluster, "cluster"),
                RunSplit.of(heldOut, seed, data.size(), null, null, data.test(), digests), null);
    }

    /** The training examples: a {@link Dataset}, or the {@link DistributedTraining.ClusterData} executors hold. */
    public Examples train() {
        return local != null ? local.train() : remote;
    }

    /** The validation examples (what early stopping watches), or null when the run has none. */
    public Dataset validation() {
        return validation;
    }

    /** The test examples, here: scored for the record, never watched. */
    public Dataset test() {
        return local != null ? local.test() : remote.test();
    }

    /** The examples held here, or null when executors hold the training set. */
    public Split local() {
        return local;
    }

    /** The training set executors hold, or null when it is held here. */
    public DistributedTraining.ClusterData remote() {
        return remote;
    }

    /** The cluster whose executors hold the training set, or null. */
    public DistributedTraining.Session cluster() {
        return cluster;
    }

    /** How the examples were split, as a checkpoint records it (before any standardisation). */
    public RunSplit split() {
        return split;
    }

    /** What the examples were standardised with, or null. */
    public Standardizer standardizer() {
        return standardizer;
    }

    /** What a regression run's targets were standardised with, or null. */
    public Standardizer targetStandardizer() {
        return targetStandardizer;
    }

    /**
     * These examples (held here, of regression targets) with their targets standardised: by {@code given},
     * or when it is null by the training set's own statistics. The model then learns standardised targets;
     * the run stores the standardisation with it, and its predictions and errors are in the targets' units.
     */
    public RunData targetsStandardized(Standardizer given) {
        if (local == null || !local.train().isRegression()) {
            throw new IllegalArgumentException("targets are standardised for regression on one machine only");
        }
        Standardizer s = given != null ? given : Standardizer.fitTargets(local.train());
        Split split = new Split(s.applyToTargets(local.train()), s.applyToTargets(local.test()), local.description());
        return new RunData(split, validation == null ? null : s.applyToTargets(validation), null, null, this.split,
                standardizer, s);
    }

    /** Features per example. */
    public int featureCount() {
        return train().featureCount();
    }

    /** The classes, in label order. */
    public List<String> classNames() {
        return local != null ? local.train().classNames() : remote.classNames();
    }

    /** The training set's name, for messages. */
    public String source() {
        return train().source();
    }

    /** The data in words: where, how many examples, how split. */
    public String description() {
        String data = (local != null ? local.description() : remote.description())
                + (targetStandardizer != null ? ", targets standardised" : "");
        RunSplit.Validation v = split.validation();
        return v == null ? data : data + "; " + v.examples() + " of the " + (local.train().size() + v.examples())
                + " training examples held out for validation (" + (v.fraction() != null ? v.fraction() + ", seed "
                        + split.seed() : v.csv()) + ")";
    }

    /**
     * These examples standardised, training, validation and test: by {@code given}, or when it is null by
     * the training set's own statistics (computed by the executors that hold it, if they do).
     */
    public RunData standardized(Standardizer given) {
        if (local != null) {
            Standardizer s = given != null ? given : Standardizer.fit(local.train());
            return new RunData(s.apply(local), validation == null ? null : s.apply(validation), null, null, split, s,
                    targetStandardizer);
        }
        DistributedTraining.ClusterData standardised = cluster.standardize(remote, given);
        return new RunData(null, null, standardised, cluster, split, standardised.standardizer());
    }

    /**
     * These examples (held here) with their labels those of {@code classNames}, a model's classes (or
     * regression targets checked to be those, {@link Dataset#relabel}).
     *
     * @throws org.nn4j.io.InvalidInputException naming a class of the examples that is not among them
     */
    RunData relabeled(List<String> classNames) {
        Split relabeled = new Split(local.train().relabel(classNames), local.test().relabel(classNames),
                local.description());
        return new RunData(relabeled, validation == null ? null : validation.relabel(classNames), null, null, split,
                standardizer, targetStandardizer);
    }
}
