package org.nn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SPI's hot operations in the shapes of one training step of the 784-256-128-10 network at batch
 * 128: the first layer's three GEMMs (forward, weight gradient, input gradient), ReLU forward and
 * backward, the fused softmax cross-entropy, and an Adam update of the first layer's weights.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpiOpsBenchmark {
    private static final int BATCH = 128;
    private static final int IN = 784;
    private static final int HIDDEN = 256;
    private static final int CLASSES = 10;

    @Param({"ejml", "nd4j-cpu"})
    public String backendName;

    @Param({"float32", "float64"})
    public String dtypeName;

    private Backend backend;
    private Matrix x;
    private Matrix w;
    private Matrix z;
    private Matrix y;
    private Matrix bias;
    private Matrix hiddenGrad;
    private Matrix inputGrad;
    private Matrix weightGrad;
    private Matrix m;
    private Matrix v;
    private Matrix logits;
    private Matrix targets;
    private Matrix logitsGrad;

    @Setup
    public void setUp() {
        backend = Backends.select(backendName);
        DType dtype = DType.select(dtypeName, DType.FLOAT32);
        SplittableRandom random = new SplittableRandom(1);
        x = random(dtype, BATCH, IN, random);
        w = random(dtype, IN, HIDDEN, random);
        z = random(dtype, BATCH, HIDDEN, random);
        y = backend.zeros(dtype, BATCH, HIDDEN);
        backend.activation(ActivationKind.RELU, z, y);
        // Zero, so that adding it in place on every call leaves z as it was.
        bias = backend.zeros(dtype, 1, HIDDEN);
        hiddenGrad = random(dtype, BATCH, HIDDEN, random);
        inputGrad = backend.zeros(dtype, BATCH, IN);
        weightGrad = random(dtype, IN, HIDDEN, random);
        m = backend.zeros(dtype, IN, HIDDEN);
        v = backend.zeros(dtype, IN, HIDDEN);
        logits = random(dtype, BATCH, CLASSES, random);
        double[] oneHot = new double[BATCH * CLASSES];
        for (int i = 0; i < BATCH; i++) {
            oneHot[i * CLASSES + random.nextInt(CLASSES)] = 1;
        }
        targets = backend.fromArray(dtype, BATCH, CLASSES, oneHot);
        logitsGrad = backend.zeros(dtype, BATCH, CLASSES);
    }

    private Matrix random(DType dtype, int rows, int cols, SplittableRandom random) {
        return backend.fromArray(dtype, rows, cols, random.doubles(rows * cols, -1, 1).toArray());
    }

    /** x W: 128x784 times 784x256. */
    @Benchmark
    public Matrix gemmForward() {
        backend.gemm(false, false, 1, x, w, 0, z);
        return z;
    }

    /** x^T g: the first layer's weight gradient, 784x128 times 128x256. */
    @Benchmark
    public Matrix gemmWeightGradient() {
        backend.gemm(true, false, 1, x, hiddenGrad, 0, weightGrad);
        return weightGrad;
    }

    /** g W^T: an input gradient, 128x256 times 256x784. */
    @Benchmark
    public Matrix gemmInputGradient() {
        backend.gemm(false, true, 1, hiddenGrad, w, 0, inputGrad);
        return inputGrad;
    }

    @Benchmark
    public Matrix reluForward() {
        backend.activation(ActivationKind.RELU, z, y);
        return y;
    }

    /** A hidden layer's bias and ReLU in one pass, after its product. */
    @Benchmark
    public Matrix biasRelu() {
        backend.biasActivation(ActivationKind.RELU, z, bias, y);
        return y;
    }

    @Benchmark
    public Matrix reluBackward() {
        backend.activationBackward(ActivationKind.RELU, z, y, hiddenGrad, hiddenGrad);
        return hiddenGrad;
    }

    @Benchmark
    public double softmaxCrossEntropy() {
        return backend.softmaxCrossEntropy(logits, targets, logitsGrad);
    }

    /** One Adam step of the 784x256 first-layer weights. */
    @Benchmark
    public Matrix adamUpdate() {
        backend.adamUpdate(w, weightGrad, m, v, 0.9, 0.999, 1e-7, 1, 1e-8);
        return w;
    }
}
