package org.nn4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.data.Split;
import org.nn4j.data.Standardizer;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.io.OptimizerStateFile;
import org.nn4j.io.UnwritableFileException;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.LossType;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Checkpoints;
import org.nn4j.train.CheckpointListener;
import org.nn4j.train.DistributedTraining;
import org.nn4j.train.DivergenceGuard;
import org.nn4j.train.EpochMetrics;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.MetricsListener;
import org.nn4j.train.Optimizer;
import org.nn4j.train.Optimizers;
import org.nn4j.train.ProgressListener;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;
import org.nn4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network on Fashion-MNIST (the default) or CSV data and report its test accuracy.",
            "With --out, the model is saved after every epoch, so an interrupted run loses at most one epoch and"
                    + " continues with --resume."})
final class TrainCommand implements Callable<Integer> {
    /** Options that a checkpoint fixes, so that they cannot be given with --resume. */
    private static final List<String> FIXED_BY_CHECKPOINT = List.of("--model", "--hidden", "--activation", "--loss",
            "--optimizer",
            "--lr", "--momentum", "--nesterov", "--weight-decay", "--batch-size", "--schedule", "--patience", "--seed",
            "--dtype", "--standardize");

    @Mixin
    DataOptions data;

    @Mixin
    SplitOptions heldOut;

    @Mixin
    ModelOptions model;

