package org.nn4j.data;

/**
 * Per-feature standardisation {@code (x - mean) / std}, with mean and standard deviation taken from
 * the training data and applied unchanged to any other data: the transform of a model's inputs that
 * is stored with the model ({@code nn4j.input} of its file, which {@code ModelFile.Loaded} gives back
 * for evaluation and prediction). A feature that never varies keeps {@code std = 1}. Serializable,
 * for cluster executors that standardise the rows they read.
 *
 * @param mean per feature
 * @param std per feature, never zero
 */
public record Standardizer(float[] mean, float[] std) implements java.io.Serializable {

    /** The statistics of {@code data}'s features, accumulated in float64. */
    public static Standardizer fit(Dataset data) {
        return fit(data.features(), data.featureCount(), data.size());
    }

    /** The statistics of {@code n} rows of {@code width} values each. */
    private static Standardizer fit(float[] rows, int width, int n) {
        double[] sum = new double[width];
        double[] sumOfSquares = new double[width];
        for (int i = 0; i < rows.length; i++) {
            sum[i % width] += rows[i];
            sumOfSquares[i % width] += (double) rows[i] * rows[i];
        }
        return of(sum, sumOfSquares, n);
    }

    /**
     * The standardisation of {@code n} examples whose features sum, per feature, to {@code sum} and
     * whose squares sum to {@code sumOfSquares} (float64): for statistics summed elsewhere, a cluster's
     * partitions say.
     */
    public static Standardizer of(double[] sum, double[] sumOfSquares, int n) {
        int d = sum.length;
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            double m = sum[j] / n;
            double variance = Math.max(0, sumOfSquares[j] / n - m * m);
            mean[j] = (float) m;
            std[j] = variance > 1e-12 ? (float) Math.sqrt(variance) : 1f;
        }
        return new Standardizer(mean, std);
    }

    /** {@code data} standardised, as a new dataset. */
    public Dataset apply(Dataset data) {
        if (data.featureCount() != mean.length) {
            throw new IllegalArgumentException(data.source() + " has " + data.featureCount() + " features, the"
                    + " standardisation " + mean.length);
        }
        float[] x = data.features().clone();
        apply(x);
        return new Dataset(x, data.labels(), data.featureCount(), data.classNames(), data.source(), null,
                data.targets());
    }

    /**
     * {@code split}'s training and held-out examples standardised, described as they were with
     * ", standardised" after.
     */
    public Split apply(Split split) {
        return new Split(apply(split.train()), apply(split.test()), split.description() + ", standardised");
    }

    /** Standardises rows of features in place. */
    public void apply(float[] rows) {
        int d = mean.length;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (rows[i] - mean[i % d]) / std[i % d];
        }
    }

    /** The statistics of {@code data}'s regression targets, per target, accumulated in float64. */
    public static Standardizer fitTargets(Dataset data) {
        if (!data.isRegression()) {
            throw new IllegalArgumentException(data.source() + " holds classes, not regression targets");
        }
        return fit(data.targets(), data.outputCount(), data.size());
    }

    /** {@code data} with its regression targets standardised, as a new dataset (features as they are). */
    public Dataset applyToTargets(Dataset data) {
        if (!data.isRegression() || data.outputCount() != mean.length) {
            throw new IllegalArgumentException(data.source() + " has " + (data.isRegression() ? data.outputCount()
                    + " targets" : "no regression targets") + ", the standardisation " + mean.length);
        }
        float[] y = data.targets().clone();
        apply(y);
        return new Dataset(data.features(), null, data.featureCount(), data.classNames(), data.source(),
                data.tokens(), y);
    }

    /** Undoes the standardisation of rows in place: {@code mean + std x}, as a model's standardised outputs need. */
    public void invert(float[] rows) {
        int d = mean.length;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = mean[i % d] + std[i % d] * rows[i];
        }
    }

    /** As {@link #invert(float[])}, in float64. */
    public void invert(double[] rows) {
        int d = mean.length;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = mean[i % d] + (double) std[i % d] * rows[i];
        }
    }
}
