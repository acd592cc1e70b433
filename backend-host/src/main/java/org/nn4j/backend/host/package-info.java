/**
 * What nn4j's backends computing on the host share, so that each is written once: {@link
 * org.nn4j.backend.host.HostKernels} (element-wise and row-wise loops over row-major Java arrays), {@link
 * org.nn4j.backend.host.ImageKernels} (im2col, pooling and their adjoints along index tables), {@link
 * org.nn4j.backend.host.WorkerPool} (work split across threads without allocating), {@link
 * org.nn4j.backend.host.Threads} (how many threads a backend computes with) and {@link
 * org.nn4j.backend.host.ConvolutionByProducts} (a convolution composed of a backend's own operations).
 *
 * <p>The SPI itself ({@code org.nn4j.api}) is only the contract; code that uses a backend (nn-modules, a
 * network) needs nothing from here.
 */
package org.nn4j.backend.host;
