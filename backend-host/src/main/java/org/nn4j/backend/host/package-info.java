/**
 * What nn4j's backends computing on the host share, so that each is written once: {@link
 * org.nn4j.backend.host.HostKernels64} (element-wise and row-wise loops over row-major Java arrays), {@link
 * org.nn4j.backend.host.ImageKernels64} (im2col, pooling and their adjoints along {@link
 * org.nn4j.backend.host.ImageIndex}'s tables), {@link org.nn4j.backend.host.WorkerPool} (work split across
 * threads without allocating), {@link org.nn4j.backend.host.Threads} (how many threads a backend computes
 * with) and {@link org.nn4j.backend.host.ConvolutionByProducts} (a convolution composed of a backend's own
 * operations).
 *
 * <p>The kernels are written once, in float64: {@code HostKernels32} and {@code ImageKernels32} are their
 * float32 twins, generated at build time from {@code HostKernels64.java} and {@code ImageKernels64.java} by
 * nn4j-codegen's token rules. {@link org.nn4j.backend.host.Scales} holds the constants that differ by dtype,
 * {@link org.nn4j.backend.host.Conversions} the copies between them.
 *
 * <p>The SPI itself ({@code org.nn4j.api}) is only the contract; code that uses a backend (nn-modules, a
 * network) needs nothing from here.
 */
package org.nn4j.backend.host;
