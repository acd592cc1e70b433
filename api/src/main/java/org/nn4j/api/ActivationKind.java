package org.nn4j.api;

/**
 * The element-wise activation functions a backend computes, with their derivatives.
 *
 * <p>Each derivative can be had from the input {@code x} or, without recomputing {@code f}, from the
 * output {@code y = f(x)}: sigmoid {@code y(1-y)}, tanh {@code 1-y²}, ReLU {@code 1 if y > 0 else 0}.
 */
public enum ActivationKind {
    /** {@code 1 / (1 + e^-x)}. */
    SIGMOID("sigmoid"),
    /** {@code tanh(x)}. */
    TANH("tanh"),
    /** {@code max(0, x)}. */
    RELU("relu");

    private final String label;

    ActivationKind(String label) {
        this.label = label;
    }

    /** The lower-case name used in files and on the command line. */
    public String label() {
        return label;
    }

    /** The activation with this {@link #label()}, case-insensitive; null when there is none. */
    public static ActivationKind byLabel(String label) {
        for (ActivationKind kind : values()) {
            if (kind.label.equalsIgnoreCase(label)) {
                return kind;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label;
    }
}
