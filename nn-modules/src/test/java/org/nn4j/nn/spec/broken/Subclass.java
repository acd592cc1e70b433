package org.nn4j.nn.spec.broken;

/** A layer type whose superclass a class loader may lack (BrokenLayerJarTest hides it). */
public final class Subclass extends BrokenLayerTypes.Base {
}
