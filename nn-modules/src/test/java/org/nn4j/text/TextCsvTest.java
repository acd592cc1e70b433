package org.nn4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nn4j.io.InvalidInputException;

class TextCsvTest {

    private static TextCsv read(byte[] bytes, String text, String label) throws IOException {
        return TextCsv.read(new ByteArrayInputStream(bytes), "t.csv", text, label);
    }

    private static TextCsv read(String csv, String text, String label) throws IOException {
        return read(csv.getBytes(StandardCharsets.UTF_8), text, label);
    }

    private static String refused(String csv, String text, String label) {
        return assertThrows(InvalidInputException.class, () -> read(csv, text, label)).getMessage();
    }

    @Test
    void quotedTextsHoldCommasQuotesAndLineBreaks() throws IOException {
        TextCsv csv = read("\uFEFFid,text,lang\r\n"
                + "1,\"Hello, \"\"world\"\"\",en\r\n"
                + "2,\"two\nlines, and\n\nmore\",en\n"
                + "\n"
                + "3,plain words,de\n", "text", "lang");
        assertEquals(List.of("Hello, \"world\"", "two\nlines, and\n\nmore", "plain words"), csv.texts());
        assertEquals(List.of("en", "en", "de"), csv.labels());
        assertEquals(List.of("plain words"), read("a,b\n1,plain words\n", "1", null).texts());
        assertNull(read("a,b\n1,x\n", "b", null).labels());
    }

    @Test
    void badFilesAreOneLineNamingTheLine() {
        assertEquals("t.csv: no column 'txt' in its header (id, text, lang)", refused("id,text,lang\n1,a,en\n", "txt",
                "lang"));
        assertEquals("t.csv:2: a quote opened in this record is not closed by the end of the file",
                refused("text,lang\n\"open,en\nmore\n", "text", "lang"));
        assertEquals("t.csv:3: 3 fields; the header has 2", refused("text,lang\na,en\nb,en,x\n", "text", "lang"));
        assertEquals("t.csv:2: the label (column 'lang') is empty", refused("text,lang\na, \n", "text", "lang"));
        assertEquals("t.csv: only a header; expected texts after it", refused("text,lang\n", "text", "lang"));
        assertEquals("t.csv: empty; expected a header naming the text column, then texts", refused("", "text", null));
        byte[] bad = {'t', ',', 'l', '\n', 'a', ',', 'b', '\n', (byte) 0xC3, ',', 'b', '\n'};
        assertEquals("t.csv:3: not UTF-8 text",
                assertThrows(InvalidInputException.class, () -> read(bad, "t", "l")).getMessage());
    }
}
