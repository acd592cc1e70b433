package org.nn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Adam and momentum updates of the 784x256 first-layer weights, with their arrays in the caches
 * ({@code hot}: as a loop of updates alone leaves them) or not ({@code cold}: a sweep over a buffer
 * larger than the caches before each update, as the rest of a training step does to them). The gap
 * between the two is the share of an update that memory, not arithmetic, costs on the machine. With
 * {@code gradients=zero} the state starts subnormal, as a long run leaves it for a dead unit under IEEE
 * arithmetic: the SPI's state floor makes it zero after the first update; without the floor every update
 * of it cost Intel cores a microcode assist per vector (11x slower, measured).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OptimizerBenchmark {
    private static final int IN = 784;
    private static final int OUT = 256;
    /** Larger than any cache of the machines measured: 64 MiB. */
    private static final int SWEEP_LONGS = 8 << 20;

    @Param({"ejml", "nd4j-cpu"})
    public String backendName;

    @Param({"float32", "float64"})
    public String dtypeName;

    @Param({"hot", "cold"})
    public String cache;

    @Param({"random", "zero"})
    public String gradients;

    private Backend backend;
    private Matrix w;
    private Matrix grad;
    private Matrix m;
    private Matrix v;
    private long[] sweep;
    /** Read by nothing; keeps the sweep's sums from being optimised away. */
    public long sink;

    @Setup
    public void setUp() {
        backend = Backends.select(backendName);
        DType dtype = DType.select(dtypeName, DType.FLOAT32);
        SplittableRandom random = new SplittableRandom(1);
        w = random(dtype, random);
        if (gradients.equals("zero")) {
            grad = backend.zeros(dtype, IN, OUT);
            m = filled(dtype, dtype == DType.FLOAT64 ? 1e-310 : 1e-40);
            v = filled(dtype, dtype == DType.FLOAT64 ? 1e-310 : 1e-40);
        } else {
            grad = random(dtype, random);
            m = backend.zeros(dtype, IN, OUT);
            v = backend.zeros(dtype, IN, OUT);
        }
        sweep = cache.equals("cold") ? new long[SWEEP_LONGS] : null;
    }

    private Matrix random(DType dtype, SplittableRandom random) {
        return backend.fromArray(dtype, IN, OUT, random.doubles(IN * OUT, -1, 1).toArray());
    }

    private Matrix filled(DType dtype, double value) {
        Matrix matrix = backend.zeros(dtype, IN, OUT);
        backend.fill(matrix, value);
        return matrix;
    }

    /** Writes every cache line of a buffer larger than the caches, evicting the update's arrays. */
    @Setup(Level.Invocation)
    public void evict() {
        if (sweep != null) {
            long sum = 0;
            for (int i = 0; i < sweep.length; i += 8) {
                sum += ++sweep[i];
            }
            sink = sum;
        }
    }

    @Benchmark
    public Matrix adam() {
        backend.adamUpdate(w, grad, m, v, 0.9, 0.999, 1e-7, 1, 1e-8);
        return w;
    }

    @Benchmark
    public Matrix momentum() {
        backend.momentumUpdate(w, grad, v, 0.9, 1e-7, false);
        return w;
    }
}
