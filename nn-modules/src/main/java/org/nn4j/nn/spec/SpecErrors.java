package org.nn4j.nn.spec;

/** The common beginning of spec errors, so that every message names the file and the layer alike. */
final class SpecErrors {
    private SpecErrors() {
    }

    /** {@code FILE: layers[2] (linear): } */
    static String layer(String where, int index, String type) {
        return where + ": layers[" + index + "]" + (type == null ? "" : " (" + type + ")") + ": ";
    }
}
