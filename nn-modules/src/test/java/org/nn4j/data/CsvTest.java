package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                + " characters)'; expected a finite number, written in decimal (such as 12, -0.5 or 1.5e-3)",
                error(csv("x,k\n" + huge + ",a\n"), "k"));
    }

    @Test
    void quotedFieldsHoldCommasAndDoubledQuotes() throws IOException {
        Dataset d = Csv.read(csv("\"x\", \"kind, of\"\n1.5 , \"cat, \"\"big\"\"\"\n2, dog\n3,\"a\"\n"), "kind, of");
        assertEquals(List.of("a", "cat, \"big\"", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 2, 0}, d.labels());
        assertEquals(dir.resolve("data.csv") + ":4: the label (column 'kind, of') is empty; every example needs its"
                + " class", error(csv("\"x\", \"kind, of\"\n1.5 , \"cat\"\n2, dog\n3,\"\"\n"), "kind, of"));
        assertArrayEquals(new String[] {"1", "", "x"}, Csv.fields("1,,x"));
        assertArrayEquals(new String[] {"1", ""}, Csv.fields("1,"));
        assertEquals(dir.resolve("data.csv") + ":3: the quote at character 3 is not closed on its line (fields over"
                + " several lines are not supported)", error(csv("x,k\n1,a\n2,\"b\n"), "k"));
        assertEquals(dir.resolve("data.csv") + ":2: text after the closing quote at character 5; a field in quotes"
                + " ends at its quote", error(csv("x,k\n1,\"a\"b\n"), "k"));
    }

    /** Fields that Java's Double.parseDouble (or a lenient reader) takes but that are no CSV number, as written. */
    private static final String[] NOT_NUMBERS = {"12f", "3d", "12F", "3D", "0x1p3", "0x10", "Infinity", "+Infinity",
        "-Infinity", "NaN", "-NaN", "1_000", "\"1,000\"", "1 000", "\uFF11\uFF12", "\u0663", "1e", "e3", ".", "-", "+",
        "1.2.3", "--1", "+-1", "1e3.5", "1e+", "\" 1\"", "1L", "0b1", "\u00A01", "1\u2003", "\u00BD", "1e1_0"};

    /** What each is when it is shown in a message: the field as read, unquoted. */
    private static String asRead(String field) {
        return field.startsWith("\"") ? field.substring(1, field.length() - 1) : field;
    }

    @Test
    void numbersAreDecimalAsCsvFilesWriteThemAndNothingElse() throws IOException {
        String[] numbers = {"1", "-2", "+3", "1.5", ".5", "5.", "-.5", "1e3", "1E-3", "-1.5e+2", "007", "\"2.5\"",
            "  4  ", "\t6\t", "0", "-0", "1e-50", "3.4e38"};
        float[] values = {1, -2, 3, 1.5f, 0.5f, 5, -0.5f, 1000, 0.001f, -150, 7, 2.5f, 4, 6, 0, -0f, 0, 3.4e38f};
        StringBuilder text = new StringBuilder("x,label\n");
        StringBuilder rows = new StringBuilder("x\n");
        for (String n : numbers) {
            text.append(n).append(",a\n");
            rows.append(n).append('\n');
        }
        assertArrayEquals(values, Csv.read(csv(text.toString()), "label").features());
        assertArrayEquals(values, Csv.read(csv(text.toString().replace("x,label\n", "")), "1").features());
        Path features = Files.writeString(dir.resolve("rows.csv"), rows);
        assertArrayEquals(values, CsvFeatures.readFeatures(features).values());
        for (String bad : NOT_NUMBERS) {
            String expected = ":3: column 'x' is '" + asRead(bad) + "'; expected a finite number, written in decimal"
                    + " (such as 12, -0.5 or 1.5e-3)";
            assertEquals(dir.resolve("data.csv") + expected, error(csv("x,label\n1,a\n" + bad + ",b\n"), "label"), bad);
            Path file = Files.writeString(dir.resolve("rows.csv"), "x\n1\n" + bad + "\n");
            String message = assertThrows(InvalidInputException.class, () -> CsvFeatures.readFeatures(file)).getMessage();
            assertEquals(file + expected, message, bad);
            assertFalse(CsvNumbers.isNumber(asRead(bad)), bad);
        }
    }

    @Test
    void aFirstLineWithAFieldThatIsNoNumberIsAHeader() throws IOException {
        // 12f is no number, so this first line is a header (as "abc" would make it one), not an example.
        Dataset d = Csv.read(csv("1,12f,label\n1,2,a\n3,4,b\n"), "label");
        assertEquals(2, d.size());
        assertEquals(List.of("12f"), List.of(Csv.fields("12f")));
        assertEquals(dir.resolve("data.csv") + ":2: column 1 is '12f'; expected a finite number, written in decimal"
                + " (such as 12, -0.5 or 1.5e-3)", assertThrows(InvalidInputException.class,
                        () -> CsvFeatures.readFeatures(csv("1,2\n1,12f\n"))).getMessage());
    }

    @Test
    void aLabelThatIsANumberIsTheClassOfItsValue() throws IOException {
        Dataset indices = Csv.read(csv("x,label\n1,1\n2,1.0\n3,01\n4,+1\n5,1e0\n6,0\n7,0.00\n8,-0\n9,\"1\"\n10, 1.000 \n"),
                "label");
        assertEquals(List.of("0", "1"), indices.classNames());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 0, 0, 1, 1}, indices.labels());
        Dataset numbers = Csv.read(csv("x,label\n1,1\n2,-1\n3,0.5\n4,-1.0\n5,10\n6,2\n7,.50\n8,1.5e3\n9,1e40\n10,1e-40\n"),
                "label");
        assertEquals(List.of("-1", "1E-40", "0.5", "1", "2", "10", "1500", "1E+40"), numbers.classNames());
        assertArrayEquals(new int[] {3, 0, 2, 0, 5, 4, 2, 6, 7, 1}, numbers.labels());
        Dataset mixed = Csv.read(csv("x,label\n1,b\n2,10\n3,9.0\n4,a\n5,B\n6,09\n"), "label");
        assertEquals(List.of("9", "10", "B", "a", "b"), mixed.classNames());
        assertArrayEquals(new int[] {4, 1, 0, 3, 2, 0}, mixed.labels());
        // Names other than numbers are classes as written: case and inner spaces count.
        assertEquals(List.of("1 0", "1,0", "12f", "Infinity", "NaN"),
                Csv.read(csv("x,label\n1,1 0\n2,\"1,0\"\n3,12f\n4,Infinity\n5,NaN\n"), "label").classNames());
        assertEquals(dir.resolve("data.csv") + ": label '100000' asks for 100001 classes (whole-number labels are class"
                + " indices from 0), more than the 100000 nn4j takes", error(csv("x,label\n1,0\n2,1e5\n"), "label"));
        assertEquals(dir.resolve("data.csv") + ":2: the label (column 1) is empty; every example needs its class",
                error(csv("1,0\n2,  \n"), "1"));
    }

    @Test
    void aModelsClassesNamedBeforeLabelsWereTakenByValueStillMatch() throws IOException {
        Dataset d = Csv.read(csv("x,label\n1,1\n2,0\n3,1.0\n"), "label");
        assertArrayEquals(new int[] {1, 0, 1}, d.relabel(List.of("0.0", "1.0")).labels());
        assertArrayEquals(new int[] {0, 1, 0}, d.relabel(List.of("1.0", "0")).labels());
        assertEquals(List.of("0.0", "1.0"), d.relabel(List.of("0.0", "1.0")).classNames());
    }

    @Test
    void aHeaderMayNotNameAColumnTwice() throws IOException {
        assertEquals(dir.resolve("data.csv") + ": the header names column 1 and column 2 both 'label'; column names"
                + " must differ", error(csv("x,label,label\n1,0,0\n2,1,1\n"), "label"));
        assertEquals(dir.resolve("data.csv") + ": the header names column 0 and column 2 both 'x'; column names must"
                + " differ", error(csv("x,y,x,label\n1,2,3,a\n"), "3"));
        assertEquals(dir.resolve("data.csv") + ": the header names column 0 and column 1 both 'a'; column names must"
                + " differ", assertThrows(InvalidInputException.class, () -> CsvFeatures.readFeatures(csv("a,a\n1,2\n")))
                        .getMessage());
        // Without a header, numbers may repeat.
        assertEquals(2, Csv.read(csv("1,1,0\n1,1,1\n"), "2").size());
    }

    @Test
    void heldOutColumnsAreMatchedToTheTrainingColumnsByName() throws IOException {
        Path train = Files.writeString(dir.resolve("train.csv"), "x,y,label\n1,2,a\n3,4,b\n");
        Path test = Files.writeString(dir.resolve("test.csv"), "label,y,x\nb,20,10\na,40,30\n");
        Csv.TrainAndTest both = Csv.read(train, test, "label");
        assertArrayEquals(new float[] {1, 2, 3, 4}, both.train().features());
        assertArrayEquals(new float[] {10, 20, 30, 40}, both.test().features());
        assertArrayEquals(new int[] {1, 0}, both.test().relabel(both.train().classNames()).labels());
        String columns = "; held-out data needs the columns of the training data";
        Files.writeString(test, "x,z,label\n1,2,a\n");
        assertEquals(test + ": column 'z' is not a column of " + train + " (x, y, label)" + columns,
                assertThrows(InvalidInputException.class, () -> Csv.read(train, test, "label")).getMessage());
        Files.writeString(test, "label,x\na,1\n");
        assertEquals(test + ": no column 'y', which " + train + " has (x, y, label)" + columns,
                assertThrows(InvalidInputException.class, () -> Csv.read(train, test, "label")).getMessage());
        Files.writeString(test, "x,y,kind\n1,2,a\n");
        assertEquals(test + ": the label column is 'kind', but 'label' in " + train + " (x, y, label)" + columns,
                assertThrows(InvalidInputException.class, () -> Csv.read(train, test, "2")).getMessage());
        // A file without a header is read by place.
        Files.writeString(test, "5,6,b\n");
        assertArrayEquals(new float[] {5, 6}, Csv.read(train, test, "2").test().features());
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
        assertEquals(dir.resolve("data.csv") + ":3: column 'b' is 'x'; expected a finite number, written in decimal"
                + " (such as 12, -0.5 or 1.5e-3)", error(csv("a,b,label\n1,2,0\n1,x,1\n"), "label"));
        assertEquals(dir.resolve("data.csv") + ":2: column 0 is 'NaN'; expected a finite number, written in decimal"
                + " (such as 12, -0.5 or 1.5e-3)", error(csv("1,0\nNaN,1\n"), "1"));
        assertEquals(dir.resolve("data.csv") + ":2: column 0 is '1e39'; expected a finite number (float32 reaches"
                + " 3.4e38)", error(csv("1,0\n1e39,1\n"), "1"));
        assertEquals(dir.resolve("data.csv") + ": empty; expected a CSV file of examples", error(csv("\n\n"), "0"));
        assertEquals(dir.resolve("data.csv") + ": only a header; expected examples after it",
                error(csv("a,label\n"), "label"));
        Path missing = dir.resolve("missing.csv");
        assertEquals(missing + ": no such file", error(missing, "0"));
    }
}
