package org.nn4j.train;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.spec.LossType;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * The settings of a new {@link TrainingRun}: Adam at 1e-3, 10 epochs of batches of 128, seed 42, a
 * constant learning rate, features as they are, a regression model's targets standardised (nn train
 * also standardises a regression's features unless told not to). Each setting is checked as
 * it is given; {@link #build} checks the model against the data (its input against the features, its
 * outputs against the classes, two classes at least) and makes the run.
 */
public final class RunBuilder {
    private final ModuleRegistry registry;
    private final Backend backend;
    private final DType dtype;
    private UnaryOperator<String> names = UnaryOperator.identity();
    private Consumer<String> activity = what -> { };
    private ModelSpec spec;
    private Model model;
    private String where = "model";
    private List<Integer> hidden;
    private ActivationKind activation;
    private String loss;
    private String optimizer = "adam";
    private Double learningRate;
    private Map<String, ?> options = Map.of();
    private TrainingConfig config = new TrainingConfig(10, 128, 42, 0, LearningRateSchedule.constant());
    private boolean standardize;
    private boolean standardizeTargets = true;
    private double[] classWeights;
    private boolean balanced;

    RunBuilder(ModuleRegistry registry, Backend backend, DType dtype) {
        this.registry = java.util.Objects.requireNonNull(registry, "registry");
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
        this.dtype = java.util.Objects.requireNonNull(dtype, "dtype");
    }

    /**
     * How messages name the settings, set before them: by their keys unless given ({@code loss},
     * {@code hidden}, {@code optimizer}, {@code learning_rate}, the optimizer's options); nn train
     * passes its flags ({@code learning_rate} is {@code --lr}).
     */
    public RunBuilder names(UnaryOperator<String> names) {
        this.names = java.util.Objects.requireNonNull(names, "names");
        return this;
    }

    /** Told what the build starts doing ("building the model of FILE"), for messages; nothing by default. */
    public RunBuilder activity(Consumer<String> activity) {
        this.activity = java.util.Objects.requireNonNull(activity, "activity");
        return this;
    }

    /** The model {@code spec} describes, built with the run's seed; {@code where} names it in messages (its file). */
    public RunBuilder model(ModelSpec spec, String where) {
        this.spec = java.util.Objects.requireNonNull(spec, "spec");
        this.where = java.util.Objects.requireNonNull(where, "where");
        this.model = null;
        this.hidden = null;
        return this;
    }

    /** {@code model}, as it is (built in Java, say); its dtype and backend are its own. */
    public RunBuilder model(Model model) {
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.where = "the model";
        this.spec = null;
        this.hidden = null;
        return this;
    }

    /**
     * A multi-layer perceptron for the data: a {@code linear} layer per size of {@code hidden}, each
     * followed by {@code activation}, then one output per class, with the loss {@code loss} (a name or
     * alias of the registry's: {@code ce}, {@code mse}).
     *
     * @throws InvalidInputException for a loss the registry does not know, naming those it does
     */
    public RunBuilder mlp(List<Integer> hidden, ActivationKind activation, String loss) {
        this.loss = lossName(loss);
        this.hidden = List.copyOf(hidden);
        this.activation = java.util.Objects.requireNonNull(activation, "activation");
        this.where = names.apply("hidden");
        this.spec = null;
        this.model = null;
        return this;
    }

    /** The loss {@code name} names (by name or alias, in any case) among the registry's. */
    private String lossName(String name) {
        LossType type = registry.lossType(name);
        if (type == null) {
            TreeSet<String> known = new TreeSet<>();
            registry.lossTypes().values().forEach(t -> {
                known.add(t.name());
                known.addAll(t.aliases());
            });
            throw new InvalidInputException("unknown " + names.apply("loss") + " '" + name + "'"
                    + org.nn4j.nn.spec.Names.suggestion(known, name) + "; expected " + String.join(", ", known));
        }
        return type.name();
    }

    /**
     * The optimizer {@code name} of {@link Optimizers#builtIn()}, checked now with {@link
     * Optimizers#check}.
     *
     * @param learningRate the base rate, or null for the optimizer's default
     * @param options the options given; the optimizer's defaults for the rest
     * @throws InvalidInputException naming the setting at fault
     */
    public RunBuilder optimizer(String name, Double learningRate, Map<String, ?> options) {
        Optimizers.builtIn().check(name, learningRate, options, names);
        this.options = Map.copyOf(options);
        this.optimizer = name;
        this.learningRate = learningRate;
        return this;
    }

