package org.nn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.CsvFeatures;
import org.nn4j.data.Idx;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.AtomicFiles;
import org.nn4j.io.InputFiles;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.TokenIds;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict each row of an input file with a saved model and write the predictions as CSV.",
            "A classifier's rows: row, class, and the probability of each class. A regression model's (trained with"
                    + " mse): row and the predicted value of each target."})
final class PredictCommand implements Callable<Integer> {
    private static final int BATCH = 1000;
    /** The most outputs a batch holds: 1000 rows of up to 1000 classes, fewer rows of more. */
    private static final int BATCH_OUTPUTS = 1_000_000;

    @Mixin
    SavedModelOptions saved;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "IDX images (gzip'd or not) or a CSV file of features, with or without a header.")
    Path input;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "A column of the input CSV to leave out, such as its class or a regression target: a header"
                    + " name or 0-based index (repeated, or a list: y1,y2).")
    List<String> label = List.of();

    @Option(names = "--output", paramLabel = "FILE", description = "Write the CSV here instead of to stdout.")
    Path output;

    @Mixin
    BackendOptions backendOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--input", input);
        OutputFiles.require(output == null ? Map.of() : Map.of("--output", output), saved.inputs(inputs));
        NetworkFactory factory = backendOptions.injector().getInstance(NetworkFactory.class);
        Backend backend = factory.backend();
        ModelFile.Loaded loaded = saved.load(factory, backendOptions.explicitDType());
        Model a = loaded.model();
        Activity.now("reading " + input);
        boolean tokens = Embedding.takesTokens(a.spec());
        CsvFeatures.Features features = features(input, tokens, DataOptions.columns(label));
        if (features.width() != a.inputSize()) {
            throw new InvalidInputException(input + ": rows of " + features.width() + " features; the model "
                    + saved.model + " takes " + a.inputSize());
        }
        float[] x = features.values();
        if (tokens) {
            Embedding first = (Embedding) a.network().modules().get(0);
            Embedding.requireIdsInside(features.ids(), features.width(), first.numEmbeddings(), input.toString(),
                    saved.model + ": layers[0] (embedding)");
        }
        if (loaded.standardizer() != null && x != null) {
            x = x.clone();
            loaded.standardizer().apply(x);
        }
        boolean probabilities = a.loss().label().equals(SoftmaxCrossEntropy.LABEL);
        boolean regression = factory.registry().isRegression(a.spec().loss());
        List<String> names = loaded.classNames();
        // A regression model's outputs are its targets' predicted values, under the targets' names.
        StringBuilder csv = new StringBuilder(regression ? "row" : "row,class");
        for (String name : names) {
            csv.append(',').append(quote(regression ? name : (probabilities ? "p_" : "output_") + name));
        }
        csv.append('\n');
        int k = a.outputSize();
        DType dtype = a.dtype();
        // The text goes out batch by batch: held as UTF-8 for --output (written at once, atomically), else
        // printed; batches of fewer rows the more classes there are, so that one holds about a million values.
        List<ByteBuffer> parts = new ArrayList<>();
        PrintWriter out = output == null ? spec.commandLine().getOut() : null;
        int batchRows = Math.max(1, Math.min(BATCH, BATCH_OUTPUTS / k));
        java.util.Formatter format = new java.util.Formatter(csv, Locale.ROOT);
        for (int from = 0; from < features.rows(); from += batchRows) {
            int count = Math.min(batchRows, features.rows() - from);
            Matrix output;
            if (tokens) {
                output = a.forward(TokenIds.of(dtype, a.inputSize(), java.util.Arrays.copyOfRange(features.ids(),
                        from * a.inputSize(), (from + count) * a.inputSize()), count), Pass.eval());
            } else {
                float[] batch = java.util.Arrays.copyOfRange(x, from * a.inputSize(), (from + count) * a.inputSize());
                output = a.forward(backend.fromArray(dtype, count, a.inputSize(), toDouble(batch)), Pass.eval());
            }
            int[] classes = new int[count];
            backend.argmaxRows(output, classes);
            Matrix shown = output;
            if (probabilities) {
                shown = backend.zeros(dtype, count, k);
                backend.softmaxRows(output, shown);
            }
            double[] values = backend.toArray(shown);
            if (regression && loaded.targetStandardizer() != null) {
                loaded.targetStandardizer().invert(values);
            }
            for (int i = 0; i < count; i++) {
                csv.append(from + i);
                if (!regression) {
                    csv.append(',').append(quote(names.get(classes[i])));
                }
                for (int c = 0; c < k; c++) {
                    csv.append(',');
                    format.format("%.6g", values[i * k + c]);
                }
                csv.append('\n');
            }
            emit(csv, parts, out);
        }
        emit(csv, parts, out);
        if (output != null) {
            AtomicFiles.write(output, parts.toArray(ByteBuffer[]::new));
        } else {
            out.flush();
        }
        return 0;
    }

    /**
     * The rows of {@code file}: IDX images or CSV features, gzip'd or not, told by content. The file
     * is read once, so that a pipe ({@code <(zcat x.csv.gz)}, {@code /dev/stdin}) works too.
     */
    private static CsvFeatures.Features features(Path file, boolean tokens, List<String> skipped) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": a directory; expected a CSV file of features or IDX images");
        }
        try (InputStream in = Idx.gunzipIfNeeded(InputFiles.open(file), file.toString())) {
            in.mark(4);
            byte[] head = in.readNBytes(4);
            in.reset();
            if (tokens) {
                // Token ids as ints, never through a float: a CSV file of ids only.
                return CsvFeatures.readTokenRows(in, file.toString(), skipped);
            }
            if (head.length == 4 && head[0] == 0 && head[1] == 0 && head[2] == 8 && head[3] == 3) {
                if (!skipped.isEmpty()) {
                    throw new InvalidInputException("--label applies to a CSV input; " + file + " holds IDX images");
                }
                Idx.Images images = Idx.readImages(in, file.toString());
                return new CsvFeatures.Features(images.pixels(), images.rows() * images.cols());
            }
            return CsvFeatures.readFeatures(in, file.toString(), skipped);
        } catch (IOException e) {
            throw InputFiles.unreadable(file, e);
        }
    }

    /** Sends the text in {@code csv} on: into {@code parts} as UTF-8, or printed to {@code out} when given. */
    private static void emit(StringBuilder csv, List<ByteBuffer> parts, PrintWriter out) {
        if (csv.length() == 0) {
            return;
        }
        if (out != null) {
            out.print(csv);
        } else {
            parts.add(ByteBuffer.wrap(csv.toString().getBytes(StandardCharsets.UTF_8)));
        }
        csv.setLength(0);
    }

    private static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static String quote(String field) {
        return field.contains(",") || field.contains("\"") ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
