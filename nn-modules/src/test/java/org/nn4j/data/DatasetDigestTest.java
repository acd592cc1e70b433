package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Dataset#sha256}: equal for the same examples, different for any change a resume must not miss. */
class DatasetDigestTest {
    private static Dataset data(float[] x, int[] y, List<String> names) {
        return new Dataset(x, y, 2, names, "d.csv");
    }

    @Test
    void theSameExamplesGiveTheSameDigestWhateverTheirSource() {
        Dataset a = data(new float[] {1, 2, 3, 4}, new int[] {0, 1}, List.of("a", "b"));
        Dataset b = new Dataset(new float[] {1, 2, 3, 4}, new int[] {0, 1}, 2, List.of("a", "b"), "elsewhere.csv");
        assertEquals(a.sha256(), b.sha256());
        assertEquals(64, a.sha256().length());
    }

    @Test
    void aValueALabelAClassNameOrTheOrderChangesIt() {
        String base = data(new float[] {1, 2, 3, 4}, new int[] {0, 1}, List.of("a", "b")).sha256();
        assertNotEquals(base, data(new float[] {1, 2, 3, 4.0001f}, new int[] {0, 1}, List.of("a", "b")).sha256());
        assertNotEquals(base, data(new float[] {1, 2, 3, 4}, new int[] {1, 1}, List.of("a", "b")).sha256());
        assertNotEquals(base, data(new float[] {1, 2, 3, 4}, new int[] {0, 1}, List.of("a", "c")).sha256());
        assertNotEquals(base, data(new float[] {3, 4, 1, 2}, new int[] {1, 0}, List.of("a", "b")).sha256());
        assertNotEquals(base, new Dataset(new float[] {1, 2, 3, 4}, new int[] {0, 1, 0, 1}, 1, List.of("a", "b"),
                "d.csv").sha256());
    }

    @Test
    void largeDataIsHashedInChunksAlike() {
        int n = 100_000;
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            y[i] = i % 2;
        }
        String whole = data(x, y, List.of("a", "b")).sha256();
        x[2 * n - 1] = 1;
        assertNotEquals(whole, data(x, y, List.of("a", "b")).sha256());
    }
}
