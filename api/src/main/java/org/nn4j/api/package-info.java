/**
 * The Backend SPI: the matrix operations a network needs ({@link org.nn4j.api.Backend}), the opaque
 * {@link org.nn4j.api.Matrix} a backend owns, and how a backend is found ({@link
 * org.nn4j.api.BackendProvider}, via {@link java.util.ServiceLoader}) and chosen ({@link
 * org.nn4j.api.Backends}).
 *
 * <p>Nothing here knows a concrete backend. A backend is added by putting its jar, with a {@code
 * META-INF/services/org.nn4j.api.BackendProvider} entry, on the class path. Backends share {@link
 * org.nn4j.api.Checks} (the same argument checks and messages everywhere), {@link
 * org.nn4j.api.HostKernels} (loops over row-major Java arrays) and {@link org.nn4j.api.WorkerPool}
 * (work split across threads without allocating).
 */
package org.nn4j.api;
