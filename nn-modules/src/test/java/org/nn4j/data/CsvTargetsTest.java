package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.InvalidInputException;

/** Regression examples from CSV files: targets by name or index, the rest features, held-out files matched by name. */
class CsvTargetsTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void targetsInTheOrderGivenAndTheOtherColumnsAsFeatures() throws IOException {
        Path csv = file("a.csv", "x1,y1,x2,y2\n1,10,2,20\n3,30,4,40.5\n");
        Dataset data = CsvTargets.read(csv, List.of("y2", "y1"));
        assertTrue(data.isRegression());
        assertEquals(List.of("y2", "y1"), data.classNames());
        assertEquals(2, data.size());
        assertEquals(2, data.featureCount());
        assertEquals(2, data.outputCount());
        assertEquals(0, data.classCount());
        assertArrayEquals(new float[] {1, 2, 3, 4}, data.features());
        assertArrayEquals(new float[] {20, 10, 40.5f, 30}, data.targets());
        float[] out = new float[2];
        data.gatherTargets(new int[] {1, 0}, 0, 1, out);
        assertArrayEquals(new float[] {40.5f, 30}, out);
        Dataset second = data.rows(new int[] {1});
        assertArrayEquals(new float[] {3, 4}, second.features());
        assertArrayEquals(new float[] {40.5f, 30}, second.targets());
        assertTrue(!data.sha256().equals(CsvTargets.read(csv, List.of("y1", "y2")).sha256()));
    }

    @Test
    void withoutAHeaderTargetsAreIndicesAndAHeldOutFileIsMatchedByName() throws IOException {
        Dataset data = CsvTargets.read(file("b.csv", "1,2,3\n4,5,6\n"), List.of("0"));
        assertEquals(List.of("0"), data.classNames());
        assertArrayEquals(new float[] {2, 3, 5, 6}, data.features());
        assertArrayEquals(new float[] {1, 4}, data.targets());

        Csv.TrainAndTest read = CsvTargets.read(file("t.csv", "x,y,z\n1,2,3\n"), file("h.csv", "z,x,y\n9,7,8\n"),
                List.of("y"));
        assertArrayEquals(new float[] {7, 9}, read.test().features());
        assertArrayEquals(new float[] {8}, read.test().targets());
    }

    @Test
    void badColumnsAreOneLineNamingTheFile() throws IOException {
        Path csv = file("c.csv", "x,y\n1,2\n");
        assertEquals(csv + ": no column named 'q' in the header (columns: x, y)",
                assertThrows(InvalidInputException.class, () -> CsvTargets.read(csv, List.of("q"))).getMessage());
        assertEquals(csv + ": target column 'y' is given twice",
                assertThrows(InvalidInputException.class, () -> CsvTargets.read(csv, List.of("y", "1"))).getMessage());
        assertEquals(csv + ": every column is a target; expected features besides them",
                assertThrows(InvalidInputException.class, () -> CsvTargets.read(csv, List.of("x", "y"))).getMessage());
        Path bare = file("d.csv", "1,2\n");
        assertEquals(bare + ": no header line, so no column named 'y'; give the target column by its 0-based index",
                assertThrows(InvalidInputException.class, () -> CsvTargets.read(bare, List.of("y"))).getMessage());
        Path words = file("e.csv", "x,y\n1,cat\n");
        String message = assertThrows(InvalidInputException.class, () -> CsvTargets.read(words, List.of("y")))
                .getMessage();
        assertTrue(message.startsWith(words + ":2: column 'y' is 'cat'; expected a finite number"), message);
        assertTrue(message.endsWith("(for regression every column is a number, the targets too; classes take a"
                + " classification loss)"), message);
        Path other = file("f.csv", "x,w\n1,2\n");
        assertEquals(other + ": no column named 'y', which " + csv + " has", assertThrows(InvalidInputException.class,
                () -> CsvTargets.read(csv, other, List.of("y"))).getMessage());
    }
}
