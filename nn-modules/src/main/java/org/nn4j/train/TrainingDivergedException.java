package org.nn4j.train;

/** Training produced a loss that is not a finite number, so its parameters are no longer usable. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A run whose loss stopped being usable, {@code message} saying where and what to try. */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
