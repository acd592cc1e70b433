package org.nn4j.api.conformance;

import org.nn4j.api.RecurrentCell;

/**
 * The float64 reference of the sequence operations: {@link org.nn4j.api.Backend#recurrentForward} and
 * its backward pass, one example at a time, walking only its real steps (as PyTorch's packed sequences
 * do), with plain loops and no work shared between the two passes.
 */
final class ReferenceSequences {

    private ReferenceSequences() {
    }

    /** What the reference returns: the outputs and the three gradients (null in a forward pass). */
    record Result(double[] out, double[] projGrad, double[] weightGrad, double[] biasGrad) {
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * The forward pass, and with {@code outGrad} non-null the backward pass: {@code proj} {@code (n * T) x
     * G}, {@code w} {@code G x H}, {@code b} {@code G} or null.
     */
    static Result recurrent(RecurrentCell cell, double[] proj, double[] w, double[] b, int[] lengths,
            boolean reverse, int n, int steps, int hidden, double[] outGrad) {
        int g = cell.gates() * hidden;
        double[] out = new double[n * steps * hidden];
        double[] projGrad = new double[n * steps * g];
        double[] weightGrad = new double[g * hidden];
        double[] biasGrad = new double[g];
        for (int e = 0; e < n; e++) {
            int len = lengths == null ? steps : lengths[e];
            // Walk order k = 0 .. len-1 maps to step t(k); states indexed by k + 1 (0 = the zero state).
            int[] ts = new int[len];
            for (int k = 0; k < len; k++) {
                ts[k] = reverse ? len - 1 - k : k;
            }
            double[][] h = new double[len + 1][hidden];
            double[][] c = new double[len + 1][hidden];
            double[][] act = new double[len][g];
            double[][] hiddenN = new double[len][hidden];
            for (int k = 0; k < len; k++) {
                int t = ts[k];
                double[] pre = new double[g];
                double[] hh = new double[g];
                for (int q = 0; q < g; q++) {
                    double sum = b == null ? 0 : b[q];
                    for (int j = 0; j < hidden; j++) {
                        sum += w[q * hidden + j] * h[k][j];
                    }
                    hh[q] = sum;
                    pre[q] = proj[(e * steps + t) * g + q];
                }
                for (int j = 0; j < hidden; j++) {
                    double y;
                    switch (cell) {
                        case RNN_TANH -> y = act[k][j] = Math.tanh(pre[j] + hh[j]);
                        case RNN_RELU -> y = act[k][j] = Math.max(0, pre[j] + hh[j]);
                        case LSTM -> {
                            double i = act[k][j] = sigmoid(pre[j] + hh[j]);
                            double f = act[k][hidden + j] = sigmoid(pre[hidden + j] + hh[hidden + j]);
                            double gg = act[k][2 * hidden + j] = Math.tanh(pre[2 * hidden + j] + hh[2 * hidden + j]);
                            double o = act[k][3 * hidden + j] = sigmoid(pre[3 * hidden + j] + hh[3 * hidden + j]);
                            c[k + 1][j] = f * c[k][j] + i * gg;
                            y = o * Math.tanh(c[k + 1][j]);
                        }
                        default -> {
                            double r = act[k][j] = sigmoid(pre[j] + hh[j]);
                            double z = act[k][hidden + j] = sigmoid(pre[hidden + j] + hh[hidden + j]);
                            hiddenN[k][j] = hh[2 * hidden + j];
                            double nn = act[k][2 * hidden + j] = Math.tanh(pre[2 * hidden + j] + r * hh[2 * hidden + j]);
                            y = (1 - z) * nn + z * h[k][j];
                        }
                    }
                    h[k + 1][j] = y;
                    out[(e * steps + t) * hidden + j] = y;
                }
            }
            if (outGrad == null) {
                continue;
            }
            double[] dh = new double[hidden];
            double[] dc = new double[hidden];
            for (int k = len - 1; k >= 0; k--) {
                int t = ts[k];
                double[] dPre = new double[g];
                double[] dHh = new double[g];
                double[] dhBefore = new double[hidden];
                for (int j = 0; j < hidden; j++) {
                    double dy = dh[j] + outGrad[(e * steps + t) * hidden + j];
                    switch (cell) {
                        case RNN_TANH -> dPre[j] = dHh[j] = dy * (1 - h[k + 1][j] * h[k + 1][j]);
                        case RNN_RELU -> dPre[j] = dHh[j] = h[k + 1][j] > 0 ? dy : 0;
                        case LSTM -> {
                            double i = act[k][j];
                            double f = act[k][hidden + j];
                            double gg = act[k][2 * hidden + j];
                            double o = act[k][3 * hidden + j];
                            double tc = Math.tanh(c[k + 1][j]);
                            double dcc = dc[j] + dy * o * (1 - tc * tc);
                            dPre[j] = dHh[j] = dcc * gg * i * (1 - i);
                            dPre[hidden + j] = dHh[hidden + j] = dcc * c[k][j] * f * (1 - f);
                            dPre[2 * hidden + j] = dHh[2 * hidden + j] = dcc * i * (1 - gg * gg);
                            dPre[3 * hidden + j] = dHh[3 * hidden + j] = dy * tc * o * (1 - o);
                            dc[j] = dcc * f;
                        }
                        default -> {
                            double r = act[k][j];
                            double z = act[k][hidden + j];
                            double nn = act[k][2 * hidden + j];
                            double dn = dy * (1 - z) * (1 - nn * nn);
                            dPre[2 * hidden + j] = dn;
                            dHh[2 * hidden + j] = dn * r;
                            dPre[j] = dHh[j] = dn * hiddenN[k][j] * r * (1 - r);
                            dPre[hidden + j] = dHh[hidden + j] = dy * (h[k][j] - nn) * z * (1 - z);
                            dhBefore[j] = dy * z;
                        }
                    }
                }
                for (int q = 0; q < g; q++) {
                    projGrad[(e * steps + t) * g + q] = dPre[q];
                    biasGrad[q] += dHh[q];
                    for (int j = 0; j < hidden; j++) {
                        weightGrad[q * hidden + j] += dHh[q] * h[k][j];
                        dhBefore[j] += dHh[q] * w[q * hidden + j];
                    }
                }
                dh = dhBefore;
            }
        }
        return outGrad == null ? new Result(out, null, null, null) : new Result(out, projGrad, weightGrad, biasGrad);
    }
}
