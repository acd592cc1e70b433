package org.nn4j.codegen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a cast in a float64 source that rounds in one of the two twins and is the identity in the
 * other: {@code (@Round double) x} rounds a float64 value to the element type (nothing in the float64
 * source, {@code (float)} in its float32 twin); {@code (@Round float) x} rounds to float32 (nothing in
 * the twin). javac does not report an annotated cast as redundant, so both twins compile without
 * warnings. Only the source sees it.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE_USE)
public @interface Round {
}