    @Option(names = "--model", paramLabel = "FILE.json",
            description = "The model spec (JSON: input, layers, loss) to train, instead of --hidden and --activation.")
    Path modelSpec;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "ce",
            description = "ce (softmax cross-entropy) or mse (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.001 for adam, 0.05 for sgd).")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "SGD momentum (default: ${DEFAULT-VALUE}; 0 for none).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum for SGD.")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0",
            description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs in all (default: 10, or the checkpoint's).")
    Integer epochs;

    @Option(names = "--schedule", paramLabel = "SCHEDULE", defaultValue = "constant",
            description = "Learning rate: constant, cosine (per epoch), cosine-steps (per batch), step:EVERY:GAMMA,"
                    + " or any of them after a linear warm-up, warmup:STEPS:SCHEDULE (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "Stop after N epochs without a better test loss (default: ${DEFAULT-VALUE}, never).")
    int patience;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seeds weights, shuffling and CSV splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--standardize", description = "Standardise each feature with the training data's mean and std.")
    boolean standardize;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Save the model here (safetensors) after every epoch (default with --resume: that file).")
    Path modelOut;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot losses and accuracy per epoch as a PNG.")
    Path plot;

    @Option(names = "--metrics-json", paramLabel = "FILE", description = "Write per-epoch metrics as one JSON object.")
    Path metricsJson;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the training saved in FILE, with its architecture, optimizer, seed and split of"
                    + " the data.")
    Path resume;

    @Option(names = "--stretch-schedule",
            description = "With --resume and another --epochs under a cosine schedule: stretch the schedule over the"
                    + " new total from where the run stands (its rates jump; the run no longer ends where an"
                    + " uninterrupted one would). Without it, such an --epochs is refused.")
    boolean stretchSchedule;

    @Option(names = "--quiet", description = "Print only the final test accuracy.")
    boolean quiet;

    @Option(names = "--spark", paramLabel = "MASTER", arity = "0..1", fallbackValue = "",
            description = "Train data-parallel on Apache Spark at this master URL, for example local[2]; without"
                    + " a URL, at the master spark-submit gives.")
    String sparkMaster;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
            description = "With --spark: a Spark setting, over nn4j's own (repeatable), e.g. spark.executor.memory=4g.")
    List<String> sparkConf = new ArrayList<>();

    @Option(names = "--average-every", paramLabel = "K", defaultValue = "1",
            description = "With --spark: average the executors' parameters and optimizer state every K batches,"
                    + " each executor stepping on its own examples in between (default: ${DEFAULT-VALUE},"
                    + " synchronous: one step for the whole cluster per batch).")
    int averageEvery;

    @Option(names = "--read-on-executors",
            description = "With --spark and --data or --csv: the executors read the training set from --data's IDX"
                    + " files or the --csv file themselves, each its share, which must be a path every executor"
                    + " sees (a shared directory, hdfs://, s3a://); the driver reads the test set alone (the test"
                    + " files, --test-csv, or --csv's held-out examples). For training sets larger than the driver.")
    boolean readOnExecutors;

    @Spec
    CommandSpec spec;

    /** Everything a run trains: the model, its optimizer, the data, and where training stands. */
    private record Setup(Model model, List<String> classNames, Optimizer optimizer, double baseRate,
            TrainingConfig config, int recordedEpochs, TrainingHistory history, Standardizer standardizer,
            TrainingData examples) {
    }

    /**
     * The held-out examples a run uses: a share {@code fraction} of --csv, the file {@code testCsv} (as
     * written: a path or a URL), or, both null, Fashion-MNIST's test files.
     */
    private record HeldOut(Double fraction, String testCsv) {
    }

    /**
     * The data of a run: held here, or a training set that the cluster's executors hold (the test set
     * here); and the split as its checkpoint records it.
     */
    private record TrainingData(Split local, DistributedTraining.ClusterData remote,
            DistributedTraining.Session cluster, RunSplit split) {
        int featureCount() {
            return local != null ? local.train().featureCount() : remote.featureCount();
        }

        List<String> classNames() {
            return local != null ? local.train().classNames() : remote.classNames();
        }

        /** The training set's name, for messages. */
        String source() {
            return local != null ? local.train().source() : remote.description();
        }

        String description() {
            return local != null ? local.description() : remote.description();
        }

        Dataset test() {
            return local != null ? local.test() : remote.test();
        }

        /** This data (before any standardisation) with the split a checkpoint records of it. */
        TrainingData recorded(HeldOut heldOut, long seed, boolean digests) {
            return new TrainingData(local, remote, cluster, RunSplit.of(heldOut.fraction(), recordedPath(
                    heldOut.testCsv()), seed, local != null ? local.train().size() : remote.size(),
                    local != null ? local.train() : null, test(), digests));
        }

        /** The examples to train on: {@code local} held here, and the same split record. */
        TrainingData with(Split other) {
            return new TrainingData(other, null, null, split);
        }

        /** The examples the executors hold: {@code other}, and the same split record. */
        TrainingData with(DistributedTraining.ClusterData other) {
            return new TrainingData(null, other, cluster, split);
        }
    }

    /** {@code file} as a checkpoint records it: absolute, so that a resume from elsewhere finds it; a URL as given. */
    private static String recordedPath(String file) {
        if (file == null || file.contains("://")) {
            return file;
        }
        return Path.of(file).toAbsolutePath().normalize().toString();
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        checkOptions();
        // Outputs are checked before any work: an epoch is never lost to an unwritable or wrong path.
        Map<String, Path> outputs = new LinkedHashMap<>();
        Path modelFile = modelOut != null ? modelOut : resume;
        outputs.put("--out", modelFile);
        if (modelFile != null) {
            List<Path> beside = OptimizerStateFile.savedFiles(modelFile);
            outputs.put("--out's optimizer state", beside.get(1));
            outputs.put("--out's optimizer state, while saved", beside.get(2));
        }
        outputs.put("--plot", plot);
        outputs.put("--metrics-json", metricsJson);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--data", data.data);
        inputs.put("--csv", data.csv);
        inputs.put("--test-csv", heldOut.testCsv);
        inputs.put("--model", modelSpec);
        if (modelOut != null) {
            inputs.put("--resume", resume);
            if (resume != null) {
                inputs.put("--resume's optimizer state", OptimizerStateFile.of(resume));
            }
        }
        OutputFiles.require(outputs, inputs);
        if (averageEvery < 1) {
            throw new InvalidInputException("--average-every must be at least 1, not " + averageEvery);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--average-every") && sparkMaster == null) {
            throw new InvalidInputException("--average-every applies only with --spark");
        }
        if (!sparkConf.isEmpty() && sparkMaster == null) {
            throw new InvalidInputException("--spark-conf applies only with --spark");
        }
        Map<String, String> settings = sparkSettings();
        if (readOnExecutors && (sparkMaster == null || (data.data == null && data.csv == null))) {
            throw new InvalidInputException(sparkMaster == null ? "--read-on-executors applies only with --spark"
                    : "--read-on-executors needs --data DIR (a directory of Fashion-MNIST's IDX files) or --csv FILE,"
                            + " a path that every executor sees");
        }
        if (sparkMaster != null) {
            // The master URL and settings, and that the master is there, before the data and the model:
            // a mistake in them costs seconds, not the reading of a training set first.
            distributed().check(sparkMaster, debug(), settings);
        }
        NetworkFactory factory = backendOptions.injector(DType.FLOAT32).getInstance(NetworkFactory.class);
        Backend backend = factory.backend();
        DistributedTraining.Session cluster = null;
        try {
            if (readOnExecutors) {
                cluster = openCluster(out, backend);
            }
            return train(out, factory, backend, cluster);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private DistributedTraining.Session openCluster(PrintWriter out, Backend backend) {
        DistributedTraining.Session cluster = distributed().open(sparkMaster, backend.name(), debug(),
                sparkSettings());
        if (!quiet) {
            out.println("cluster: " + cluster.describe());
            out.flush();
        }
        return cluster;
    }

    /** Trains, on {@code cluster} if open (else on one opened here, with --spark), and reports. */
    private Integer train(PrintWriter out, NetworkFactory factory, Backend backend,
            DistributedTraining.Session openCluster) throws IOException {
        // The data the executors read, for the seed and held-out examples of the run (a resumed run's own).
        BiFunction<Long, HeldOut, TrainingData> examples = openCluster == null ? null
                : (splitSeed, held) -> new TrainingData(null, readOnExecutors(openCluster, splitSeed, held),
                        openCluster, null);
        Setup run = resume != null ? resumed(factory, examples) : fresh(factory, examples);
        Path modelFile = modelOut != null ? modelOut : resume;
        TrainingData split = run.examples();
        if (!quiet) {
            out.println("data: " + split.description());
            out.println("model: " + run.model().spec().summary() + "; " + run.optimizer().name() + " lr "
                    + run.baseRate() + ", batch " + run.config().batchSize() + ", " + run.config().epochs() + " epochs ("
                    + run.config().schedule().describe() + " schedule), seed " + run.config().seed() + "; backend "
                    + backend.name() + ", " + run.model().dtype()
                    + (resume != null ? "; resuming after epoch " + run.history().epochsDone() : "")
                    + (stretchSchedule ? ", the schedule stretched from " + run.recordedEpochs() + " to "
                            + run.config().epochs() + " epochs" : ""));
            out.flush();
        }
        // The run's files, rewritten after every epoch; a loss that blows up without ever reaching
        // infinity (1e31, say) ends the run as a NaN would.
        String dtype = run.model().dtype().label();
        Trainer.Builder builder = Trainer.builder(run.model()).optimizer(run.optimizer()).config(run.config())
                .history(run.history()).listener(new DivergenceGuard());
        CheckpointListener checkpoints = null;
        if (modelFile != null) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("data", run.examples().description());
            facts.put("split", run.examples().split().toJson());
            checkpoints = new CheckpointListener(modelFile, 1, run.classNames(), run.standardizer(), facts);
            builder.listener(checkpoints);
        }
        LastCheckpoint saved = new LastCheckpoint(modelFile, checkpoints, modelFile != null && Files.exists(modelFile),
                modelOut == null && resume != null ? run.history().epochsDone() : -1, run.history().epochsDone() + 1);
        if (metricsJson != null) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("backend", backend.name());
            facts.put("dtype", dtype);
            facts.put("seed", run.config().seed());
            facts.put("data", run.examples().description());
            builder.listener(new MetricsListener(metricsJson, facts));
        }
        if (plot != null) {
            String title = run.model().spec().summary() + " on " + backend.name() + ", " + dtype;
            builder.listener(new TrainingListener() {
                @Override
                public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
                    try {
                        Reports.writePlot(plot, history, title);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                }
            });
        }
        builder.listener(new ProgressListener(out, System.console() != null, quiet)).listener(new TrainingListener() {
            @Override
            public void epochStarted(int epoch, int epochs, int batches) {
                saved.epoch = epoch;
            }
        });
        TrainingHistory history;
        Activity.now("training (batch size " + run.config().batchSize() + ")");
        // A signal (SIGTERM, SIGINT, SIGHUP) ends the run in one line that says what the model file holds;
        // AtomicFiles' own hook removes the temporary file of a save it interrupts.
        PrintWriter err = spec.commandLine().getErr();
        Thread stopped = new Thread(() -> {
            err.println(spec.qualifiedName() + ": stopped by a signal during epoch " + saved.epoch + "; "
                    + saved.describe());
            err.flush();
        }, "nn train: stopped");
        Runtime.getRuntime().addShutdownHook(stopped);
        try {
            if (sparkMaster == null) {
                history = builder.build().fit(split.local().train(), split.test());
            } else {
                DistributedTraining.Session cluster = openCluster != null ? openCluster : openCluster(out, backend);
                try {
                    // The cluster's updater, for the training set held here or by its executors.
                    history = builder.updater(cluster.updaters(averageEvery)).build().fit(split.local() != null
                            ? split.local().train() : split.remote(), split.test());
                    if (!quiet && !cluster.costs().isEmpty()) {
                        out.println("cluster costs " + cluster.costs());
                    }
                } finally {
                    if (openCluster == null) {
                        cluster.close();
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            // A file of the run that could not be written (a full disk): which, why, and what the model file holds.
            UnwritableFileException unwritable = Main.unwritable(e);
            if (unwritable != null && !Main.shuttingDown()) {
                throw new InvalidInputException(unwritable.getMessage() + "; " + saved.describe(), e);
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopped);
            } catch (IllegalStateException e) {
                // Shutting down: the hook says why.
            }
        }
        EpochMetrics last = history.last();
        if (history.epochsDone() == run.history().epochsDone()) {
            out.println("nothing to do: " + resume + " has " + history.epochsDone() + " of " + run.config().epochs()
                    + " epochs done" + (history.stoppedEarly() ? " and stopped early" : ""));
            return 0;
        }
        out.println(String.format(Locale.ROOT, "test accuracy %.4f (%d test examples, after epoch %d of %d)",
                last.testAccuracy(), split.test().size(), last.epoch(), run.config().epochs()));
        List<String> written = new ArrayList<>();
        for (Path p : new Path[] {modelFile, plot, metricsJson}) {
            if (p != null) {
                written.add(p.toString());
            }
        }
        if (!quiet && !written.isEmpty()) {
            out.println("wrote " + String.join(", ", written));
        }
        return 0;
    }

    /** What the run's model file holds, for a run that a signal or a file that cannot be written ends. */
    private static final class LastCheckpoint {
        private final Path file;
        private final CheckpointListener checkpoints;
        private final boolean existed;
        private final int resumedEpochs;
        volatile int epoch;

        /**
         * @param file the model file, or null for none
         * @param existed whether it existed before the run
         * @param resumedEpochs the epochs it holds before the run when the run resumes from it, else -1
         * @param epoch the run's first epoch
         */
        LastCheckpoint(Path file, CheckpointListener checkpoints, boolean existed, int resumedEpochs, int epoch) {
            this.file = file;
            this.checkpoints = checkpoints;
            this.existed = existed;
            this.resumedEpochs = resumedEpochs;
            this.epoch = epoch;
        }

        String describe() {
            if (file == null) {
                return "nothing was saved (no --out)";
            }
            TrainingHistory history = checkpoints.saved();
            if (history != null || resumedEpochs >= 0) {
                int epochs = history != null ? history.epochsDone() : resumedEpochs;
                int batches = history != null ? history.batchesIntoEpoch() : 0;
                return file + " holds the checkpoint after " + (batches > 0 ? "batch " + batches + " of epoch "
                        + (epochs + 1) : "epoch " + epochs) + (history == null ? ", as before the run" : "")
                        + "; continue with --resume " + file;
            }
            return existed ? file + " is as it was before the run" : "nothing was saved yet";
        }
    }

    /** The training set that --read-on-executors has the executors read, the test set here. */
    private DistributedTraining.ClusterData readOnExecutors(DistributedTraining.Session cluster, long splitSeed,
            HeldOut held) {
        // The options' own words: a path as a Path loses the second slash of hdfs:// and the like.
        ParseResult given = spec.commandLine().getParseResult();
        if (data.csv == null) {
            return cluster.readOnExecutors(given.matchedOption("--data").stringValues().get(0));
        }
        String label = data.csvLabel();
        return cluster.readCsvOnExecutors(given.matchedOption("--csv").stringValues().get(0), label, held.testCsv(),
                held.fraction() != null ? held.fraction() : SplitOptions.DEFAULT_TEST_FRACTION, splitSeed);
    }

    /** The held-out examples the options ask for: --test-csv as written, else a share of --csv, else the test files. */
    private HeldOut givenHeldOut() {
        if (data.csv == null) {
            return new HeldOut(null, null);
        }
        if (heldOut.testCsv != null) {
            return new HeldOut(null, spec.commandLine().getParseResult().matchedOption("--test-csv").stringValues()
                    .get(0));
        }
        return new HeldOut(heldOut.testFraction != null ? heldOut.testFraction : SplitOptions.DEFAULT_TEST_FRACTION,
                null);
    }

    /** The training and held-out examples of {@code held} here, or on the cluster when {@code onCluster} is set. */
    private TrainingData read(BiFunction<Long, HeldOut, TrainingData> onCluster, long splitSeed, HeldOut held) {
        TrainingData read = onCluster == null ? null : onCluster.apply(splitSeed, held);
        if (read == null) {
            Split local = data.trainAndTest(splitSeed, held.fraction() != null ? held.fraction()
                    : SplitOptions.DEFAULT_TEST_FRACTION, held.testCsv() != null ? Path.of(held.testCsv()) : null);
            read = new TrainingData(local, null, null, null);
        }
        // A digest only where a checkpoint is written: it is what a resume compares.
        boolean checkpointed = modelOut != null || resume != null;
        return read.recorded(held, splitSeed, checkpointed);
    }

    /**
     * Refuses, before any work, options that this run would not use or that are out of range: the
     * split's without --csv, those a checkpoint fixes with --resume, momentum with Adam, and so on.
     */
    private void checkOptions() {
        ParseResult given = spec.commandLine().getParseResult();
        heldOut.check(data);
        if (epochs != null && epochs < 1) {
            throw new InvalidInputException("epochs must be at least 1, not " + epochs + " (--epochs)");
        }
        if (resume != null) {
            List<String> fixed = FIXED_BY_CHECKPOINT.stream().filter(given::hasMatchedOption)
                    .collect(Collectors.toList());
            if (!fixed.isEmpty()) {
                throw new InvalidInputException(String.join(", ", fixed) + (fixed.size() == 1 ? " does" : " do")
                        + " not apply with --resume: " + resume + " fixes the architecture, optimizer, seed and dtype");
            }
            if (stretchSchedule && epochs == null) {
                throw new InvalidInputException("--stretch-schedule applies only with a new --epochs");
            }
            return;
        }
        if (stretchSchedule) {
            throw new InvalidInputException("--stretch-schedule applies only with --resume and a new --epochs");
        }
        Optimizers.builtIn().check(model.optimizer, learningRate, optimizerOptions(), ModelOptions::flag);
    }

    /** The optimizer options given, by the library's keys, in the flags' order; the optimizer's defaults for the rest. */
    private Map<String, Object> optimizerOptions() {
        ParseResult given = spec.commandLine().getParseResult();
        Map<String, Object> options = new LinkedHashMap<>();
        if (given.hasMatchedOption("--momentum")) {
            options.put("momentum", momentum);
        }
        if (given.hasMatchedOption("--nesterov")) {
            options.put("nesterov", nesterov);
        }
        if (given.hasMatchedOption("--weight-decay")) {
            options.put("weight_decay", weightDecay);
        }
        return options;
    }

    private Setup fresh(NetworkFactory factory, BiFunction<Long, HeldOut, TrainingData> onCluster) {
        ModelSpec given = modelSpec != null ? specFile() : null;
        ActivationKind kind = model.activationKind();
        String lossLabel = lossLabel(factory.registry(), loss);
        double rate = Optimizers.builtIn().learningRate(model.optimizer, learningRate);
        try {
            TrainingConfig config = new TrainingConfig(epochs != null ? epochs : 10, model.batchSize, seed, patience,
                    LearningRateSchedule.parse(schedule));
            TrainingData split = read(onCluster, seed, givenHeldOut());
            Standardizer standardizer = null;
            if (split.local() != null) {
                Split local = split.local();
                if (standardize) {
                    standardizer = Standardizer.fit(local.train());
                    local = new Split(standardizer.apply(local.train()), standardizer.apply(local.test()),
                            local.description() + ", standardised");
                }
                requireTwoClasses(local.train());
                split = split.with(local);
            } else if (standardize) {
                split = split.with(split.cluster().standardize(split.remote(), null));
                standardizer = split.remote().standardizer();
            }
            int features = split.featureCount();
            int classes = split.classNames().size();
            ModelSpec spec = given != null ? given : ModelSpec.mlp(features, model.hidden, classes, kind, lossLabel);
            String where = given != null ? modelSpec.toString() : "--hidden";
            if (spec.input().size() != features) {
                throw new InvalidInputException(where + ": the model takes input of shape " + spec.input() + " ("
                        + spec.input().size() + " values) but " + split.source() + " has " + features
                        + " features");
            }
            Activity.now("building the model of " + where);
            Model built = factory.registry().build(spec, factory.backend(), factory.dtype(), seed, where);
            if (built.outputSize() != classes) {
                throw new InvalidInputException(where + ": the model gives " + built.outputSize() + " outputs but "
                        + split.source() + " has " + classes + " classes; make the last layer's out_features "
                        + classes);
            }
            Optimizer opt = Optimizers.builtIn().type(model.optimizer).create(factory.backend(),
                    built.parameterValues(), rate, Optimizers.builtIn().check(model.optimizer, learningRate,
                            optimizerOptions(), ModelOptions::flag));
            return new Setup(built, split.classNames(), opt, rate, config, config.epochs(), TrainingHistory.empty(),
                    standardizer, split);
        } catch (InvalidInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }

    /** A classifier needs examples of two classes at least; a run on one would report accuracy 1.0. */
    private static void requireTwoClasses(Dataset train) {
        int[] labels = train.labels();
        for (int label : labels) {
            if (label != labels[0]) {
                return;
            }
        }
        throw new InvalidInputException(train.source() + ": every training example is of class '"
                + train.classNames().get(labels[0]) + "'; a classifier needs examples of two classes at least");
    }

    /** The spec of --model, which --hidden, --activation and --loss cannot be given with. */
    private ModelSpec specFile() {
        List<String> given = List.of("--hidden", "--activation", "--loss").stream()
                .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).collect(Collectors.toList());
        if (!given.isEmpty()) {
            throw new InvalidInputException(String.join(", ", given) + (given.size() == 1 ? " does" : " do")
                    + " not apply with --model: " + modelSpec + " describes the layers and the loss");
        }
        return ModelSpec.read(modelSpec);
    }

    private Setup resumed(NetworkFactory factory, BiFunction<Long, HeldOut, TrainingData> remote) {
        Backend backend = factory.backend();
        ModelFile.Loaded loaded = ModelFile.load(resume, factory.registry(), backend, null);
        String file = resume.toString();
        JsonNode training = loaded.training();
        try {
            Optimizer restored = Checkpoints.restoreOptimizer(file, training, backend,
                    loaded.model().parameterValues(), loaded.optimizerState());
            TrainingConfig config = Checkpoints.restoreConfig(file, training, epochs != null ? epochs : 0);
            int recordedEpochs = training.path("config").path("epochs").asInt();
            TrainingHistory history = Checkpoints.restoreHistory(file, training);
            checkHorizon(file, config, recordedEpochs, history);
            RunSplit recorded = RunSplit.read(file, training.get("split"));
            TrainingData read = read(remote, config.seed(), resumedHeldOut(file, recorded));
            Standardizer standardizer = loaded.standardizer();
            TrainingData split;
            if (read.local() != null) {
                Split local = read.local();
                if (standardizer != null) {
                    local = new Split(standardizer.apply(local.train()), standardizer.apply(local.test()),
                            local.description() + ", standardised");
                }
                split = read.with(new Split(local.train().relabel(loaded.classNames()),
                        local.test().relabel(loaded.classNames()), local.description()));
            } else if (!read.classNames().equals(loaded.classNames())) {
                throw new InvalidInputException(file + ": its classes " + loaded.classNames() + " are not those of "
                        + read.description());
            } else if (standardizer != null) {
                split = read.with(read.cluster().standardize(read.remote(), standardizer));
            } else {
                split = read;
            }
            requireSameData(file, recorded, read, training.path("data").asText(""));
            return new Setup(loaded.model(), loaded.classNames(), restored,
                    training.path("optimizer").path("learning_rate").asDouble(), config, recordedEpochs, history,
                    standardizer, split);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses another --epochs under a schedule that spans the run's epochs (a cosine): its rates would
     * change from the step the run resumes at, and the run would not end where an uninterrupted one of
     * the new total does. --stretch-schedule accepts it; it is refused where there is nothing to stretch.
     */
    private void checkHorizon(String file, TrainingConfig config, int recordedEpochs, TrainingHistory history) {
        boolean changed = epochs != null && epochs != recordedEpochs;
        boolean shaped = config.schedule().dependsOnTotal();
        if (changed && shaped && !stretchSchedule) {
            throw new InvalidInputException("--epochs " + epochs + ": the " + config.schedule().describe()
                    + " schedule of " + file + " spans its " + recordedEpochs + " epochs; over " + epochs + " its rates"
                    + " would change from epoch " + (history.epochsDone() + 1) + " on, and the run would not end as an"
                    + " uninterrupted one of " + epochs + " epochs does; leave --epochs out, or add"
                    + " --stretch-schedule");
        }
        if (stretchSchedule && !(changed && shaped)) {
            throw new InvalidInputException("--stretch-schedule does not apply: " + (changed ? "the "
                    + config.schedule().describe() + " schedule of " + file + " does not depend on the number of"
                    + " epochs" : "--epochs " + epochs + " is the run's own"));
        }
    }

    /**
     * The held-out examples of a resumed run: those its checkpoint records, which --test-fraction and
     * --test-csv may repeat but not change; as given (or by default) for a checkpoint that records none.
     */
    private HeldOut resumedHeldOut(String file, RunSplit recorded) {
        HeldOut given = givenHeldOut();
        if (recorded == null || data.csv == null) {
            // An older checkpoint, or not --csv data: the split is the files', and the data checked after reading.
            return given;
        }
        String leave = "; resume with the run's own split (leave " + (heldOut.testCsv != null ? "--test-csv"
                : "--test-fraction") + " out)";
        switch (recorded.heldOut()) {
            case RunSplit.FRACTION:
                if (heldOut.testCsv != null) {
                    throw new InvalidInputException("--test-csv " + heldOut.testCsv + ": " + file + " held out "
                            + recorded.describe() + ", not a --test-csv file" + leave);
                }
                if (heldOut.testFraction != null && !heldOut.testFraction.equals(recorded.testFraction())) {
                    throw new InvalidInputException("--test-fraction " + heldOut.testFraction + ": " + file
                            + " held out " + recorded.describe() + leave);
                }
                return new HeldOut(recorded.testFraction(), null);
            case RunSplit.TEST_CSV:
                if (heldOut.testFraction != null) {
                    throw new InvalidInputException("--test-fraction " + heldOut.testFraction + ": " + file
                            + " held out " + recorded.describe() + ", not a share of --csv" + leave);
                }
                // The file given, or the one recorded; either way its examples are compared after reading.
                return heldOut.testCsv != null ? given : new HeldOut(null, recorded.testCsv());
            default:
                return given;
        }
    }

    /**
     * Refuses a resume on other data than the run's: other training or held-out examples than its
     * checkpoint's digests (or numbers of examples) record. A checkpoint of an older nn4j records only
     * the data's description; its numbers of examples are compared, with a note that no more can be.
     */
    private void requireSameData(String file, RunSplit recorded, TrainingData read, String recordedData) {
        RunSplit now = read.split();
        String was = recordedData.isEmpty() ? "" : " (" + recordedData + ")";
        if (recorded == null) {
            int[] before = exampleCounts(recordedData);
            int[] after = exampleCounts(read.description());
            if (before != null && after != null && !java.util.Arrays.equals(before, after)) {
                throw new InvalidInputException(file + " was trained on " + recordedData + ", not on "
                        + read.description() + "; resume on the run's own data" + (data.csv != null
                                ? " and give its own --test-fraction or --test-csv" : "") + " (" + file
                        + " predates nn4j's record of the split)");
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println("nn train: note: " + file + " records no digest of its data (saved by an older nn4j); "
                    + (before != null && after != null ? "only the numbers of examples could be compared"
                            : "the data could not be compared"));
            err.flush();
            return;
        }
        if (recorded.trainExamples() != now.trainExamples() || recorded.trainSha256() != null
                && now.trainSha256() != null && !recorded.trainSha256().equals(now.trainSha256())) {
            throw new InvalidInputException(file + ": the training examples of " + read.description() + " are not"
                    + " those the run was trained on" + was + "; resume on the run's own data");
        }
        if (recorded.testExamples() != now.testExamples() || recorded.testSha256() != null
                && now.testSha256() != null && !recorded.testSha256().equals(now.testSha256())) {
            throw new InvalidInputException(file + ": the held-out examples of " + read.description() + " are not"
                    + " those the run held out" + was + "; resume on the run's own data and split");
        }
    }

    /** The numbers of training and held-out examples a description gives ("72 training and 18 held-out"), or null. */
    private static int[] exampleCounts(String description) {
        java.util.regex.Matcher train = java.util.regex.Pattern.compile("(\\d+) training").matcher(description);
        java.util.regex.Matcher test = java.util.regex.Pattern.compile("(\\d+) (held-out|test)").matcher(description);
        if (!train.find() || !test.find()) {
            return null;
        }
        return new int[] {Integer.parseInt(train.group(1)), Integer.parseInt(test.group(1))};
    }

    /** Whether --debug was given: then Spark logs too. */
    private boolean debug() {
        return spec.commandLine().getParseResult().hasMatchedOption("--debug");
    }

    /** The --spark-conf settings, checked: each KEY=VALUE with a key. */
    private Map<String, String> sparkSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : sparkConf) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new InvalidInputException("--spark-conf '" + setting + "' must be KEY=VALUE, for example"
                        + " spark.executor.memory=4g");
            }
            settings.put(setting.substring(0, eq).strip(), setting.substring(eq + 1));
        }
        return settings;
    }

    /** The Spark engine of nn4j's distributed module, which ./nn puts on the class path for --spark. */
    private static DistributedTraining distributed() {
        for (DistributedTraining engine : ServiceLoader.load(DistributedTraining.class)) {
            if (engine.name().equals("spark")) {
                return engine;
            }
        }
        throw new InvalidInputException("--spark needs nn4j's distributed module on the class path (./nn adds it"
                + " when --spark is given; build it with 'mvn -pl distributed -am package')");
    }

    /** The loss --loss names, by name or alias, among the registry's (ce, mse and any of a jar's). */
    private static String lossLabel(ModuleRegistry registry, String name) {
        LossType type = registry.lossType(name.toLowerCase(Locale.ROOT));
        if (type == null) {
            java.util.TreeSet<String> names = new java.util.TreeSet<>();
            registry.lossTypes().values().forEach(t -> {
                names.add(t.name());
                names.addAll(t.aliases());
            });
            throw new InvalidInputException("unknown --loss '" + name + "'; expected " + String.join(", ", names));
        }
        return type.name();
    }
}
