package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.Dropout;
import org.nn4j.nn.layers.LeakyReLU;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Adam;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;

/**
 * A model made in Java from typed layers trains on Spark as the model of its spec file does on one
 * machine: the workers build it from the spec its layers wrote.
 */
class JavaBuiltModelSparkTest {
    private static final TrainingConfig CONFIG = new TrainingConfig(2, 32, 7, 0, LearningRateSchedule.cosine());
    private static final String SPEC = "{\"input\": [10], \"layers\": [{\"type\": \"linear\","
            + " \"out_features\": 16}, {\"type\": \"leaky_relu\"}, {\"type\": \"dropout\", \"p\": 0.3},"
            + " {\"type\": \"linear\", \"out_features\": 3}]}";

    private final Backend ejml = Backends.select("ejml");

    /** Three Gaussian clusters in 10 dimensions. */
    private static Dataset data(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * 10];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 10; j++) {
                x[i * 10 + j] = (float) ((j % 3 == labels[i] ? 1.5 : 0) + random.nextGaussian());
            }
        }
        return new Dataset(x, labels, 10, List.of("a", "b", "c"), "clusters");
    }

    private List<double[]> train(Model net, JavaSparkContext spark) {
        Adam adam = new Adam(ejml, net.parameterValues(), 0.01, 0);
        Trainer.Builder trainer = Trainer.builder(net).loss(new SoftmaxCrossEntropy(ejml)).optimizer(adam)
                .config(CONFIG);
        if (spark != null) {
            SparkUpdater updater = new SparkUpdater(spark, data(150, 1), 0, net, adam, "ejml", CONFIG.seed());
            trainer.updater((examples, run) -> updater);
        }
        TrainingHistory history = trainer.build().fit(data(150, 1), data(60, 2));
        assertEquals(2, history.epochsDone());
        List<double[]> weights = new ArrayList<>();
        net.parameterValues().forEach(p -> weights.add(ejml.toArray(p)));
        return weights;
    }

    @Test
    void aModelMadeInJavaTrainsOnSparkAsItsSpecFileDoesOnOneMachine() {
        Model fromFile = ModuleRegistry.builtIn().build(ModelSpec.parse(SPEC, "spec"), ejml, DType.FLOAT64, 5, "spec");
        Model typed = Model.of(ejml, DType.FLOAT64, Shape.of(10), new Sequential(
                new Linear(ejml, DType.FLOAT64, 10, 16), new LeakyReLU(ejml), new Dropout(ejml, 0.3),
                new Linear(ejml, DType.FLOAT64, 16, 3)), new SoftmaxCrossEntropy(ejml), 5);
        assertEquals(fromFile.spec().toJson(), typed.spec().toJson());
        List<double[]> oneMachine = train(fromFile, null);
        JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("nn4j-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        List<double[]> distributed;
        try {
            distributed = train(typed, spark);
        } finally {
            spark.stop();
        }
        // As DistributedTrainingTest holds Spark to one machine: sums in another order, 1e-9 relatively.
        for (int i = 0; i < oneMachine.size(); i++) {
            double[] e = oneMachine.get(i);
            double[] a = distributed.get(i);
            double rms = Math.sqrt(java.util.Arrays.stream(e).map(v -> v * v).average().orElse(0));
            for (int j = 0; j < e.length; j++) {
                assertTrue(Math.abs(a[j] - e[j]) <= 1e-9 * (Math.abs(e[j]) + rms),
                        "parameter " + i + " element " + j + ": " + a[j] + " vs " + e[j]);
            }
        }
    }
}
