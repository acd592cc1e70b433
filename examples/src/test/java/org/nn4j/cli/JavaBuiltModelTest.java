package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.BatchNorm1d;
import org.nn4j.nn.layers.Dropout;
import org.nn4j.nn.layers.LeakyReLU;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.CheckpointListener;
import org.nn4j.train.Checkpoints;
import org.nn4j.train.Trainer;

/**
 * A model made in Java from typed layers against the same model from a spec file: the same spec and
 * initial tensors; trained, saved and resumed, the same tensors bit for bit; and its file loads strictly
 * in PyTorch ({@code scripts/nn4j_torch.py}), which predicts as {@code nn predict} does.
 */
class JavaBuiltModelTest {
    /** TorchInteropTest's stack: a linear layer without bias, batchnorm, leaky ReLU, dropout, tanh. */
    private static final String SPEC = "{\"input\": [6], \"layers\": ["
            + "{\"type\": \"linear\", \"out_features\": 16, \"bias\": false}, {\"type\": \"batchnorm1d\"},"
            + " {\"type\": \"leaky_relu\", \"negative_slope\": 0.1}, {\"type\": \"dropout\", \"p\": 0.2},"
            + " {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"tanh\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"softmax_cross_entropy\"}";
    private static final long SEED = 11;

    private final Backend backend = Backends.select("ejml");

    @TempDir
    Path dir;

    /** The spec's layers, made in Java. */
    private Model typed(DType dtype) {
        Sequential layers = new Sequential(
                new Linear(backend, dtype, 6, 16, false),
                new BatchNorm1d(backend, dtype, 16),
                new LeakyReLU(backend, 0.1),
                new Dropout(backend, 0.2),
                new Linear(backend, dtype, 16, 8),
                new ActivationLayer(backend, ActivationKind.TANH),
                new Linear(backend, dtype, 8, 3));
        return Model.of(backend, dtype, Shape.of(6), layers, new SoftmaxCrossEntropy(backend), SEED);
    }

    private Model fromSpecFile(DType dtype) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.json"), SPEC);
        return ModuleRegistry.load().build(ModelSpec.read(file), backend, dtype, SEED, file.toString());
    }

    /** Three classes of 6 features, class c shifted by 3 in feature 2c. */
    private static Dataset data() {
        SplittableRandom random = new SplittableRandom(3);
        float[] features = new float[600 * 6];
        int[] labels = new int[600];
        for (int i = 0; i < 600; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 6; j++) {
                features[i * 6 + j] = (float) ((j == 2 * labels[i] ? 3 : 0) + random.nextGaussian());
            }
        }
        return new Dataset(features, labels, 6, List.of("0", "1", "2"), "clusters");
    }

    /** Trains {@code model} (or goes on with {@code resumed}) to {@code epochs}, a checkpoint every epoch. */
    private static void train(Model model, Checkpoints.Resumed resumed, int epochs, Path file) {
        Dataset data = data();
        Trainer.Builder builder = resumed != null ? Trainer.builder(resumed) : Trainer.builder(model);
        builder.epochs(epochs).batchSize(32).listener(new CheckpointListener(file, 1, data.classNames(), null))
                .build().fit(data, null);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aModelMadeInJavaTrainsSavesAndResumesWithTheTensorsOfItsSpecFile(DType dtype) throws Exception {
        Model typed = typed(dtype);
        Model fromFile = fromSpecFile(dtype);
        assertEquals(fromFile.spec().toJson(), typed.spec().toJson());
        assertEquals(fromFile.stateDict(), typed.stateDict());

        // The spec file's model straight through 3 epochs; the typed one for 2, saved, then resumed for the third.
        Path straight = dir.resolve("straight.safetensors");
        train(fromFile, null, 3, straight);
        Path interrupted = dir.resolve("typed.safetensors");
        train(typed, null, 2, interrupted);
        Checkpoints.Resumed resumed = Checkpoints.resume(interrupted, ModuleRegistry.load(), backend);
        assertEquals(fromFile.spec().toJson(), resumed.model().spec().toJson());
        train(null, resumed, 3, interrupted);

        Map<String, TensorData> expected = fromFile.stateDict();
        assertEquals(expected, resumed.model().stateDict(), "the trained tensors");
        assertEquals(expected, ModelFile.load(interrupted, backend).model().stateDict(), "the saved tensors");
        assertEquals(ModelFile.load(straight, backend).model().stateDict(),
                ModelFile.load(interrupted, backend).model().stateDict());
    }

    @Test
    void pyTorchLoadsAModelMadeInJavaStrictlyAndPredictsAsNnPredict() throws Exception {
        String python = TorchInteropTest.pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path model = dir.resolve("typed.safetensors");
        train(typed(DType.FLOAT32), null, 3, model);
        Dataset data = data();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            for (int j = 0; j < 6; j++) {
                rows.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", data.features()[i * 6 + j]));
            }
            rows.append('\n');
        }
        Path input = Files.writeString(dir.resolve("rows.csv"), rows);

        NnRun predict = NnRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--backend",
                "ejml");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(50, TorchInteropTest.assertPyTorchPredicts(python, model, input, predict.out()));
    }
}
