package org.nn4j.nn.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * One hyper-parameter a layer type takes, named as PyTorch's constructor argument: its kind, default
 * and allowed range. {@link #read} checks a spec's value against it.
 *
 * @param name the key in a spec, for example {@code out_features}
 * @param kind what kind of value it takes
 * @param defaultValue the value when the key is absent; null when it is required or has no default
 * @param required whether a spec must give it
 * @param min the smallest allowed number (numbers and integers), or NaN
 * @param minInclusive whether {@code min} itself is allowed
 * @param max the largest allowed number, or NaN
 * @param maxInclusive whether {@code max} itself is allowed
 * @param choices the allowed strings (strings), or empty for any
 * @param description one line for {@code nn layers}
 */
public record HyperParameter(String name, Kind kind, Object defaultValue, boolean required, double min,
        boolean minInclusive, double max, boolean maxInclusive, List<String> choices, String description) {

    /** The kinds of values; their labels are PyTorch's argument types. */
    public enum Kind {
        /** A whole number. */
        INTEGER("int"),
        /** A number. */
        NUMBER("float"),
        /** true or false. */
        BOOLEAN("bool"),
        /** Text, often one of a few choices. */
        STRING("str"),
        /** One whole number for both directions, or [height, width]: PyTorch's {@code _size_2_t}. */
        PAIR("int or [int, int]");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name of the kind, as PyTorch's signatures write it. */
        public String label() {
            return label;
        }
    }

    /** Keeps a copy of the choices. */
    public HyperParameter {
        choices = List.copyOf(choices);
    }

    /** A whole number that a spec must give, at least {@code min}. */
    public static HyperParameter requiredInteger(String name, int min, String description) {
        return new HyperParameter(name, Kind.INTEGER, null, true, min, true, Double.NaN, false, List.of(), description);
    }

    /** A whole number of at least {@code min} that a spec may leave out (then the layer works it out). */
    public static HyperParameter optionalInteger(String name, int min, String description) {
        return new HyperParameter(name, Kind.INTEGER, null, false, min, true, Double.NaN, false, List.of(), description);
    }

    /**
     * A size in two directions (a kernel, stride or padding): one whole number for both, or {@code
     * [height, width]}, each at least {@code min}; {@code defaultValue} (null: the layer works it out).
     */
    public static HyperParameter pair(String name, Integer defaultValue, boolean required, int min,
            String description) {
        return new HyperParameter(name, Kind.PAIR, defaultValue, required, min, true, Double.NaN, false, List.of(),
                description);
    }

    /** A number with a default, within the given bounds (NaN for none). */
    public static HyperParameter number(String name, double defaultValue, double min, boolean minInclusive, double max,
            boolean maxInclusive, String description) {
        return new HyperParameter(name, Kind.NUMBER, defaultValue, false, min, minInclusive, max, maxInclusive,
                List.of(), description);
    }

    /** An optional true-or-false parameter. */
    public static HyperParameter bool(String name, boolean defaultValue, String description) {
        return new HyperParameter(name, Kind.BOOLEAN, defaultValue, false, Double.NaN, false, Double.NaN, false,
                List.of(), description);
    }

    /** One of {@code choices}, {@code defaultValue} unless given. */
    public static HyperParameter choice(String name, String defaultValue, List<String> choices, String description) {
        return new HyperParameter(name, Kind.STRING, defaultValue, false, Double.NaN, false, Double.NaN, false, choices,
                description);
    }

    /**
     * The value of {@code node} for this hyper-parameter: an Integer, Double, Boolean or String, or for a
     * pair an Integer or an {@code int[2]}.
     *
     * @throws IllegalArgumentException with a message that starts with the key, when the value is
     *     mistyped or out of range
     */
    public Object read(JsonNode node) {
        switch (kind) {
            case INTEGER:
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw invalid(node, "must be a whole number");
                }
                checkRange(node, node.asInt());
                return node.asInt();
            case NUMBER:
                if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
                    throw invalid(node, "must be a number");
                }
                checkRange(node, node.asDouble());
                return node.asDouble();
            case PAIR:
                if (node.isArray()) {
                    if (node.size() != 2 || !node.get(0).isIntegralNumber() || !node.get(1).isIntegralNumber()
                            || !node.get(0).canConvertToInt() || !node.get(1).canConvertToInt()) {
                        throw invalid(node, "must be a whole number or two of them, [height, width]");
                    }
                    checkRange(node, Math.min(node.get(0).asInt(), node.get(1).asInt()));
                    return new int[] {node.get(0).asInt(), node.get(1).asInt()};
                }
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw invalid(node, "must be a whole number or two of them, [height, width]");
                }
                checkRange(node, node.asInt());
                return node.asInt();
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw invalid(node, "must be true or false");
                }
                return node.asBoolean();
            default:
                if (!node.isTextual()) {
                    throw invalid(node, "must be a string");
                }
                if (!choices.isEmpty() && !choices.contains(node.asText())) {
                    throw invalid(node, "must be one of " + String.join(", ", choices));
                }
                return node.asText();
        }
    }

    /** The allowed range in interval notation, for example {@code [0, 1)}; empty when unbounded. */
    public String range() {
        if (Double.isNaN(min) && Double.isNaN(max)) {
            return choices.isEmpty() ? "" : String.join("|", choices);
        }
        if (Double.isNaN(max)) {
            return (minInclusive ? ">= " : "> ") + format(min);
        }
        return (minInclusive ? "[" : "(") + (Double.isNaN(min) ? "-inf" : format(min)) + ", " + format(max)
                + (maxInclusive ? "]" : ")");
    }

    private void checkRange(JsonNode node, double value) {
        boolean low = !Double.isNaN(min) && (minInclusive ? value < min : value <= min);
        boolean high = !Double.isNaN(max) && (maxInclusive ? value > max : value >= max);
        if (low || high) {
            throw invalid(node, "must be " + (Double.isNaN(max) ? range() : "in " + range()));
        }
    }

    private IllegalArgumentException invalid(JsonNode node, String what) {
        return new IllegalArgumentException("'" + name + "' " + what + ", not " + node);
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
