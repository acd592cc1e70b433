package org.nn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.TrainingConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The flags of {@code train} that set what a new run trains and how: model, loss, optimizer, epochs. */
final class TrainingOptions {
    /** Options that a checkpoint fixes, so that they cannot be given with --resume. */
    private static final List<String> FIXED_BY_CHECKPOINT = List.of("--model", "--hidden", "--activation", "--loss",
            "--optimizer", "--lr", "--momentum", "--nesterov", "--weight-decay", "--clip-grad-norm", "--batch-size", "--schedule",
            "--patience", "--seed", "--dtype", "--standardize", "--no-standardize", "--class-weights");

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--model", paramLabel = "FILE.json",
            description = "The model spec (JSON: input, layers, loss) to train, instead of --hidden and --activation.")
    Path modelSpec;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "ce",
            description = "ce (softmax cross-entropy: classes), or for regression on real-valued --label columns mse,"
                    + " l1 or smooth_l1 (PyTorch's L1Loss, SmoothL1Loss) (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.001 for adam, 0.05 for sgd).")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "SGD momentum (default: ${DEFAULT-VALUE}; 0 for none).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum for SGD.")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "Weight decay: L2 for adam and sgd (default: 0), decoupled for adamw (default: 0.01).")
    Double weightDecay;

    @Option(names = "--clip-grad-norm", paramLabel = "N",
            description = "Scale all gradients together so that their norm is at most N before each update"
                    + " (torch.nn.utils.clip_grad_norm_; default: none).")
    Double clipGradNorm;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs in all (default: 10, or the checkpoint's).")
    Integer epochs;

    @Option(names = "--schedule", paramLabel = "SCHEDULE", defaultValue = "constant",
            description = "Learning rate: constant, cosine (per epoch), cosine-steps (per batch), step:EVERY:GAMMA,"
                    + " or any of them after a linear warm-up, warmup:STEPS:SCHEDULE (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "Stop after N epochs without a better validation loss (needs --val-fraction or --val-csv;"
                    + " default: ${DEFAULT-VALUE}, never).")
    int patience;

    @Option(names = "--restore-best",
            description = "End with the weights of the epoch of the lowest validation loss (needs --val-fraction or"
                    + " --val-csv), saved to --out; with --patience, the run still stops as it says.")
    boolean restoreBest;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seeds weights, shuffling and CSV splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--standardize", negatable = true,
            description = "Standardise each feature, and a regression model's targets, with the training data's mean"
                    + " and std, stored with the model (predictions and errors stay in the targets' units). Default:"
                    + " on for a regression loss (mse), off for a classifier.")
    Boolean standardize;

    /** Whether to standardise the targets: as given, else for a regression loss. */
    boolean standardizeTargets(boolean regression) {
        return standardize != null ? standardize : regression;
    }

    /** Whether to standardise the features: as given, else for a regression loss on features (not token ids). */
    boolean standardizeFeatures(boolean regression, boolean tokens) {
        return standardize != null ? standardize : regression && !tokens;
    }

    @Option(names = "--class-weights", paramLabel = "WEIGHTS",
            description = "Weigh each class in the cross-entropy loss (PyTorch's weight): balanced (n / (classes x"
                    + " examples of the class), from the training examples), or one number per class in nn evaluate's"
                    + " class order: 1,4.5,2.")
    String classWeights;

    /** --class-weights as a list, or null for none or balanced. */
    double[] classWeightList() {
        if (classWeights == null || classWeights.strip().equalsIgnoreCase("balanced")) {
            return null;
        }
        String[] fields = classWeights.split(",", -1);
        double[] weights = new double[fields.length];
        for (int i = 0; i < fields.length; i++) {
            if (!org.nn4j.data.CsvNumbers.isNumber(fields[i].strip())) {
                throw new InvalidInputException("--class-weights: '" + InvalidInputException.shown(fields[i].strip())
                        + "' is not a number; give balanced, or one number per class: 1,4.5,2");
            }
            weights[i] = Double.parseDouble(fields[i].strip());
        }
        return weights;
    }

    /** Whether {@code flag} was given. */
    boolean given(String flag) {
        return command.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** Refuses the options that the checkpoint {@code resume} fixes. */
    void requireNoneFixedBy(Path resume) {
        List<String> fixed = FIXED_BY_CHECKPOINT.stream().filter(this::given).toList();
        if (!fixed.isEmpty()) {
            throw new InvalidInputException(String.join(", ", fixed) + (fixed.size() == 1 ? " does" : " do")
                    + " not apply with --resume: " + resume + " fixes the architecture, optimizer, seed and dtype");
        }
    }

    /** The spec of --model, which --hidden, --activation and --loss cannot be given with. */
    ModelSpec specFile() {
        List<String> mlp = List.of("--hidden", "--activation", "--loss").stream().filter(this::given).toList();
        if (!mlp.isEmpty()) {
            throw new InvalidInputException(String.join(", ", mlp) + (mlp.size() == 1 ? " does" : " do")
                    + " not apply with --model: " + modelSpec + " describes the layers and the loss");
        }
        return ModelSpec.read(modelSpec);
    }

    /** The optimizer options given, by the library's keys, in the flags' order; the optimizer's defaults for the rest. */
    Map<String, Object> optimizerOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        if (given("--momentum")) {
            options.put("momentum", momentum);
        }
        if (given("--nesterov")) {
            options.put("nesterov", nesterov);
        }
        if (weightDecay != null) {
            options.put("weight_decay", weightDecay);
        }
        if (clipGradNorm != null) {
            options.put("clip_grad_norm", clipGradNorm);
        }
        return options;
    }

    /** Epochs (10 unless given), {@code batchSize}, seed, patience and schedule. */
    TrainingConfig config(int batchSize) {
        return new TrainingConfig(epochs != null ? epochs : 10, batchSize, seed, patience,
                LearningRateSchedule.parse(schedule));
    }
}
