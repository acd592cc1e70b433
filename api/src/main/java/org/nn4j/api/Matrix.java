package org.nn4j.api;

/**
 * A dense row-major matrix owned by one {@link Backend}. Its storage is opaque: values go in and out
 * only through {@link Backend#copyIn} and {@link Backend#copyOut}, and only the backend that made a
 * matrix may operate on it.
 */
public interface Matrix {

    /** The number of rows: in a batch, the examples. */
    int rows();

    /** The number of columns. */
    int cols();

    /** The type of its values. */
    DType dtype();

    /** Number of elements, {@code rows() * cols()}. */
    default int size() {
        return rows() * cols();
    }

    /** The shape as {@code rows x cols}, for messages. */
    default String shape() {
        return rows() + "x" + cols();
    }
}
