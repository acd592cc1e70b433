package org.nn4j.data;

import java.util.List;
import org.nn4j.io.InvalidInputException;

/**
 * Examples for classification: {@code size} rows of {@code featureCount} features each (row-major,
 * float32) and one class index per row.
 *
 * @param features {@code size x featureCount} values, row-major
 * @param labels the class of each row, in {@code [0, classNames.size())}
 * @param featureCount features per row
 * @param classNames the name of each class, by index
 * @param source where the data came from, for messages and reports
 */
public record Dataset(float[] features, int[] labels, int featureCount, List<String> classNames, String source)
        implements Examples {

    /** Checks that the arrays fit each other and every label is one of the classes. */
    public Dataset {
        classNames = List.copyOf(classNames);
        if (featureCount < 1 || features.length != labels.length * featureCount) {
            throw new IllegalArgumentException(source + ": " + features.length + " feature values do not make "
                    + labels.length + " rows of " + featureCount);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new InvalidInputException(source + ": row " + i + " has label " + labels[i] + ", outside the "
                        + classNames.size() + " classes");
            }
        }
    }

    /**
     * The SHA-256 (hex) of these examples: the feature count, the class names, and each row's label
     * and features (float32 bits), so that two datasets of the same examples in the same order agree
     * and any other change shows; for checking that a resumed run trains on the data it began with.
     * Hashes about 1 GB/s (SHA-NI): a fraction of the time reading and parsing the data takes.
     */
    public String sha256() {
        java.security.MessageDigest digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(featureCount).putInt(labels.length).putInt(classNames.size());
        for (String name : classNames) {
            byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            buffer.putInt(bytes.length);
            digest.update(buffer.array(), 0, buffer.position());
            buffer.clear();
            digest.update(bytes);
        }
        digest.update(buffer.array(), 0, buffer.position());
        buffer.clear();
        for (int from = 0; from < labels.length; from += buffer.capacity() / 4) {
            int count = Math.min(buffer.capacity() / 4, labels.length - from);
            buffer.asIntBuffer().put(labels, from, count);
            digest.update(buffer.array(), 0, 4 * count);
        }
        for (int from = 0; from < features.length; from += buffer.capacity() / 4) {
            int count = Math.min(buffer.capacity() / 4, features.length - from);
            buffer.asFloatBuffer().put(features, from, count);
            digest.update(buffer.array(), 0, 4 * count);
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** The number of examples. */
    public int size() {
        return labels.length;
    }

    /** The number of classes. */
    public int classCount() {
        return classNames.size();
    }

    /** The rows {@code indices}, in that order, as a new dataset. */
    public Dataset rows(int[] indices) {
        float[] x = new float[indices.length * featureCount];
        int[] y = new int[indices.length];
        gatherFeatures(indices, 0, indices.length, x);
        for (int i = 0; i < indices.length; i++) {
            y[i] = labels[indices[i]];
        }
        return new Dataset(x, y, featureCount, classNames, source);
    }

    /**
     * This data with its labels renumbered to the order of {@code names}, the classes of a model.
     *
     * @throws InvalidInputException naming a label the model does not know
     */
    public Dataset relabel(List<String> names) {
        // A model's class names as a CSV label names them: a model saved before labels that are numbers
        // were taken by value may name a class 1.0.
        java.util.Map<String, Integer> place = new java.util.HashMap<>();
        for (int c = 0; c < names.size(); c++) {
            place.putIfAbsent(names.get(c), c);
        }
        for (int c = 0; c < names.size(); c++) {
            place.putIfAbsent(CsvNumbers.label(names.get(c)), c);
        }
        int[] index = new int[classNames.size()];
        for (int c = 0; c < index.length; c++) {
            index[c] = place.getOrDefault(classNames.get(c), -1);
        }
        int[] y = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            y[i] = index[labels[i]];
            if (y[i] < 0) {
                throw new InvalidInputException(source + ": label '"
                        + InvalidInputException.shown(classNames.get(labels[i])) + "' is not one of the model's classes "
                        + InvalidInputException.shown(names.toString(), 200));
            }
        }
        return new Dataset(features, y, featureCount, names, source);
    }

    /** Copies the features of rows {@code order[from .. from + count)} into {@code out}, row after row. */
    public void gatherFeatures(int[] order, int from, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(features, order[from + i] * featureCount, out, i * featureCount, featureCount);
        }
    }

    /** Writes the one-hot targets of rows {@code order[from .. from + count)} into {@code out}. */
    public void gatherOneHot(int[] order, int from, int count, float[] out) {
        int classes = classCount();
        java.util.Arrays.fill(out, 0, count * classes, 0f);
        for (int i = 0; i < count; i++) {
            out[i * classes + labels[order[from + i]]] = 1f;
        }
    }
}
