package org.nn4j.codegen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code double} in a float64 source ({@code X64.java}) that stays {@code double} in its
 * generated float32 twin: a value computed in float64 whatever the dtype (a sum, a softmax's
 * normaliser), or a scalar the SPI passes as {@code double}. Every other {@code double} becomes {@code
 * float} (see {@link TwinRules}). Only the source sees it.
 *
 * <p>For example, {@code public static @Wide double sum(double[] a, int n)} with a local {@code @Wide
 * double total} has the twin {@code sum(float[] a, int n)}, which still sums in double and returns it.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE_USE)
public @interface Wide {
}
