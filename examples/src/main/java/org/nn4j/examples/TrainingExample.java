package org.nn4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Split;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.Predictor;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.CheckpointListener;
import org.nn4j.train.Checkpoints;
import org.nn4j.train.DivergenceGuard;
import org.nn4j.train.EarlyStopping;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.ProgressListener;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingHistory;

/**
 * Training from Java on Fashion-MNIST (the shipped subset, or the full set where installed): a trainer
 * with listeners that print, save and guard the run, the saved model loaded back and asked from a
 * {@link Predictor}, and the run resumed from its checkpoint for more epochs. The backend is chosen at
 * run time: {@code -Dnn4j.backend=nd4j-cpu} or {@code NN4J_BACKEND}, else the best available.
 * Arguments: a directory for the model file (default {@code target/training-example}) and the epochs
 * (default 3).
 */
public final class TrainingExample {

    private TrainingExample() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/training-example"));
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Backend backend = Backends.select(null);
        Split data = FashionMnist.load(null);
        Split held = Split.random(data.train(), 0.1, 42);   // a tenth of the training examples for validation
        Dataset train = held.train();
        Dataset validation = held.test();                    // what early stopping watches
        Dataset test = data.test();                          // scored for the record only
        Model model = Model.of(backend, DType.FLOAT32, Shape.of(784), new Sequential(
                new Linear(backend, DType.FLOAT32, 784, 128), new ActivationLayer(backend, ActivationKind.RELU),
                new Linear(backend, DType.FLOAT32, 128, 10)), new SoftmaxCrossEntropy(backend), 42);
        Path file = dir.resolve("run.safetensors");

        // README: training
        Trainer trainer = Trainer.builder(model)
                .epochs(epochs).batchSize(64).schedule(LearningRateSchedule.cosine())
                .listener(new ProgressListener(System.out))                        // a line per epoch
                .listener(new CheckpointListener(file, 1, train.classNames(), null))  // atomic, every epoch
                .listener(new EarlyStopping(3, true))  // 3 epochs without a better validation loss; best weights back
                .listener(new DivergenceGuard())       // a loss over 100 times its start ends the run
                .build();
        TrainingHistory history = trainer.fit(train, validation, test);

        // After a crash: the checkpoint's model, optimizer state, settings and history, and on from there.
        Checkpoints.Resumed saved = Checkpoints.resume(file, ModuleRegistry.load(), backend);
        history = Trainer.builder(saved).epochs(epochs + 1).listener(new ProgressListener(System.out)).build()
                .fit(train, validation, test);
        // README end

        // README: predictor
        ModelFile.Loaded loaded = ModelFile.load(file, backend);
        Predictor predictor = loaded.predictor(ModuleRegistry.load());      // applies the file's standardisation
        float[] pixels = Arrays.copyOf(test.features(), 32 * 784);      // 32 examples of 784 values
        int[] classes = predictor.classes(pixels, 32);                         // from any thread
        String[] names = predictor.labels(pixels, 32);
        float[] probabilities = predictor.probabilities(pixels, 32);
        // README end
        System.out.println("epochs " + history.epochsDone() + ", test accuracy " + history.finalTest().accuracy()
                + "; the first example: " + names[0] + " (probability "
                + probabilities[classes[0]] + ")");
    }
}
