package org.nn4j.train;

import java.util.function.UnaryOperator;
import org.nn4j.io.InvalidInputException;

/**
 * One option an {@link OptimizerType} takes besides the learning rate, named as in PyTorch's
 * constructor and in model files: its kind, default and allowed range.
 *
 * @param name the key, for example {@code momentum}
 * @param label the option in words, for messages ({@code weight decay})
 * @param kind a number or true-or-false
 * @param defaultValue the value when none is given (a {@code Double} or {@code Boolean})
 * @param min the smallest number allowed, or NaN for none (numbers are always finite)
 * @param minInclusive whether {@code min} itself is allowed
 * @param max the largest number allowed, or NaN for none
 * @param maxInclusive whether {@code max} itself is allowed
 * @param requirement what a value must be, in words ({@code must be in [0, 1)})
 * @param description one line for the user
 */
public record OptimizerOption(String name, String label, Kind kind, Object defaultValue, double min,
        boolean minInclusive, double max, boolean maxInclusive, String requirement, String description) {

    /** The kinds of values an option takes. */
    public enum Kind {
        /** A finite number. */
        NUMBER,
        /** true or false. */
        BOOLEAN
    }

    /** A number with a default, within the given bounds (NaN for none); {@code requirement} says which. */
    public static OptimizerOption number(String name, String label, double defaultValue, double min,
            boolean minInclusive, double max, boolean maxInclusive, String requirement, String description) {
        return new OptimizerOption(name, label, Kind.NUMBER, defaultValue, min, minInclusive, max, maxInclusive,
                requirement, description);
    }

    /** A true-or-false option with a default. */
    public static OptimizerOption bool(String name, String label, boolean defaultValue, String description) {
        return new OptimizerOption(name, label, Kind.BOOLEAN, defaultValue, Double.NaN, false, Double.NaN, false,
                "must be true or false", description);
    }

    /**
     * {@code value} checked against this option: a {@code Double} for a number (any {@link Number} is
     * taken), a {@code Boolean} for true or false.
     *
     * @param names how messages name the option ({@code nn train} passes its flags)
     * @throws InvalidInputException "{@code <name>: <label> <requirement>, not <value>}"
     */
    public Object check(Object value, UnaryOperator<String> names) {
        if (kind == Kind.BOOLEAN) {
            if (value instanceof Boolean b) {
                return b;
            }
        } else if (value instanceof Number n && inRange(n.doubleValue())) {
            return n.doubleValue();
        }
        Object shown = value instanceof Number n ? (Object) n.doubleValue() : value;
        throw new InvalidInputException(names.apply(name) + ": " + label + " " + requirement + ", not " + shown);
    }

    private boolean inRange(double v) {
        return Double.isFinite(v) && (Double.isNaN(min) || v > min || (minInclusive && v == min))
                && (Double.isNaN(max) || v < max || (maxInclusive && v == max));
    }
}
