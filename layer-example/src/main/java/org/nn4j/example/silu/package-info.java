/**
 * A layer type of one's own, as a user writes it: {@link org.nn4j.example.silu.SiLU}, one class and
 * one provider entry, packaged in a jar that {@code ./nn} takes through {@code NN4J_CLASSPATH}.
 */
package org.nn4j.example.silu;
