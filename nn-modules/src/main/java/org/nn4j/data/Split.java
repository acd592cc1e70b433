package org.nn4j.data;

import java.util.SplittableRandom;

/**
 * Training and held-out data, and a sentence saying where they came from.
 *
 * @param train what the network learns from
 * @param test what it is evaluated on after each epoch
 * @param description for the user, for example which files and how many examples
 */
public record Split(Dataset train, Dataset test, String description) {

    /** Splits {@code data} at random (seeded) into a held-out share {@code testFraction} and the rest. */
    public static Split random(Dataset data, double testFraction, long seed) {
        int[] testRows = heldOut(data.size(), testFraction, seed, data.source());
        int[] trainRows = rest(data.size(), testRows);
        return new Split(data.rows(trainRows), data.rows(testRows), data.source() + " (" + trainRows.length
                + " training and " + testRows.length + " held-out examples, split with seed " + seed + ")");
    }

    /**
     * The examples that {@link #random} holds out of {@code n}, in ascending order: a share {@code
     * testFraction} drawn with {@code seed}.
     *
     * @param source the data's name, for the message when {@code n} is too few
     * @throws IllegalArgumentException when the fraction is not between 0 and 1
     * @throws org.nn4j.io.InvalidInputException naming {@code source} when it holds out none or all
     */
    public static int[] heldOut(int n, double testFraction, long seed, String source) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("the held-out fraction must lie between 0 and 1, not " + testFraction);
        }
        int testCount = (int) Math.round(n * testFraction);
        if (testCount < 1 || testCount >= n) {
            throw new org.nn4j.io.InvalidInputException(source + ": " + n + " examples are too few to hold out "
                    + testFraction + " of them");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] testRows = java.util.Arrays.copyOfRange(order, 0, testCount);
        java.util.Arrays.sort(testRows);
        return testRows;
    }

    /** The examples of {@code 0 .. n} that are not in {@code heldOut} (ascending), in ascending order. */
    public static int[] rest(int n, int[] heldOut) {
        int[] rest = new int[n - heldOut.length];
        int next = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (next < heldOut.length && heldOut[next] == i) {
                next++;
            } else {
                rest[k++] = i;
            }
        }
        return rest;
    }
}
