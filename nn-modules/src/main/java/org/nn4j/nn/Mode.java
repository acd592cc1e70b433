package org.nn4j.nn;

/** Whether a forward pass trains (dropout drops, batch normalisation uses the batch) or evaluates. */
public enum Mode {
    /** Training: dropout drops, batch normalisation uses the batch's statistics and updates its running ones. */
    TRAIN("train"),
    /** Evaluation: dropout passes all, batch normalisation uses its running statistics. */
    EVAL("eval");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    /** The lower-case name, as in PyTorch's {@code model.train()} and {@code model.eval()}. */
    public String label() {
        return label;
    }

    /** The mode named {@code label} ({@code train} or {@code eval}), or null. */
    public static Mode byLabel(String label) {
        for (Mode mode : values()) {
            if (mode.label.equals(label)) {
                return mode;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label;
    }
}
