package org.nn4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.nn4j.fuzz.Fuzzing;

/**
 * Fuzz targets of the data readers: IDX (images and labels, gzip'd or not) and CSV. Seeds in
 * src/test/resources/org/nn4j/data/ReadersFuzzTestInputs; see docs/cli.md (Fuzzing) for the command that
 * fuzzes one target.
 */
class ReadersFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void idx(byte[] data) throws Exception {
        Fuzzing.check(data.length, () -> {
            try (InputStream in = Idx.gunzipIfNeeded(new ByteArrayInputStream(data), "fuzz-images-idx3-ubyte")) {
                Idx.readImages(in, "fuzz-images-idx3-ubyte");
            }
        });
        Fuzzing.check(data.length, () -> {
            try (InputStream in = Idx.gunzipIfNeeded(new ByteArrayInputStream(data), "fuzz-labels-idx1-ubyte")) {
                Idx.readLabels(in, "fuzz-labels-idx1-ubyte");
            }
        });
    }

    @FuzzTest(maxDuration = "10s")
    void csv(byte[] data) throws Exception {
        for (String label : new String[] {"label", "0", "2"}) {
            Fuzzing.check(data.length, () -> Csv.read(new ByteArrayInputStream(data), "fuzz.csv", label));
        }
    }
}
