package org.nn4j.nn.spec;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;

/**
 * What a {@link LayerType} builds a layer from: the checked hyper-parameters of one entry of a spec's
 * {@code layers}, the shape of its input, and the backend, dtype and random source of the model.
 */
public final class LayerConfig {
    private final String where;
    private final int index;
    private final String type;
    private final Map<String, Object> values;
    private final Shape input;
    private final Backend backend;
    private final DType dtype;
    private final Random random;
    private final List<String> typesBefore;
    private final List<String> typesAfter;
    private final ValueBudget budget;

    LayerConfig(String where, int index, String type, Map<String, Object> values, Shape input, Backend backend,
            DType dtype, Random random, List<String> typesBefore, List<String> typesAfter, ValueBudget budget) {
        this.budget = budget;
        this.where = where;
        this.index = index;
        this.type = type;
        this.values = Map.copyOf(values);
        this.input = input;
        this.backend = backend;
        this.dtype = dtype;
        this.random = random;
        this.typesBefore = List.copyOf(typesBefore);
        this.typesAfter = List.copyOf(typesAfter);
    }

    /** The layer's place in the spec, counted from 0: also its name in the model ({@code 3.weight}). */
    public int index() {
        return index;
    }

    /** The shape of one example coming into the layer. */
    public Shape input() {
        return input;
    }

    /** The backend the layer computes on. */
    public Backend backend() {
        return backend;
    }

    /** The dtype of the layer's parameters. */
    public DType dtype() {
        return dtype;
    }

    /**
     * The model's one random source for initial weights. nn4j's layers draw from it when the model is
     * initialised, after every layer is made ({@link org.nn4j.nn.Module#initialize(Initialization)}, which
     * a layer type's modules should implement instead); draws made here, in {@link LayerType#create},
     * come before those.
     */
    public Random random() {
        return random;
    }

    /**
     * A key that sets this layer's randomness apart from the other layers' (see {@link Pass#rowKey}):
     * {@link Initialization#salt()} of its place.
     */
    public long randomSalt() {
        return Initialization.salt(index);
    }

    /** The types of the layers before this one, nearest first. */
    public List<String> typesBefore() {
        return typesBefore;
    }

    /** The types of the layers after this one, nearest first. */
    public List<String> typesAfter() {
        return typesAfter;
    }

    /**
     * Takes {@code count} values (parameters and buffers, each {@code rows x cols} given as a product)
     * from the model's budget before the layer allocates them, so that a spec asking for more than
     * there is memory for (or, for a model file, more than the file holds) fails in one line naming
     * this layer instead of running out of memory. nn4j's own layer types call it; others should.
     *
     * @param counts the element count of each array about to be allocated
     * @throws InvalidInputException naming this layer, when the model would go over the budget
     */
    public void reserve(long... counts) {
        long total = 0;
        for (long count : counts) {
            if (count < 0 || count > Integer.MAX_VALUE - 16) {
                throw error(null, "needs an array of " + count + " values, more than one array holds (2^31)");
            }
            total += count;
        }
        budget.take(total, this);
    }

    /** Whether the spec gave {@code key}, or it has a default. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A whole-number hyper-parameter's value (its default when the spec leaves it out). */
    public int integer(String key) {
        return (Integer) value(key);
    }

    /** A pair hyper-parameter as {@code [height, width]} (one number given stands for both). */
    public int[] pair(String key) {
        Object value = value(key);
        return value instanceof int[] both ? both.clone() : new int[] {(Integer) value, (Integer) value};
    }

    /** A number hyper-parameter's value. */
    public double number(String key) {
        return ((Number) value(key)).doubleValue();
    }

    /** A true-or-false hyper-parameter's value. */
    public boolean bool(String key) {
        return (Boolean) value(key);
    }

    /** A text hyper-parameter's value. */
    public String string(String key) {
        return (String) value(key);
    }

    /** An error about {@code key} of this layer, in the one-line form every spec error has. */
    public InvalidInputException error(String key, String message) {
        return new InvalidInputException(SpecErrors.layer(where, index, type) + (key == null ? "" : "'" + key + "' ")
                + message);
    }

    private Object value(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalStateException(type + " has no hyper-parameter '" + key + "' with a value");
        }
        return value;
    }

    /** How many values the layers of one build may still allocate, and what to say when they may not. */
    static final class ValueBudget {
        private final long limit;
        private final java.util.function.LongFunction<String> exceeded;
        private long taken;

        /** A budget of {@code limit} values; {@code exceeded} says why a total over it is refused. */
        ValueBudget(long limit, java.util.function.LongFunction<String> exceeded) {
            this.limit = limit;
            this.exceeded = exceeded;
        }

        /**
         * The budget of a model built to train in this JVM: its values, their gradients and two
         * optimizer slots (Adam's) in the memory the JVM may use.
         */
        static ValueBudget memory(DType dtype) {
            long bytes = Runtime.getRuntime().maxMemory();
            int copies = 4;
            return new ValueBudget(bytes / ((long) dtype.bytes() * copies), total -> String.format(
                    java.util.Locale.ROOT, "the model would have %,d parameters and buffers (%.1f GiB in %s, %d times"
                            + " that with gradients and Adam's state), more than the %.1f GiB this JVM may use; use"
                            + " smaller layers, or give Java more memory (JAVA_OPTS=-Xmx%dg)",
                    total, total * (double) dtype.bytes() / (1L << 30), dtype.label(), copies,
                    bytes / (double) (1L << 30), Math.max(2, (long) Math.ceil(total * (double) dtype.bytes() * copies
                            * 1.25 / (1L << 30)))));
        }

        void take(long values, LayerConfig layer) {
            taken += values;
            if (taken > limit) {
                throw layer.error(null, exceeded.apply(taken));
            }
        }
    }
}
