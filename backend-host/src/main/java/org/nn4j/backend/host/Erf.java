package org.nn4j.backend.host;

/**
 * The error function in float64, which {@link Math} lacks, to about an ulp: below 3 in magnitude the
 * series {@code erf(x) = 2/sqrt(pi) exp(-x^2) sum over n of 2^n x^(2n+1) / (1 3 5 ... (2n+1))}, whose terms
 * are all of one sign (no cancellation); beyond, {@code 1 - erfc(x)} with {@code erfc} from its continued
 * fraction. GELU's exact form ({@code x Phi(x)}) needs it.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
    private static final double SERIES_LIMIT = 3;
    private static final int FRACTION_DEPTH = 80;
    /** The series' ratios {@code 2 / (2n + 3)}, so that a term costs two multiplications. */
    private static final double[] RATIOS = new double[120];

    static {
        for (int n = 0; n < RATIOS.length; n++) {
            RATIOS[n] = 2.0 / (2 * n + 3);
        }
    }

    private Erf() {
    }

    /** {@code erf(x)}; NaN for NaN, ±1 for infinities. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a < SERIES_LIMIT) {
            double square = x * x;
            double term = x;
            double sum = x;
            for (int n = 0; n < RATIOS.length; n++) {
                term *= square * RATIOS[n];
                double next = sum + term;
                if (next == sum) {
                    break;
                }
                sum = next;
            }
            return TWO_OVER_SQRT_PI * Math.exp(-square) * sum;
        }
        double value = 1 - erfcOfLarge(a);
        return x < 0 ? -value : value;
    }

    /** {@code erfc(a)} for {@code a >= 3}, by the continued fraction {@code exp(-a^2)/sqrt(pi) / (a + 1/2 / (a + 1 / (a + 3/2 / (a + ...))))}. */
    private static double erfcOfLarge(double a) {
        if (a > 27) {
            return 0;
        }
        double fraction = a;
        for (int k = FRACTION_DEPTH; k >= 1; k--) {
            fraction = a + k / 2.0 / fraction;
        }
        return INV_SQRT_PI * Math.exp(-a * a) / fraction;
    }
}
