/**
 * The {@code ejml} backend: the Backend SPI on EJML's dense row-major matrices ({@code DMatrixRMaj}
 * for float64, {@code FMatrixRMaj} for float32). Pure Java, so it runs wherever a JVM does; nn4j's
 * embedded default.
 */
package org.nn4j.backend.ejml;
