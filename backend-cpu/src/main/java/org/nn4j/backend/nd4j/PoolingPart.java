package org.nn4j.backend.nd4j;

/**
 * One part's share of a {@link HostPooling} call, on the matrices of one dtype: the Java arrays a chunk
 * of examples is copied into, grown as needed and kept, and the loop over them. {@link PoolingPart64} is
 * written once; its float32 twin is generated from it.
 */
abstract class PoolingPart {

    /** Grows the arrays to {@code imageValues} input and {@code pooledValues} pooled values. */
    abstract void fit(int imageValues, int pooledValues);

    /**
     * Examples {@code first .. first + count} of {@code call}: copied in, pooled (or their gradient
     * computed) along {@code call}'s index table, and copied out; {@code image}, {@code pooled} and {@code
     * window} are an example's input and pooled values and a window's entries.
     */
    abstract void chunk(HostPooling call, int first, int count, int image, int pooled, int window);
}
