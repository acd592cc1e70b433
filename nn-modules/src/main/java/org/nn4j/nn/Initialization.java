package org.nn4j.nn;

import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * What a module draws its initial state from ({@link Module#initialize(Initialization)}): the model's
 * one random source, which the modules draw from one after another, first to last; the module's place
 * in its {@link Sequential}; and the modules beside it, for a layer whose initial weights suit the
 * nonlinearity next to it (He before a ReLU, as {@code torch.nn.init.calculate_gain} would choose).
 *
 * <p>A model built from a spec with seed {@code s} and the same layers built in Java and initialised
 * from {@code s} ({@link Model#of}, {@link Module#initialize(long)}) draw the same numbers in the same
 * order, so they start with the same tensors.
 */
public final class Initialization {
    private final Random random;
    private final int index;
    private final List<Module> before;
    private final List<Module> after;

    private Initialization(Random random, int index, List<Module> before, List<Module> after) {
        this.random = Objects.requireNonNull(random, "random");
        this.index = index;
        this.before = List.copyOf(before);
        this.after = List.copyOf(after);
    }

    /** The initialisation of a module on its own, or of the first layer of a model: draws from {@code random}. */
    public static Initialization of(Random random) {
        return new Initialization(random, 0, List.of(), List.of());
    }

    /**
     * The initialisation of the module at {@code index} of a container, drawing from this one's random
     * source.
     *
     * @param before the modules before it, nearest first
     * @param after the modules after it, nearest first
     */
    public Initialization at(int index, List<Module> before, List<Module> after) {
        return new Initialization(random, index, before, after);
    }

    /** The random source, shared by every module of the model: each takes its draws in turn. */
    public Random random() {
        return random;
    }

    /** The module's place in its container, counted from 0: also its name there ({@code 3.weight}). */
    public int index() {
        return index;
    }

    /** The modules before this one, nearest first. */
    public List<Module> before() {
        return before;
    }

    /** The modules after this one, nearest first. */
    public List<Module> after() {
        return after;
    }

    /**
     * A key that sets this module's randomness in a training pass apart from other modules' (see
     * {@link Pass#rowKey}): it depends on the module's {@link #index()} alone.
     */
    public long salt() {
        return salt(index);
    }

    /** The {@link #salt()} of the module at {@code index}. */
    public static long salt(int index) {
        return Pass.mix(0x5DEECE66DL + index);
    }

    /**
     * The {@link Module#nonlinearity()} of the nearest module after this one that has one, else of the
     * nearest before it; null when neither side has one.
     */
    public String nearestNonlinearity() {
        for (List<Module> side : List.of(after, before)) {
            for (Module module : side) {
                String nonlinearity = module.nonlinearity();
                if (nonlinearity != null) {
                    return nonlinearity;
                }
            }
        }
        return null;
    }

    /**
     * nn4j's {@code auto} initialisation of a layer here: {@link WeightInit#HE} when the {@link
     * #nearestNonlinearity()} is {@code relu} or {@code leaky_relu}, else {@link WeightInit#XAVIER}.
     */
    public WeightInit automatic() {
        String nonlinearity = nearestNonlinearity();
        return "relu".equals(nonlinearity) || "leaky_relu".equals(nonlinearity) ? WeightInit.HE : WeightInit.XAVIER;
    }
}
