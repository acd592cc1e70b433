package org.nn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nn4j.data.Dataset;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.train.Evaluation;
import org.nn4j.train.RunSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Report how a saved model does on labelled data (default: Fashion-MNIST's test set), or on"
                + " the examples its training run held out (--split).",
            "A classifier's accuracy, loss, per-class accuracy and confusion matrix; a regression model's loss and"
                    + " MSE, MAE and R² per target."})
final class EvaluateCommand implements Callable<Integer> {
    /** The most classes whose confusion matrix is printed whole; beyond, its cells that are not 0. */
    static final int DENSE_CLASSES = 32;

    @Mixin
    SavedModelOptions saved;

    @Mixin
    DataOptions data;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--json", description = "Print the results as one JSON object instead of text.")
    boolean json;

    /** Which examples of a training run to score. */
    enum Held { test, validation }

    @Option(names = "--split", paramLabel = "SET",
            description = "Score only the examples the model's training run held out: test or validation, drawn"
                    + " again from the run's data (--csv, or Fashion-MNIST) with its recorded seed and shares.")
    Held split;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        NetworkFactory factory = backendOptions.injector().getInstance(NetworkFactory.class);
        ModelFile.Loaded loaded = saved.load(factory, backendOptions.explicitDType());
        Path model = saved.model;
        data.tokensFor(loaded.model().spec(), model.toString());
        data.taskFor(factory.registry(), loaded.model().spec().loss());
        Dataset dataset = split != null ? heldOut(loaded, model) : data.evaluationData();
        if (data.tokens && !dataset.hasTokens()) {
            throw new InvalidInputException("the model " + model + " starts with an embedding, which takes token ids:"
                    + " give them as a CSV file (--csv)");
        }
        dataset = dataset.relabel(loaded.classNames());
        // Checked before the standardisation, which would refuse other widths as a fault of its own.
        if (dataset.featureCount() != loaded.model().inputSize()) {
            throw new InvalidInputException(dataset.source() + " has " + dataset.featureCount() + " features; the model "
                    + model + " takes " + loaded.model().inputSize());
        }
        if (loaded.standardizer() != null) {
            dataset = loaded.standardizer().apply(dataset);
        }
        if (data.tokens) {
            Embedding first = (Embedding) loaded.model().network().modules().get(0);
            Embedding.requireIdsInside(dataset.tokens(), dataset.featureCount(), first.numEmbeddings(), dataset.source(),
                    model + ": layers[0] (embedding)");
        }
        if (loaded.targetStandardizer() != null) {
            dataset = loaded.targetStandardizer().applyToTargets(dataset);
        }
        Evaluation e = Evaluation.of(loaded.model(), loaded.loss(), dataset, loaded.targetStandardizer());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(asJson(e, model, dataset));
            out.flush();
            return 0;
        }
        out.println("model: " + model + " (" + loaded.model().spec().summary() + ", " + loaded.model().dtype() + ")");
        out.println("data: " + dataset.source() + " (" + dataset.size() + (split != null ? " " + split
                + " examples of the model's training run)" : " examples)"));
        if (e.regression() != null) {
            out.println(String.format(Locale.ROOT, "loss %.4f; mean over targets: mse %.6g, mae %.6g, r2 %.4f", e.loss(),
                    e.regression().meanMse(), e.regression().meanMae(), e.regression().meanR2()));
            List<String> targets = e.classNames();
            int width = Math.max(6, targets.stream().mapToInt(String::length).max().orElse(6));
            out.println(String.format(Locale.ROOT, "  %-" + width + "s  %12s  %12s  %8s", "target", "mse", "mae", "r2"));
            for (int t = 0; t < targets.size(); t++) {
                out.println(String.format(Locale.ROOT, "  %-" + width + "s  %12.6g  %12.6g  %8.4f", targets.get(t),
                        e.regression().mse()[t], e.regression().mae()[t], e.regression().r2()[t]));
            }
            return 0;
        }
        out.println(String.format(Locale.ROOT, "accuracy %.4f, loss %.4f", e.accuracy(), e.loss())
                + (Double.isNaN(e.topKAccuracy()) ? "" : String.format(Locale.ROOT, ", top-%d accuracy %.4f",
                        Evaluation.TOP_K, e.topKAccuracy())));
        Evaluation.ClassScores scores = e.classScores();
        out.println(String.format(Locale.ROOT, "precision, recall, f1: macro %.4f, %.4f, %.4f; weighted %.4f, %.4f,"
                + " %.4f", scores.macro(scores.precision()), scores.macro(scores.recall()), scores.macro(scores.f1()),
                scores.weighted(scores.precision()), scores.weighted(scores.recall()), scores.weighted(scores.f1())));
        List<String> names = e.classNames();
        int nameWidth = names.stream().mapToInt(String::length).max().orElse(5);
        out.println("per-class accuracy:");
        double[] perClass = e.perClassAccuracy();
        boolean dense = names.size() <= DENSE_CLASSES;
        int without = 0;
        for (int c = 0; c < names.size(); c++) {
            if (!dense && Double.isNaN(perClass[c])) {
                without++;
                continue;
            }
            out.println(String.format(Locale.ROOT, "  %-" + nameWidth + "s  %s", names.get(c),
                    Double.isNaN(perClass[c]) ? "no examples" : String.format(Locale.ROOT, "%.4f", perClass[c])));
        }
        if (without > 0) {
            out.println("  (" + without + " of the " + names.size() + " classes have no examples)");
        }
        out.println(String.format(Locale.ROOT, "per-class precision, recall, f1 and examples:"));
        for (int c = 0; c < names.size(); c++) {
            if (dense || scores.support()[c] > 0 || scores.predicted()[c] > 0) {
                out.println(String.format(Locale.ROOT, "  %-" + nameWidth + "s  %.4f  %.4f  %.4f  %d", names.get(c),
                        scores.precision()[c], scores.recall()[c], scores.f1()[c], scores.support()[c]));
            }
        }
        if (!dense) {
            // A matrix of classes x classes would be mostly zeros (10^10 cells for 100,000 classes).
            out.println("confusion matrix, the cells that are not 0 (true class -> predicted class: examples):");
            for (Evaluation.Cell cell : e.confusion()) {
                out.println("  " + names.get(cell.truth()) + " -> " + names.get(cell.predicted()) + ": " + cell.count());
            }
            return 0;
        }
        out.println("confusion matrix (rows: true class, columns: predicted class, in the order above):");
        int cellWidth = 1;
        for (Evaluation.Cell cell : e.confusion()) {
            cellWidth = Math.max(cellWidth, Integer.toString(cell.count()).length());
        }
        for (int c = 0; c < names.size(); c++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-" + nameWidth + "s", names.get(c)));
            for (int p = 0; p < names.size(); p++) {
                line.append(String.format(Locale.ROOT, " %" + cellWidth + "d", e.count(c, p)));
            }
            out.println(line);
        }
        return 0;
    }

    /**
     * The examples the run that saved {@code loaded} held out as --split names, as read (checked against
     * the digest the run recorded): a share of --csv or of Fashion-MNIST's training set drawn again with
     * the run's seed, or the run's own test or validation file.
     */
    private Dataset heldOut(ModelFile.Loaded loaded, Path model) {
        RunSplit recorded = RunSplit.read(model.toString(), loaded.training().get("split"));
        if (recorded == null) {
            throw new InvalidInputException("--split: " + model + " records no split of its data (not saved by a"
                    + " training run, or by an older nn4j); evaluate it on data given with --csv or --data");
        }
        boolean validation = split == Held.validation;
        boolean fashion = recorded.heldOut().equals(RunSplit.TEST_FILES);
        if (fashion == (data.csv != null)) {
            throw new InvalidInputException("--split: the run of " + model + " trained on " + (fashion
                    ? "Fashion-MNIST (give --data DIR, or nothing, not --csv)" : "a CSV file: give it with --csv"));
        }
        if (validation && recorded.validation() == null) {
            throw new InvalidInputException("--split validation: the run of " + model + " held out no validation"
                    + " examples");
        }
        Dataset examples;
        String file = validation ? recorded.validation().csv() : recorded.testCsv();
        if (file != null) {
            examples = data.heldOutCsv(Path.of(file));
        } else if (fashion && !validation) {
            examples = data.evaluationData();
        } else {
            Dataset all = fashion ? org.nn4j.data.FashionMnist.load(data.data).train() : data.evaluationData();
            examples = recorded.heldOutOf(all, validation);
        }
        recorded.requireHeldOut(examples, validation, model.toString());
        return examples;
    }

    /** The evaluation as one JSON object: its numbers, per class (or per target) and the confusion matrix's cells. */
    private static String asJson(Evaluation e, Path model, Dataset data) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
        root.put("model", model.toString()).put("data", data.source()).put("examples", data.size()).put("loss", e.loss());
        List<String> names = e.classNames();
        if (e.regression() != null) {
            root.put("mse", e.regression().meanMse()).put("mae", e.regression().meanMae())
                    .put("r2", e.regression().meanR2());
            com.fasterxml.jackson.databind.node.ArrayNode targets = root.putArray("targets");
            for (int t = 0; t < names.size(); t++) {
                targets.addObject().put("name", names.get(t)).put("mse", e.regression().mse()[t])
                        .put("mae", e.regression().mae()[t]).put("r2", e.regression().r2()[t]);
            }
            return root.toString();
        }
        Evaluation.ClassScores scores = e.classScores();
        root.put("accuracy", e.accuracy());
        if (!Double.isNaN(e.topKAccuracy())) {
            root.put("top" + Evaluation.TOP_K + "_accuracy", e.topKAccuracy());
        }
        for (String mean : List.of("macro", "weighted")) {
            boolean macro = mean.equals("macro");
            root.putObject(mean)
                    .put("precision", macro ? scores.macro(scores.precision()) : scores.weighted(scores.precision()))
                    .put("recall", macro ? scores.macro(scores.recall()) : scores.weighted(scores.recall()))
                    .put("f1", macro ? scores.macro(scores.f1()) : scores.weighted(scores.f1()));
        }
        com.fasterxml.jackson.databind.node.ArrayNode classes = root.putArray("classes");
        for (int c = 0; c < names.size(); c++) {
            classes.addObject().put("name", names.get(c)).put("examples", scores.support()[c])
                    .put("precision", scores.precision()[c]).put("recall", scores.recall()[c])
                    .put("f1", scores.f1()[c]);
        }
        com.fasterxml.jackson.databind.node.ArrayNode cells = root.putArray("confusion");
        for (Evaluation.Cell cell : e.confusion()) {
            cells.addObject().put("true", names.get(cell.truth())).put("predicted", names.get(cell.predicted()))
                    .put("count", cell.count());
        }
        return root.toString();
    }
}
