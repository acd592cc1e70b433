/**
 * The Backend SPI, a contract only: the matrix operations a network needs ({@link org.nn4j.api.Backend}),
 * the opaque {@link org.nn4j.api.Matrix} a backend owns, its {@link org.nn4j.api.DType}, how a backend is
 * found ({@link org.nn4j.api.BackendProvider}, via {@link java.util.ServiceLoader}) and chosen ({@link
 * org.nn4j.api.Backends}), the argument checks every backend makes ({@link org.nn4j.api.Checks}, the same
 * messages everywhere) and the geometry of image windows ({@link org.nn4j.api.Window2d}).
 *
 * <p>Nothing here knows a concrete backend or computes anything: a backend is added by putting its jar,
 * with a {@code META-INF/services/org.nn4j.api.BackendProvider} entry, on the class path. The loops that
 * backends computing on the host share (element-wise and image kernels over row-major Java arrays, a
 * worker pool, the thread setting) are in nn4j-backend-host; the conformance kit every backend runs is in
 * this module's test-jar.
 */
package org.nn4j.api;
