/**
 * The backend conformance kit, shipped as nn4j-api's test-jar: {@link
 * org.nn4j.api.conformance.BackendConformanceTest} checks every SPI operation of a backend, in both
 * dtypes, against the plain-Java float64 {@link org.nn4j.api.conformance.ReferenceOps}, within the
 * {@link org.nn4j.api.conformance.Tolerance tolerances} stated in one place. A backend module runs it
 * by subclassing it once.
 */
package org.nn4j.api.conformance;
