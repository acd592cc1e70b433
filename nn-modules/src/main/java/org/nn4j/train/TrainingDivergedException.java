package org.nn4j.train;

/** Training produced a loss that is not a finite number, so its parameters are no longer usable. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
