package org.nn4j.backend.nd4j;

import org.nn4j.api.Window2d;

/**
 * One part's share of a {@link HostConvolution} call, on the matrices of one dtype: its work buffers,
 * made on first use, grown to the largest convolution seen and kept, and its examples' products. {@link
 * ConvolutionPart64} is written once; its float32 twin is generated from it.
 */
abstract class ConvolutionPart {

    /** Grows the buffers to convolutions over window {@code w} with {@code outChannels} output channels. */
    abstract void fit(Window2d w, int outChannels);

    /**
     * Examples {@code from .. to} of {@code call} as part {@code part}: the forward pass into the output, or
     * the backward pass, summing the weight and bias gradients (into the gradients themselves for part 0,
     * into this part's own sums for the others) and writing the examples' input gradients.
     */
    abstract void run(HostConvolution call, int part, int from, int to);

    /** Adds this part's weight and bias gradient sums to {@code call}'s gradients (every part but 0). */
    abstract void addSums(HostConvolution call);
}
