package org.nn4j.train;

/**
 * A cluster could not compute a step: an executor lost, a task failed too often. The message is one
 * line for the user, naming the executor's host and the cause.
 */
public class ClusterFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A cluster that could not run a job, {@code message} in one line. */
    public ClusterFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
