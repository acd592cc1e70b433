package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.InvalidInputException;

class CsvTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text);
    }

    private String error(Path file, String label) {
        return assertThrows(InvalidInputException.class, () -> Csv.read(file, label)).getMessage();
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheData() throws IOException {
        Dataset withHeader = Csv.read(csv("\uFEFFa,kind\n1,cat\n2,dog\n"), "kind");
        assertArrayEquals(new float[] {1, 2}, withHeader.features());
        assertEquals(List.of("cat", "dog"), withHeader.classNames());
        Dataset noHeader = Csv.read(csv("\uFEFF0.5,1\n1.5,0\n"), "1");
        assertArrayEquals(new int[] {1, 0}, noHeader.labels(), "the first label is a class index, not a class of its own");
        assertEquals(dir.resolve("data.csv") + ": no column named 'label' in the header (columns: x, kind)",
                error(csv("\uFEFFx,kind\n1,a\n"), "label"));
    }

    @Test
    void invalidUtf8IsNamedWithItsLineAndALongValueIsCut() throws IOException {
        Path file = dir.resolve("data.csv");
        Files.write(file, new byte[] {'x', ',', 'k', '\n', '1', ',', 'a', '\n', '2', ',', (byte) 0xC3, '\n'});
        assertEquals(file + ":3: not UTF-8 text", error(file, "k"));
        String huge = "9".repeat(30) + "x".repeat(100_000);
        assertEquals(dir.resolve("data.csv") + ":2: column 'x' is '" + huge.substring(0, 40) + "... (100030"
                + " characters)'; expected a finite number", error(csv("x,k\n" + huge + ",a\n"), "k"));
    }

    @Test
    void quotedFieldsHoldCommasAndDoubledQuotes() throws IOException {
        Dataset d = Csv.read(csv("\"x\", \"kind, of\"\n1.5 , \"cat, \"\"big\"\"\"\n2, dog\n3,\"\"\n"), "kind, of");
        assertEquals(List.of("", "cat, \"big\"", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 2, 0}, d.labels());
        assertArrayEquals(new String[] {"1", "", "x"}, Csv.fields("1,,x"));
        assertArrayEquals(new String[] {"1", ""}, Csv.fields("1,"));
        assertEquals(dir.resolve("data.csv") + ":3: the quote at character 3 is not closed on its line (fields over"
                + " several lines are not supported)", error(csv("x,k\n1,a\n2,\"b\n"), "k"));
        assertEquals(dir.resolve("data.csv") + ":2: text after the closing quote at character 5; a field in quotes"
                + " ends at its quote", error(csv("x,k\n1,\"a\"b\n"), "k"));
    }

    @Test
    void aHeaderAndALabelColumnByName() throws IOException {
        Dataset d = Csv.read(csv("a,kind,b\n1,cat,2\n3,dog,4\n5,cat,6\n"), "kind");
        assertEquals(3, d.size());
        assertEquals(2, d.featureCount());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.features());
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {0, 1, 0}, d.labels());
    }

    @Test
    void noHeaderAndALabelColumnByIndex() throws IOException {
        Dataset d = Csv.read(csv("0.5,2\n1.5,0\n\n2.5,1\n"), "1");
        assertEquals(List.of("0", "1", "2"), d.classNames());
        assertArrayEquals(new int[] {2, 0, 1}, d.labels());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, d.features());
    }

    @Test
    void standardisationUsesTheTrainingStatistics() throws IOException {
        Dataset d = Csv.read(csv("x,y,label\n1,10,0\n3,10,1\n"), "label");
        Standardizer s = Standardizer.fit(d);
        assertArrayEquals(new float[] {2, 10}, s.mean());
        assertArrayEquals(new float[] {1, 1}, s.std());
        assertArrayEquals(new float[] {-1, 0, 1, 0}, s.apply(d).features());
    }

    @Test
    void heldOutDataIsRenumberedToTheTrainingClassesAndMayNotBringNewOnes() throws IOException {
        Dataset train = Csv.read(csv("x,kind\n1,cat\n2,dog\n3,emu\n"), "kind");
        Path other = Files.writeString(dir.resolve("test.csv"), "x,kind\n4,emu\n5,cat\n");
        Dataset test = Csv.read(other, "kind").relabel(train.classNames());
        assertArrayEquals(new int[] {2, 0}, test.labels());
        Path unknown = Files.writeString(dir.resolve("unknown.csv"), "x,kind\n4,yak\n");
        assertEquals(unknown + ": label 'yak' is not one of the model's classes [cat, dog, emu]",
                assertThrows(InvalidInputException.class,
                        () -> Csv.read(unknown, "kind").relabel(train.classNames())).getMessage());
    }

    @Test
    void aRandomSplitHoldsOutItsShareAndNeedsEnoughExamples() throws IOException {
        Dataset d = Csv.read(csv("0.5,1\n1.5,0\n2.5,1\n3.5,0\n4.5,1\n"), "1");
        Split split = Split.random(d, 0.4, 3);
        assertEquals(3, split.train().size());
        assertEquals(2, split.test().size());
        assertThrows(org.nn4j.io.InvalidInputException.class, () -> Split.random(d, 0.01, 3));
        assertThrows(IllegalArgumentException.class, () -> Split.random(d, 1.5, 3));
    }

    @Test
    void everyMalformedCaseSaysWhere() throws IOException {
        assertEquals(dir.resolve("data.csv") + ": no column named 'label' in the header (columns: a, b)",
                error(csv("a,b\n1,2\n"), "label"));
        assertEquals(dir.resolve("data.csv") + ": label column 5 does not exist; the file has 2 columns (0 to 1)",
                error(csv("1,2\n"), "5"));
        assertEquals(dir.resolve("data.csv") + ":3: 2 fields, expected 3 like the header",
                error(csv("a,b,label\n1,2,0\n1,2\n"), "label"));
        assertEquals(dir.resolve("data.csv") + ":3: column 'b' is 'x'; expected a finite number",
                error(csv("a,b,label\n1,2,0\n1,x,1\n"), "label"));
        assertEquals(dir.resolve("data.csv") + ":2: column 0 is 'NaN'; expected a finite number",
                error(csv("1,0\nNaN,1\n"), "1"));
        assertEquals(dir.resolve("data.csv") + ": empty; expected a CSV file of examples", error(csv("\n\n"), "0"));
        assertEquals(dir.resolve("data.csv") + ": only a header; expected examples after it",
                error(csv("a,label\n"), "label"));
        Path missing = dir.resolve("missing.csv");
        assertEquals(missing + ": no such file", error(missing, "0"));
    }
}
