package org.nn4j.data;

import java.util.List;
import org.nn4j.io.InvalidInputException;

/**
 * Examples: {@code size} rows of {@code featureCount} features each (row-major, float32), and for
 * classification one class index per row, for regression one or more real-valued targets per row ({@link
 * #targets()}); or, for a model whose first layer is an {@code embedding}, rows of {@code featureCount}
 * token ids ({@link #tokens()}: whole numbers in {@code [0, 2^31)}, held as ints, never as floats) instead
 * of features.
 *
 * @param features {@code size x featureCount} values, row-major; null for token ids
 * @param labels the class of each row, in {@code [0, classNames.size())}; null for regression targets
 * @param featureCount features (or token ids) per row
 * @param classNames the name of each output: each class, by index, or each regression target (its column)
 * @param source where the data came from, for messages and reports
 * @param tokens {@code size x featureCount} token ids, row-major, or null for features
 * @param targets {@code size x classNames.size()} regression targets, row-major, or null for classes
 */
public record Dataset(float[] features, int[] labels, int featureCount, List<String> classNames, String source,
        int[] tokens, float[] targets) implements Examples {

    /** Checks that the arrays fit each other and every label is one of the classes. */
    public Dataset {
        classNames = List.copyOf(classNames);
        if ((features == null) == (tokens == null)) {
            throw new IllegalArgumentException(source + ": a dataset holds either features or token ids");
        }
        if ((labels == null) == (targets == null)) {
            throw new IllegalArgumentException(source + ": a dataset holds either class labels or regression targets");
        }
        if (targets != null && (classNames.isEmpty() || targets.length % classNames.size() != 0)) {
            throw new IllegalArgumentException(source + ": " + targets.length + " target values do not make rows of "
                    + classNames.size());
        }
        int rows = labels != null ? labels.length : targets.length / Math.max(1, classNames.size());
        int values = features != null ? features.length : tokens.length;
        if (featureCount < 1 || values != (long) rows * featureCount) {
            throw new IllegalArgumentException(source + ": " + values + " feature values do not make "
                    + rows + " rows of " + featureCount);
        }
        for (int i = 0; labels != null && i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new InvalidInputException(source + ": row " + i + " has label " + labels[i] + ", outside the "
                        + classNames.size() + " classes");
            }
        }
    }

    /** Examples of features: {@code size x featureCount} values, row-major. */
    public Dataset(float[] features, int[] labels, int featureCount, List<String> classNames, String source) {
        this(features, labels, featureCount, classNames, source, null, null);
    }

    /** Examples of token ids: {@code size x steps} ids, row-major, each in {@code [0, 2^31)}. */
    public static Dataset ofTokens(int[] tokens, int[] labels, int steps, List<String> classNames, String source) {
        return new Dataset(null, labels, steps, classNames, source, tokens, null);
    }

    /**
     * Examples for regression: {@code size x featureCount} features and {@code size x targetNames.size()}
     * targets, each row-major.
     */
    public static Dataset ofTargets(float[] features, float[] targets, int featureCount, List<String> targetNames,
            String source) {
        return new Dataset(features, null, featureCount, targetNames, source, null, targets);
    }

    /** Whether the examples have real-valued targets (regression) rather than classes. */
    public boolean isRegression() {
        return targets != null;
    }

    /** Regression targets per row ({@link #classNames()} names them); 0 for classes. */
    public int targetCount() {
        return targets == null ? 0 : classNames.size();
    }

    /** Whether the rows are token ids ({@link #tokens()}) rather than features. */
    public boolean hasTokens() {
        return tokens != null;
    }

    /** The largest token id plus one (the vocabulary an embedding needs), 0 for features. */
    public int vocabulary() {
        int largest = -1;
        if (tokens != null) {
            for (int id : tokens) {
                largest = Math.max(largest, id);
            }
        }
        return largest + 1;
    }

    /**
     * The SHA-256 (hex) of these examples: the feature count, the class names, and each row's label
     * and features (float32 bits) or token ids (ints, after a marker), so that two datasets of the same examples in the same order agree
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
        buffer.putInt(featureCount).putInt(size()).putInt(classNames.size());
        for (String name : classNames) {
            byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            buffer.putInt(bytes.length);
            digest.update(buffer.array(), 0, buffer.position());
            buffer.clear();
            digest.update(bytes);
        }
        digest.update(buffer.array(), 0, buffer.position());
        buffer.clear();
        if (targets != null) {
            digest.update("targets".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest(digest, buffer, null, targets);
        }
        digest(digest, buffer, labels, null);
        if (tokens != null) {
            digest.update("token ids".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest(digest, buffer, tokens, null);
        }
        digest(digest, buffer, null, features);
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** Adds {@code ints} (or else {@code floats}; neither when both are null) to {@code digest}, through {@code buffer}. */
    private static void digest(java.security.MessageDigest digest, java.nio.ByteBuffer buffer, int[] ints,
            float[] floats) {
        int length = ints != null ? ints.length : floats != null ? floats.length : 0;
        for (int from = 0; from < length; from += buffer.capacity() / 4) {
            int count = Math.min(buffer.capacity() / 4, length - from);
            if (ints != null) {
                buffer.asIntBuffer().put(ints, from, count);
            } else {
                buffer.asFloatBuffer().put(floats, from, count);
            }
            digest.update(buffer.array(), 0, 4 * count);
        }
    }

    /** The number of examples. */
    public int size() {
        return labels != null ? labels.length : targets.length / classNames.size();
    }

    /** The number of classes; 0 for regression targets. */
    public int classCount() {
        return targets == null ? classNames.size() : 0;
    }

    /** The model outputs these examples need: one per class, or one per regression target. */
    @Override
    public int outputCount() {
        return classNames.size();
    }

    /** The rows {@code indices}, in that order, as a new dataset. */
    public Dataset rows(int[] indices) {
        if (targets != null) {
            int t = classNames.size();
            float[] y = new float[indices.length * t];
            float[] x = new float[indices.length * featureCount];
            gatherFeatures(indices, 0, indices.length, x);
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(targets, indices[i] * t, y, i * t, t);
            }
            return ofTargets(x, y, featureCount, classNames, source);
        }
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            y[i] = labels[indices[i]];
        }
        if (tokens != null) {
            int[] ids = new int[indices.length * featureCount];
            gatherTokens(indices, 0, indices.length, ids);
            return ofTokens(ids, y, featureCount, classNames, source);
        }
        float[] x = new float[indices.length * featureCount];
        gatherFeatures(indices, 0, indices.length, x);
        return new Dataset(x, y, featureCount, classNames, source);
    }

    /**
     * This data with its labels renumbered to the order of {@code names}, the classes of a model; regression
     * targets as they are, when they are the ones {@code names} names (a regression model's outputs).
     *
     * @throws InvalidInputException naming a label the model does not know, or targets other than the model's
     */
    public Dataset relabel(List<String> names) {
        if (targets != null) {
            if (!classNames.equals(names)) {
                throw new InvalidInputException(source + ": the targets are " + classNames + ", but the model"
                        + " predicts " + names + "; give those as the target columns");
            }
            return this;
        }
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
        return new Dataset(features, y, featureCount, names, source, tokens, null);
    }

    /** Copies the features of rows {@code order[from .. from + count)} into {@code out}, row after row. */
    public void gatherFeatures(int[] order, int from, int count, float[] out) {
        if (features == null) {
            throw new IllegalStateException(source + " holds token ids, not features");
        }
        for (int i = 0; i < count; i++) {
            System.arraycopy(features, order[from + i] * featureCount, out, i * featureCount, featureCount);
        }
    }

    /** Copies the token ids of rows {@code order[from .. from + count)} into {@code out}, row after row. */
    public void gatherTokens(int[] order, int from, int count, int[] out) {
        if (tokens == null) {
            throw new IllegalStateException(source + " holds features, not token ids");
        }
        for (int i = 0; i < count; i++) {
            System.arraycopy(tokens, order[from + i] * featureCount, out, i * featureCount, featureCount);
        }
    }

    /**
     * Writes what the outputs of rows {@code order[from .. from + count)} are trained towards into {@code
     * out}, {@link #outputCount()} a row: their regression targets, or their classes one-hot.
     */
    public void gatherTargets(int[] order, int from, int count, float[] out) {
        if (targets != null) {
            int t = classNames.size();
            for (int i = 0; i < count; i++) {
                System.arraycopy(targets, order[from + i] * t, out, i * t, t);
            }
            return;
        }
        int classes = classCount();
        java.util.Arrays.fill(out, 0, count * classes, 0f);
        for (int i = 0; i < count; i++) {
            out[i * classes + labels[order[from + i]]] = 1f;
        }
    }
}