    /** Epochs, batch size, seed (of the weights and the shuffle), patience and schedule. */
    public RunBuilder config(TrainingConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        return this;
    }

    /** Whether to standardise each feature by the training set's mean and deviation, stored with the model. */
    public RunBuilder standardize(boolean standardize) {
        this.standardize = standardize;
        return this;
    }

    /**
     * Whether a regression run standardises its targets by the training set's mean and deviation (true by
     * default: a model learns targets of any scale at the default learning rate), stored with the model;
     * its predictions and errors stay in the targets' own units. No effect on a classifier.
     */
    public RunBuilder standardizeTargets(boolean standardizeTargets) {
        this.standardizeTargets = standardizeTargets;
        return this;
    }

    /**
     * Class weights for a classifier's loss, one per class in the data's class order, as PyTorch's {@code
     * CrossEntropyLoss(weight=...)} takes them; null for none.
     */
    public RunBuilder classWeights(double[] weights) {
        this.classWeights = weights == null ? null : weights.clone();
        this.balanced = false;
        return this;
    }

    /**
     * Class weights from the training examples, as scikit-learn's {@code class_weight="balanced"}: a class
     * of {@code c} examples of {@code n} in {@code k} classes weighs {@code n / (k c)}.
     */
    public RunBuilder balancedClassWeights() {
        this.classWeights = null;
        this.balanced = true;
        return this;
    }

    /**
     * The run on {@code data} (a model spec or MLP built now, with the config's seed).
     *
     * @throws InvalidInputException when the model does not fit the data, naming the model (its file,
     *     or the {@code hidden} setting) and the data, or the training set holds one class only
     */
    public TrainingRun build(RunData data) {
        if (spec == null && model == null && hidden == null) {
            throw new IllegalStateException("no model: give a model spec, a model or an MLP's layers");
        }
        boolean tokens = spec != null && Embedding.takesTokens(spec);
        if (tokens && (standardize || data.local() == null || !data.local().train().hasTokens())) {
            throw new InvalidInputException(where + " starts with an embedding, which takes token ids: "
                    + (standardize ? "they are not standardized (leave out --standardize)"
                            : data.local() == null ? "it trains on one machine, not on a cluster (leave out --spark)"
                                    : "give them as a CSV file (" + data.source() + " holds features)"));
        }
        RunData examples = standardize ? data.standardized(null) : data;
        String lossName = spec != null ? spec.loss() : model != null ? model.spec().loss() : loss;
        boolean regression = registry.isRegression(lossName);
        if (examples.local() != null) {
            requireTask(examples.local().train(), regression, lossName);
            if (regression && standardizeTargets) {
                examples = examples.targetsStandardized(null);
            }
        }
        int features = examples.featureCount();
        int classes = examples.classNames().size();
        Model built = model;
        if (built == null) {
            ModelSpec s = spec != null ? spec : ModelSpec.mlp(features, hidden, classes, activation, loss);
            if (s.input().size() != features) {
                throw new InvalidInputException(where + ": the model takes input of shape " + s.input() + " ("
                        + s.input().size() + " values) but " + examples.source() + " has " + features + " features");
            }
            if (tokens) {
                s = Embedding.withVocabulary(s, examples.local().train().vocabulary());
                int v = s.layer(0).path("num_embeddings").asInt();
                String layer = where + ": layers[0] (embedding)";
                Dataset train = examples.local().train();
                Embedding.requireIdsInside(train.tokens(), train.featureCount(), v, train.source(), layer);
                for (Dataset held : new Dataset[] {examples.local().test(), examples.validation()}) {
                    if (held != null && held.hasTokens()) {
                        Embedding.requireIdsInside(held.tokens(), held.featureCount(), v, held.source(), layer);
                    }
                }
            }
            activity.accept("building the model of " + where);
            built = registry.build(s, backend, dtype, config.seed(), where);
        } else if (built.inputSize() != features) {
            throw new InvalidInputException(where + " takes " + built.inputSize() + " inputs but "
                    + examples.source() + " has " + features + " features");
        }
        if (built.outputSize() != classes) {
            throw new InvalidInputException(where + ": the model gives " + built.outputSize() + " outputs but "
                    + examples.source() + " has " + classes + (regression ? " targets" : " classes")
                    + "; make the last layer's out_features " + classes);
        }
        Map<String, Object> checked = Optimizers.builtIn().check(optimizer, learningRate, options, names);
        double rate = Optimizers.builtIn().learningRate(optimizer, learningRate);
        Optimizer made = Optimizers.builtIn().type(optimizer).create(built.backend(), built.parameterValues(), rate,
                checked);
        if (checked.get(Optimizer.CLIP_GRAD_NORM.name()) instanceof Double clip) {
            made.clipGradNorm(clip);
        }
        return new TrainingRun(built, weightedLoss(built, examples, regression), examples.classNames(), made, rate,
                config, config.epochs(), TrainingHistory.empty(), examples, false);
    }

