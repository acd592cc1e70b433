package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.io.InputFiles;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** Small or endless inputs that promise a lot: each fails in one line, having allocated little. */
class BoundedReadingTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** The message of the InvalidInputException {@code read} throws, and the bytes this thread allocated meanwhile. */
    private static String failing(long maxAllocatedBytes, Supplier<?> read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        String message = assertThrows(InvalidInputException.class, read::get).getMessage();
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < maxAllocatedBytes, allocated + " bytes allocated for: " + message);
        return message;
    }

    @Test
    void anIdxHeaderPromisingMillionsOfImagesCostsWhatTheFileHolds() throws IOException {
        ByteBuffer file = ByteBuffer.allocate(16 + 470_000);
        file.putInt(Idx.IMAGES_MAGIC).putInt(2_700_000).putInt(28).putInt(28);
        Path images = Files.write(dir.resolve("images-idx3-ubyte"), file.array());
        String message = failing(64 * MIB, () -> Idx.readImages(images));
        assertEquals(images + ": truncated at byte 470016: the header promises 2700000 images of 28x28 (2116800000"
                + " bytes after the header), found 470000", message);
        // Dimensions whose product overflows a long.
        ByteBuffer huge = ByteBuffer.allocate(16).putInt(Idx.IMAGES_MAGIC).putInt(Integer.MAX_VALUE)
                .putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE);
        Path overflow = Files.write(dir.resolve("overflow-idx3-ubyte"), huge.array());
        assertTrue(failing(MIB, () -> Idx.readImages(overflow)).contains("too many to load"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void devZeroIsNeitherASpecNorAModelNorACsvFile() {
        Path zero = Path.of("/dev/zero");
        assertEquals("/dev/zero: more than 33554432 bytes, more than the 33554432 bytes a model spec may have here;"
                + " is it the right file?", failing(160 * MIB, () -> ModelSpec.read(zero)));
        assertTrue(failing(MIB, () -> InputFiles.read(zero, 1000, "a test file")).startsWith(
                "/dev/zero: more than 1000 bytes"));
        assertEquals("/dev/zero:1: a line longer than 64 MiB; not a CSV file of examples",
                failing(300 * MIB, () -> Csv.read(zero, "label")));
    }

    @Test
    void aDirectoryOrAFileLargerThanItsBoundSaysSoBeforeReading() throws IOException {
        // (The first use of a class allocates too; the bound is far below any file's worth.)
        assertEquals(dir + ": a directory, not a model spec", failing(32 * MIB, () -> ModelSpec.read(dir)));
        Path big = Files.write(dir.resolve("big.json"), new byte[5000]);
        assertEquals(big + ": 5000 bytes, more than the 4096 bytes a test file may have here; is it the right file?",
                failing(MIB, () -> InputFiles.read(big, 4096, "a test file")));
        assertEquals(4096, InputFiles.read(Files.write(dir.resolve("ok.json"), new byte[4096]), 4096, "x").length);
    }

    @Test
    void aLineLongerThanTheBoundIsRefusedAsItIsRead() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'a');
                return len;
            }
        };
        LineReader lines = new LineReader(endless, 0);
        assertEquals("a line longer than 64 MiB", assertThrows(LineReader.LineTooLongException.class, lines::next)
                .getMessage());
        LineReader ok = new LineReader(new ByteArrayInputStream("a,b\n1,2".getBytes()), 0);
        assertEquals("a,b", ok.next());
        assertEquals("1,2", ok.next());
    }

    @Test
    void aLineOfTheWrongWidthIsRefusedBeforeItsFieldsAreTaken() throws IOException {
        // 20 MB, ten million fields: as strings they would take half a gigabyte.
        String fields = "1,".repeat(10_000_000) + "1";
        Path wide = Files.writeString(dir.resolve("wide.csv"), "x,y,label\n0.1,0.2,a\n" + fields + "\n");
        assertEquals(wide + ":3: 10000001 fields, expected 3 like the header",
                failing(160 * MIB, () -> Csv.read(wide, "label")));
        Path rows = Files.writeString(dir.resolve("rows.csv"), "x,y\n0.1,0.2\n" + fields + "\n");
        assertEquals(rows + ":3: 10000001 fields, expected 2", failing(160 * MIB, () -> CsvFeatures.readFeatures(rows)));
        Path first = Files.writeString(dir.resolve("first.csv"), fields + "\n1,2\n");
        String tooMany = first + ":1: 10000001 fields, more than the 2097152 columns nn4j reads; not a CSV file of"
                + " examples";
        assertEquals(tooMany, failing(160 * MIB, () -> Csv.read(first, "0")));
        assertEquals(tooMany, failing(160 * MIB, () -> CsvFeatures.readFeatures(first)));
    }

    @Test
    void aClassIndexOfTenMillionIsRefusedNotAllocated() throws IOException {
        Path csv = Files.writeString(dir.resolve("labels.csv"), "x,label\n0.5,3\n0.25,10000000\n");
        assertEquals(csv + ": label '10000000' asks for 10000001 classes (whole-number labels are class indices from"
                + " 0), more than the 100000 nn4j takes", failing(4 * MIB, () -> Csv.read(csv, "label")));
        Path long_ = Files.writeString(dir.resolve("long.csv"), "x,label\n0.5,3\n0.25,99999999999999999999999\n");
        assertTrue(failing(4 * MIB, () -> Csv.read(long_, "label")).contains("asks for more than 100000 classes"));
        Path fine = Files.writeString(dir.resolve("fine.csv"), "x,label\n0.5,3\n0.25,99999\n");
        assertEquals(100_000, Csv.read(fine, "label").classNames().size());
    }

    @Test
    void layersLargerThanMemoryAreRefusedBeforeTheyAreAllocated() {
        ModelSpec spec = ModelSpec.parse("{\"input\": [784], \"layers\": [{\"type\": \"linear\", \"out_features\":"
                + " 30000}, {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 30000}, {\"type\":"
                + " \"relu\"}, {\"type\": \"linear\", \"out_features\": 10}]}", "spec.json");
        long heap = Runtime.getRuntime().maxMemory();
        // 924 million float32 parameters, 4 copies: 14.8 GB; a JVM with more than that may build it.
        org.junit.jupiter.api.Assumptions.assumeTrue(heap < 14L << 30, "this JVM may use " + heap + " bytes");
        // The first layer (23.5 million parameters) is built before the third is refused: what is allocated
        // stays within the budget, far from the 3.7 GB the model would take.
        String message = failing(1L << 30, () -> ModuleRegistry.builtIn().build(spec, Backends.select("ejml"),
                DType.FLOAT32, 1, "spec.json"));
        assertTrue(message.startsWith("spec.json: layers[") && message.contains("(linear): the model would have ")
                && message.contains("more than the ") && message.contains("JAVA_OPTS=-Xmx"), message);
        String wide = "{\"input\": [2000000000], \"layers\": [{\"type\": \"linear\", \"out_features\": 2}]}";
        assertTrue(failing(MIB, () -> ModuleRegistry.builtIn().build(ModelSpec.parse(wide, "w.json"),
                Backends.select("ejml"), DType.FLOAT32, 1, "w.json")).startsWith("w.json: layers[0] (linear): "));
    }

    @Test
    void namesFromAFileCannotBreakAMessageIntoLines() throws IOException {
        Path csv = Files.writeString(dir.resolve("names.csv"), "x,y,label\n0.5,0.5,\"a\u001b[31m\tb\"\n");
        String message = assertThrows(InvalidInputException.class, () -> Csv.read(csv, "nope")).getMessage();
        assertEquals(csv + ": no column named 'nope' in the header (columns: x, y, label)", message);
        assertEquals("x: 'a\\u001b[31m\\tb\\nc'", new InvalidInputException("x: 'a\u001b[31m\tb\nc'").getMessage());
        Path only = Files.writeString(dir.resolve("only.csv"), "label\n1\n2\n");
        assertEquals(only + ": the label is its only column; expected features besides it",
                assertThrows(InvalidInputException.class, () -> Csv.read(only, "label")).getMessage());
    }
}
