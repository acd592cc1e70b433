package org.nn4j.api;

/**
 * How {@link Backend#poolSteps} makes one vector of the real steps of a sequence: a row of {@code L} real
 * steps uses steps {@code [0, L)}; a row without real steps gives zeros.
 */
public enum StepPooling {
    /** The mean of the real steps. */
    MEAN,
    /** Each feature's largest value over the real steps (the first of equal maxima; a NaN wins). */
    MAX,
    /** The last real step. */
    LAST
}
