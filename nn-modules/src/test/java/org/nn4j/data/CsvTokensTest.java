package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.InvalidInputException;

/** Token ids in CSV files: read as ints, exactly (ids above 2^24, where a float32 would round), and checked. */
class CsvTokensTest {
    @TempDir
    Path dir;

    @Test
    void idsAbove2To24AreReadExactly() throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "a,b,label\n16777217,2147483647,x\n16777216,007,y\n"
                + "3.0,1e1,x\n");
        Dataset data = Csv.readTokens(file, "label", 0, "e");
        assertTrue(data.hasTokens());
        assertNull(data.features());
        assertArrayEquals(new int[] {16777217, 2147483647, 16777216, 7, 3, 10}, data.tokens());
        assertEquals(Integer.MAX_VALUE, data.vocabulary() - 1);
        Dataset rows = data.rows(new int[] {1, 0});
        assertArrayEquals(new int[] {16777216, 7, 16777217, 2147483647}, rows.tokens());
        // The digest tells 2^24 from 2^24 + 1, which float32 features would not.
        Path other = Files.writeString(dir.resolve("u.csv"), "a,b,label\n16777216,2147483647,x\n16777216,007,y\n"
                + "3.0,1e1,x\n");
        assertNotEquals(data.sha256(), Csv.readTokens(other, "label", 0, "e").sha256());
        assertEquals(data.sha256(), Csv.readTokens(file, "label", 0, "e").sha256());
        CsvFeatures.Features ids = CsvFeatures.readTokenRows(new ByteArrayInputStream("16777217,5\n1,2\n".getBytes(StandardCharsets.UTF_8)),
                "in");
        assertArrayEquals(new int[] {16777217, 5, 1, 2}, ids.ids());
        assertEquals(2, ids.rows());
    }

    @Test
    void badIdsAreNamedWithTheirLineColumnAndValue() throws IOException {
        for (String[] c : List.of(new String[] {"1.5", "t.csv:3: column 'b' is '1.5', not a whole number"},
                new String[] {"-1", "t.csv:3: column 'b' is '-1', outside the token ids [0, 2147483647]"},
                new String[] {"2147483648", "outside the token ids [0, 2147483647]"},
                new String[] {"abc", "t.csv:3: column 'b' is 'abc'; expected a token id"},
                new String[] {"12", "t.csv:3: column 'b' is token id 12, outside layers[0] (embedding)'s 10 ids"})) {
            Path file = Files.writeString(dir.resolve("t.csv"), "a,b,label\n1,2,x\n3," + c[0] + ",y\n");
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> Csv.readTokens(file, "label", 10, "layers[0] (embedding)"));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