    /** The model's loss, with the class weights given (or balanced on the training examples), if any. */
    private org.nn4j.nn.Loss weightedLoss(Model built, RunData examples, boolean regression) {
        if (classWeights == null && !balanced) {
            return built.loss();
        }
        String flag = names.apply("class_weights");
        if (regression || !(built.loss() instanceof org.nn4j.nn.losses.SoftmaxCrossEntropy)) {
            throw new InvalidInputException(flag + ": class weights apply to the softmax cross-entropy loss, not '"
                    + built.loss().label() + "'");
        }
        if (examples.local() == null) {
            throw new InvalidInputException(flag + ": class weights train on one machine for now, not on a cluster");
        }
        List<String> classes = examples.classNames();
        double[] weights = classWeights;
        if (balanced) {
            long[] counts = new long[classes.size()];
            for (int label : examples.local().train().labels()) {
                counts[label]++;
            }
            weights = new double[counts.length];
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] == 0) {
                    throw new InvalidInputException(flag + " balanced: the class '" + classes.get(c) + "' has no"
                            + " training examples; give the weights as a list");
                }
                weights[c] = (double) examples.local().train().size() / (counts.length * counts[c]);
            }
        } else if (weights.length != classes.size()) {
            throw new InvalidInputException(flag + ": " + weights.length + " weights for the " + classes.size()
                    + " classes of " + examples.source() + " (" + InvalidInputException.shown(String.join(", ", classes),
                            200) + ")");
        }
        try {
            return new org.nn4j.nn.losses.SoftmaxCrossEntropy(built.backend(), weights);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(flag + ": " + e.getMessage(), e);
        }
    }

    /**
     * The examples are of the task the loss is for: real-valued targets for a regression loss, classes for
     * the others, and then classes a classifier can learn (two at least, not a class for nearly each row,
     * not numbers with fractions).
     */
    private void requireTask(Dataset train, boolean regression, String lossName) {
        String flag = names.apply("loss");
        if (regression != train.isRegression()) {
            throw new InvalidInputException(regression
                    ? train.source() + " holds classes, but the loss '" + lossName + "' is for real-valued targets;"
                            + " use a classification loss (" + flag + " ce) for classes"
                    : train.source() + " holds real-valued targets, but the loss '" + lossName + "' is for classes;"
                            + " use a regression loss (" + flag + " mse) for real-valued targets");
        }
        if (regression) {
            return;
        }
        requireTwoClasses(train);
        List<String> classes = train.classNames();
        String fraction = classes.stream()
                .filter(c -> org.nn4j.data.CsvNumbers.isNumber(c) && (c.contains(".") || c.contains("E-")))
                .findFirst().orElse(null);
        if (fraction != null) {
            throw new InvalidInputException(train.source() + ": the label '" + InvalidInputException.shown(fraction)
                    + "' is a number with a fraction, not a class; for real-valued targets use a regression loss ("
                    + flag + " mse)");
        }
        long distinct = java.util.Arrays.stream(train.labels()).distinct().count();
        if (distinct > MANY_CLASSES && 2L * distinct > train.size()) {
            throw new InvalidInputException(train.source() + ": " + distinct + " distinct labels in "
                    + train.size() + " training examples, fewer than two examples a class; for real-valued targets"
                    + " use a regression loss (" + flag + " mse)");
        }
    }

    /** Above this many classes, a classifier needs two training examples a class on average. */
    private static final int MANY_CLASSES = 20;

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
}
