package org.nn4j.nn;

/** Whether a forward pass trains (dropout drops, batch normalisation uses the batch) or evaluates. */
public enum Mode {
    TRAIN("train"),
    EVAL("eval");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

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
