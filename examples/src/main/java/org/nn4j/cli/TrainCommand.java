package org.nn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
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
            description = "Continue the training saved in FILE, with its architecture, optimizer and seed.")
    Path resume;

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
            TrainingConfig config, TrainingHistory history, Standardizer standardizer, TrainingData examples) {
    }

    /** The data of a run: held here, or a training set that the cluster's executors hold (the test set here). */
    private record TrainingData(Split local, DistributedTraining.ClusterData remote,
            DistributedTraining.Session cluster) {
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
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        // Outputs are checked before any work: an epoch is never lost to an unwritable or wrong path.
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--out", modelOut != null ? modelOut : resume);
        outputs.put("--plot", plot);
        outputs.put("--metrics-json", metricsJson);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--data", data.data);
        inputs.put("--csv", data.csv);
        inputs.put("--test-csv", data.testCsv);
        inputs.put("--model", modelSpec);
        if (modelOut != null) {
            inputs.put("--resume", resume);
        }
        OutputFiles.require(outputs, inputs);
        if (averageEvery < 1) {
            throw new InvalidInputException("--average-every must be at least 1, not " + averageEvery);
        }
        if (averageEvery > 1 && sparkMaster == null) {
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
        // The data the executors read, for the seed of the run's held-out split (a resumed run's own).
        LongFunction<TrainingData> examples = openCluster == null ? null
                : splitSeed -> new TrainingData(null, readOnExecutors(openCluster, splitSeed), openCluster);
        Setup run = resume != null ? resumed(factory, examples) : fresh(factory, examples);
        Path modelFile = modelOut != null ? modelOut : resume;
        TrainingData split = run.examples();
        if (!quiet) {
            out.println("data: " + split.description());
            out.println("model: " + run.model().spec().summary() + "; " + run.optimizer().name() + " lr "
                    + run.baseRate() + ", batch " + run.config().batchSize() + ", " + run.config().epochs() + " epochs ("
                    + run.config().schedule().describe() + " schedule), seed " + run.config().seed() + "; backend "
                    + backend.name() + ", " + run.model().dtype()
                    + (resume != null ? "; resuming after epoch " + run.history().epochsDone() : ""));
            out.flush();
        }
        // The run's files, rewritten after every epoch; a loss that blows up without ever reaching
        // infinity (1e31, say) ends the run as a NaN would.
        String dtype = run.model().dtype().label();
        Trainer.Builder builder = Trainer.builder(run.model()).optimizer(run.optimizer()).config(run.config())
                .listener(new DivergenceGuard());
        if (modelFile != null) {
            builder.listener(new CheckpointListener(modelFile, 1, run.classNames(), run.standardizer(),
                    Map.of("data", run.examples().description())));
        }
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
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
        Trainer trainer = builder.listener(new ProgressListener(out, System.console() != null, quiet)).build();
        TrainingListener listener = new TrainingListener() { };
        TrainingHistory history;
        Activity.now("training (batch size " + run.config().batchSize() + ")");
        try {
            if (sparkMaster == null) {
                history = trainer.fit(split.local().train(), split.test(), run.history(), listener);
            } else {
                DistributedTraining.Session cluster = openCluster != null ? openCluster : openCluster(out, backend);
                try {
                    long seed = run.config().seed();
                    int batchSize = run.config().batchSize();
                    history = split.local() != null
                            ? trainer.fit(split.local().train(), split.test(), run.history(), listener,
                                    cluster.updater(split.local().train(), run.model(), run.optimizer(), seed,
                                            batchSize, averageEvery))
                            : trainer.fit(split.remote().size(), split.test(), run.history(), listener,
                                    cluster.updater(split.remote(), run.model(), run.optimizer(), seed, batchSize,
                                            averageEvery));
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

    /** The training set that --read-on-executors has the executors read, the test set here. */
    private DistributedTraining.ClusterData readOnExecutors(DistributedTraining.Session cluster, long splitSeed) {
        // The options' own words: a path as a Path loses the second slash of hdfs:// and the like.
        ParseResult given = spec.commandLine().getParseResult();
        if (data.csv == null) {
            return cluster.readOnExecutors(given.matchedOption("--data").stringValues().get(0));
        }
        String label = data.csvLabel();
        String test = data.testCsv == null ? null : given.matchedOption("--test-csv").stringValues().get(0);
        return cluster.readCsvOnExecutors(given.matchedOption("--csv").stringValues().get(0), label, test,
                data.testFraction, splitSeed);
    }

    private Setup fresh(NetworkFactory factory, LongFunction<TrainingData> onCluster) {
        ModelSpec given = modelSpec != null ? specFile() : null;
        ActivationKind kind = model.activationKind();
        String lossLabel = lossLabel(factory.registry(), loss);
        double rate = model.learningRate(learningRate);
        try {
            TrainingConfig config = new TrainingConfig(epochs != null ? epochs : 10, model.batchSize, seed, patience,
                    LearningRateSchedule.parse(schedule));
            TrainingData split = onCluster == null ? null : onCluster.apply(seed);
            Standardizer standardizer = null;
            if (split == null) {
                Split local = data.trainAndTest(seed);
                if (standardize) {
                    standardizer = Standardizer.fit(local.train());
                    local = new Split(standardizer.apply(local.train()), standardizer.apply(local.test()),
                            local.description() + ", standardised");
                }
                requireTwoClasses(local.train());
                split = new TrainingData(local, null, null);
            } else if (standardize) {
                split = new TrainingData(null, split.cluster().standardize(split.remote(), null), split.cluster());
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
            Optimizer opt = Checkpoints.optimizer(model.optimizer, factory.backend(), built.parameterValues(), rate,
                    model.optimizer.equals("sgd") ? momentum : 0, nesterov, weightDecay);
            return new Setup(built, split.classNames(), opt, rate, config, TrainingHistory.empty(), standardizer,
                    split);
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

    private Setup resumed(NetworkFactory factory, LongFunction<TrainingData> remote) {
        List<String> given = FIXED_BY_CHECKPOINT.stream()
                .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).collect(Collectors.toList());
        if (!given.isEmpty()) {
            throw new InvalidInputException(String.join(", ", given) + (given.size() == 1 ? " does" : " do")
                    + " not apply with --resume: " + resume + " fixes the architecture, optimizer, seed and dtype");
        }
        Backend backend = factory.backend();
        ModelFile.Loaded loaded = ModelFile.load(resume, factory.registry(), backend, null);
        String file = resume.toString();
        try {
            Optimizer restored = Checkpoints.restoreOptimizer(file, loaded.training(), backend,
                    loaded.model().parameterValues(), loaded.optimizerState());
            TrainingConfig config = Checkpoints.restoreConfig(file, loaded.training(), epochs != null ? epochs : 0);
            Standardizer standardizer = loaded.standardizer();
            TrainingData onCluster = remote == null ? null : remote.apply(config.seed());
            TrainingData split;
            if (onCluster == null) {
                Split local = data.trainAndTest(config.seed());
                if (standardizer != null) {
                    local = new Split(standardizer.apply(local.train()), standardizer.apply(local.test()),
                            local.description() + ", standardised");
                }
                split = new TrainingData(new Split(local.train().relabel(loaded.classNames()),
                        local.test().relabel(loaded.classNames()), local.description()), null, null);
            } else if (!onCluster.classNames().equals(loaded.classNames())) {
                throw new InvalidInputException(file + ": its classes " + loaded.classNames() + " are not those of "
                        + onCluster.description());
            } else if (standardizer != null) {
                split = new TrainingData(null, onCluster.cluster().standardize(onCluster.remote(), standardizer),
                        onCluster.cluster());
            } else {
                split = onCluster;
            }
            return new Setup(loaded.model(), loaded.classNames(), restored,
                    loaded.training().path("optimizer").path("learning_rate").asDouble(), config,
                    Checkpoints.restoreHistory(file, loaded.training()), standardizer, split);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
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
