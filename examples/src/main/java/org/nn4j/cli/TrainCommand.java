package org.nn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.data.Split;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.train.CheckpointListener;
import org.nn4j.train.DistributedTraining;
import org.nn4j.train.EarlyStopping;
import org.nn4j.train.MetricsListener;
import org.nn4j.train.Optimizers;
import org.nn4j.train.PlotListener;
import org.nn4j.train.ProgressListener;
import org.nn4j.train.RunBuilder;
import org.nn4j.train.RunData;
import org.nn4j.train.RunSplit;
import org.nn4j.train.SavedRun;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingHistory;
import org.nn4j.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nn train}: its flags mapped onto a {@link TrainingRun}, new or resumed, and what it prints. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network on Fashion-MNIST (the default) or CSV data and report how it does on test data.",
            "With --out, the model is saved after every epoch, so an interrupted run loses at most one epoch and"
                    + " continues with --resume."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;
    @Mixin
    SplitOptions heldOut;
    @Mixin
    ModelOptions model;
    @Mixin
    TrainingOptions training;
    @Mixin
    BackendOptions backendOptions;
    @Mixin
    RunOptions run;
    @Mixin
    SparkOptions spark;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        checkOptions();
        run.require(data, heldOut, training.modelSpec);
        spark.check(data);
        NetworkFactory factory = backendOptions.injector(DType.FLOAT32).getInstance(NetworkFactory.class);
        DistributedTraining.Session cluster = spark.readOnExecutors
                ? spark.open(out, factory.backend().name(), run.quiet) : null;
        try {
            return train(out, factory, run.resume != null ? resumed(factory, cluster) : fresh(factory, cluster));
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Trains {@code setup}, on a cluster with --spark, and reports. */
    private Integer train(PrintWriter out, NetworkFactory factory, TrainingRun setup) {
        Backend backend = factory.backend();
        String dtype = setup.model().dtype().label();
        int done = setup.history().epochsDone();
        if (!run.quiet) {
            Reports.describe(out, setup, backend, run.stretchSchedule);
        }
        Path modelFile = run.modelFile();
        Trainer.Builder trainer = setup.trainer().testEachEpoch(heldOut.testEachEpoch);
        CheckpointListener checkpoints = modelFile != null ? setup.checkpoints(modelFile) : null;
        EarlyStopping best = null;
        if (training.restoreBest) {
            if (setup.data().validation() == null) {
                throw new InvalidInputException("--restore-best keeps the epoch of the lowest validation loss: give"
                        + " --val-fraction F or --val-csv FILE" + (run.resume != null ? " (" + run.resume
                                + " holds out no validation examples)" : ""));
            }
            int patience = setup.config().patience();
            best = new EarlyStopping(patience > 0 ? patience : Integer.MAX_VALUE, true);
            trainer.listener(best);
            if (checkpoints != null) {
                checkpoints.saveAtEnd();
            }
        }
        if (checkpoints != null) {
            trainer.listener(checkpoints);
        }
        LastCheckpoint saved = new LastCheckpoint(modelFile, checkpoints, modelFile != null && Files.exists(modelFile),
                run.modelOut == null && run.resume != null ? done : -1, done + 1);
        if (run.metricsJson != null) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("backend", backend.name());
            facts.put("dtype", dtype);
            facts.put("seed", setup.config().seed());
            facts.put("data", setup.data().description());
            trainer.listener(new MetricsListener(run.metricsJson, facts));
        }
        if (run.plot != null) {
            trainer.listener(new PlotListener(run.plot, setup.model().spec().summary() + " on " + backend.name() + ", "
                    + dtype, Reports::writePlot));
        }
        trainer.listener(new ProgressListener(out, System.console() != null, run.quiet)).listener(saved);
        Activity.now("training (batch size " + setup.config().batchSize() + ")");
        TrainingHistory history = saved.during(spec, () -> {
            if (spark.master == null) {
                return setup.fit(trainer);
            }
            DistributedTraining.Session cluster = setup.data().cluster() != null ? setup.data().cluster()
                    : spark.open(out, backend.name(), run.quiet);
            try {
                TrainingHistory trained = setup.fit(trainer.updater(cluster.updaters(spark.averageEvery)));
                if (!run.quiet && !cluster.costs().isEmpty()) {
                    out.println("cluster costs " + cluster.costs());
                }
                return trained;
            } finally {
                if (setup.data().cluster() == null) {
                    cluster.close();
                }
            }
        });
        Reports.finished(out, setup, history, best == null ? 0 : best.bestEpoch(), run.resume, run.quiet ? new Path[0]
                : new Path[] {modelFile, run.plot, run.metricsJson});
        return 0;
    }

    /** A new run of the flags' model and optimizer on the flags' data. */
    private TrainingRun fresh(NetworkFactory factory, DistributedTraining.Session cluster) {
        ModelSpec given = training.modelSpec != null ? training.specFile() : null;
        ActivationKind kind = model.activationKind();
        RunBuilder builder = TrainingRun.builder(factory.registry(), factory.backend(), factory.dtype())
                .names(ModelOptions::flag).activity(Activity::now);
        if (given != null) {
            builder.model(given, training.modelSpec.toString());
        } else {
            builder.mlp(model.hidden, kind, training.loss);
        }
        builder.optimizer(model.optimizer, training.learningRate, training.optimizerOptions());
        data.tokensFor(given, given == null ? null : training.modelSpec.toString());
        data.taskFor(factory.registry(), given != null ? given.loss() : training.loss);
        if (data.regression && training.classWeights != null) {
            throw new InvalidInputException("--class-weights: class weights apply to a classification loss, not '"
                    + data.lossName + "'");
        }
        requireLocalTokens(cluster);
        try {
            builder.config(training.config(model.batchSize))
                    .standardize(training.standardizeFeatures(data.regression, data.tokens))
                    .standardizeTargets(training.standardizeTargets(data.regression));
            if (training.classWeightList() != null) {
                builder.classWeights(training.classWeightList());
            } else if (training.classWeights != null) {
                builder.balancedClassWeights();
            }
            return builder.build(read(cluster, training.seed, heldOut.given(data)));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** The run --resume names, going on with its own split of the flags' data. */
    private TrainingRun resumed(NetworkFactory factory, DistributedTraining.Session cluster) {
        PrintWriter err = spec.commandLine().getErr();
        SavedRun saved = TrainingRun.resume(run.resume, factory.registry(), factory.backend())
                .names(ModelOptions::flag).notes(note -> {
                    err.println("nn train: note: " + note);
                    err.flush();
                }).epochs(training.epochs, run.stretchSchedule);
        data.tokensFor(saved.spec(), run.resume.toString());
        data.taskFor(factory.registry(), saved.spec().loss());
        requireLocalTokens(cluster);
        try {
            RunSplit.HeldOut held = saved.validation(data.csv == null ? RunSplit.HeldOut.testFiles()
                    : saved.heldOut(heldOut.testFraction, heldOut.testCsvAsWritten()), heldOut.valFraction,
                    heldOut.valCsvAsWritten());
            if (saved.config().patience() > 0 && !held.validates()) {
                throw new InvalidInputException(run.resume + ": its run stops early (--patience "
                        + saved.config().patience() + ") but holds out no validation examples (saved by an older nn4j,"
                        + " whose patience watched the test examples); start a new run with --val-fraction");
            }
            return saved.on(read(cluster, saved.config().seed(), held));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(run.resume + ": " + e.getMessage(), e);
        }
    }

    /** A model that takes token ids trains on one machine: Spark's data paths carry features. */
    private void requireLocalTokens(DistributedTraining.Session cluster) {
        if ((cluster != null || spark.master != null) && data.regression) {
            throw new InvalidInputException("the loss '" + data.lossName + "' is for real-valued targets: regression"
                    + " trains on one machine for now, not on a cluster (leave out --spark)");
        }
        if ((cluster != null || spark.master != null) && data.tokens) {
            throw new InvalidInputException(data.tokenOwner + " takes token ids: a model that starts with an"
                    + " embedding trains on one machine, not on a cluster (leave out --spark)");
        }
    }

    /** The examples of {@code held}, here or read by {@code cluster}'s executors; digests where checkpoints are. */
    private RunData read(DistributedTraining.Session cluster, long seed, RunSplit.HeldOut held) {
        boolean digests = run.modelOut != null || run.resume != null;
        if (cluster != null) {
            return RunData.onCluster(cluster, spark.read(cluster, data, seed, held), held, seed, digests);
        }
        Split split = data.trainAndTest(seed, held.fraction() != null ? held.fraction() : RunSplit.DEFAULT_TEST_FRACTION,
                held.testCsv() != null ? Path.of(held.testCsv()) : null);
        if (held.validationCsv() != null) {
            return RunData.of(split, data.heldOutCsv(Path.of(held.validationCsv())), held, seed, digests);
        }
        return RunData.of(split, held, seed, digests);
    }

    /**
     * Refuses, before any work, options that this run would not use or that are out of range: the
     * split's without --csv, those a checkpoint fixes with --resume, momentum with Adam, and so on.
     */
    private void checkOptions() {
        heldOut.check(data);
        if (spark.master != null && training.classWeights != null) {
            throw new InvalidInputException("--class-weights: class weights train on one machine for now, not on a"
                    + " cluster (leave out --spark)");
        }
        if (spark.master != null && (heldOut.valFraction != null || heldOut.valCsv != null)) {
            throw new InvalidInputException((heldOut.valCsv != null ? "--val-csv" : "--val-fraction")
                    + ": validation examples are held out on one machine for now, not on a cluster (leave out --spark)");
        }
        if (run.resume == null && training.restoreBest && heldOut.valFraction == null && heldOut.valCsv == null) {
            throw new InvalidInputException("--restore-best keeps the epoch of the lowest validation loss: give"
                    + " --val-fraction F or --val-csv FILE");
        }
        if (run.resume == null && training.patience > 0 && heldOut.valFraction == null && heldOut.valCsv == null) {
            throw new InvalidInputException("--patience " + training.patience + " watches validation examples, never"
                    + " the test ones: give --val-fraction F (a share of the training examples) or --val-csv FILE");
        }
        if (training.epochs != null && training.epochs < 1) {
            throw new InvalidInputException("epochs must be at least 1, not " + training.epochs + " (--epochs)");
        }
        if (run.resume != null) {
            training.requireNoneFixedBy(run.resume);
            if (run.stretchSchedule && training.epochs == null) {
                throw new InvalidInputException("--stretch-schedule applies only with a new --epochs");
            }
        } else if (run.stretchSchedule) {
            throw new InvalidInputException("--stretch-schedule applies only with --resume and a new --epochs");
        } else {
            Optimizers.builtIn().check(model.optimizer, training.learningRate, training.optimizerOptions(),
                    ModelOptions::flag);
        }
    }
}
