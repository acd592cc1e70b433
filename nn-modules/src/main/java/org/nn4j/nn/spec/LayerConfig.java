package org.nn4j.nn.spec;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.io.InvalidInputException;
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

    LayerConfig(String where, int index, String type, Map<String, Object> values, Shape input, Backend backend,
            DType dtype, Random random, List<String> typesBefore, List<String> typesAfter) {
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

    /** The model's one random source for initial weights, drawn layer after layer. */
    public Random random() {
        return random;
    }

    /** A key that sets this layer's randomness apart from the other layers' (see {@link Pass#rowKey}). */
    public long randomSalt() {
        return Pass.mix(0x5DEECE66DL + index);
    }

    /** The types of the layers before this one, nearest first. */
    public List<String> typesBefore() {
        return typesBefore;
    }

    /** The types of the layers after this one, nearest first. */
    public List<String> typesAfter() {
        return typesAfter;
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
}
