package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.AtomicFiles;

/** Outputs never destroy anything: each bad one stops the command before any work, in one line, exit 2. */
class OutputFilesTest {
    @TempDir
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void copyTheShippedSubset() throws IOException {
        ShippedSubset.copyTo(data);
    }

    private static void assertRefused(String message, String... args) {
        NnRun run = NnRun.of(args);
        assertEquals(2, run.code(), run.err());
        assertEquals(message, run.err().strip());
        assertEquals("", run.out(), "nothing done before the check");
    }

    @Test
    void twoOutputsOfOneFileOrAnOutputThatIsAnInputAreRefused() throws IOException {
        Path model = dir.resolve("m.safetensors");
        assertRefused("nn train: --out and --plot name the same file, " + dir.toRealPath().resolve("m.safetensors")
                + "; give each output a file of its own",
                "train", "--data", data.toString(), "--out", model.toString(), "--plot",
                dir.resolve("sub/../m.safetensors").toString());
        Path csv = Files.writeString(dir.resolve("data.csv"), "x,kind\n1,a\n2,b\n3,a\n4,b\n5,a\n");
        byte[] before = Files.readAllBytes(csv);
        assertRefused("nn train: --out " + csv.toRealPath() + " is an input (--csv); writing it would destroy it",
                "train", "--csv", csv.toString(), "--label", "kind", "--out", csv.toString());
        assertArrayEquals(before, Files.readAllBytes(csv));
        Path images = data.resolve("train-images-idx3-ubyte.gz");
        assertRefused("nn train: --metrics-json " + images.toRealPath() + " is an input (--data); writing it would"
                + " destroy it", "train", "--data", data.toString(), "--metrics-json", images.toString());
    }

    @Test
    void onlyRegularFilesAreWrittenAndALinkIsFollowed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        assertRefused("nn train: " + folder + ": not a regular file (a directory); nn4j writes only regular files",
                "train", "--data", data.toString(), "--out", folder.toString());
        assertRefused("nn train: /dev/null: not a regular file (a device, a FIFO or a socket); nn4j writes only"
                + " regular files", "train", "--data", data.toString(), "--plot", "/dev/null");
        Path toNothing = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing/none"));
        assertRefused("nn train: " + toNothing + ": a symbolic link to nothing; nn4j writes to a link's target",
                "train", "--data", data.toString(), "--out", toNothing.toString());

        Path target = Files.writeString(dir.resolve("target.csv"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), target);
        AtomicFiles.write(link, "new".getBytes());
        assertTrue(Files.isSymbolicLink(link), "the link stays");
        assertEquals("new", Files.readString(target));
    }

    @Test
    void anOutputThatCannotBeWrittenIsToldBeforeTraining() throws IOException {
        Path file = dir.resolve("no-such-dir-parent");
        Files.writeString(file, "a file, not a directory");
        assertRefused("nn train: " + file.resolve("m.safetensors") + ": cannot be written: " + file
                + " is not a directory", "train", "--data", data.toString(), "--out",
                file.resolve("m.safetensors").toString());
    }

    @Test
    void aLongLegalNameIsWrittenAndOneTooLongIsToldBeforeTraining() throws IOException {
        String csv = Path.of("src", "test", "resources", "bad-inputs", "good.csv").toString();
        List<String> written = new java.util.ArrayList<>();
        for (int length = 252; length <= 255; length++) {
            String name = "m".repeat(length - ".safetensors".length()) + ".safetensors";
            NnRun run = NnRun.of("train", "--csv", csv, "--label", "label", "--hidden", "4", "--epochs", "1",
                    "--quiet", "--out", dir.resolve(name).toString());
            assertEquals(0, run.code(), run.err());
            written.add(name);
            written.add(org.nn4j.io.OptimizerStateFile.of(dir.resolve(name)).getFileName().toString());
        }
        written.sort(null);
        try (var files = Files.list(dir)) {
            assertEquals(written, files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the models, their optimizer states and no temporary file");
        }
        Path tooLong = dir.resolve("m".repeat(256));
        NnRun run = NnRun.of("train", "--csv", csv, "--label", "label", "--out", tooLong.toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().startsWith("nn train: " + tooLong + ": cannot be written: file name too long (256 bytes,"
                + " the file system allows "), run.err());
        assertEquals("", run.out(), "nothing done before the check");
    }

    @Test
    void aKilledRunsTemporaryFileIsRemovedByTheNextWrite() throws IOException {
        Path stale = Files.writeString(dir.resolve(".m.safetensors1234567.partial"), "half a model");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(0));
        Path other = Files.writeString(dir.resolve(".other.safetensors99.partial"), "another file's");
        Files.setLastModifiedTime(other, FileTime.fromMillis(0));
        AtomicFiles.write(dir.resolve("m.safetensors"), new byte[] {1, 2, 3});
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other), "another file's temporary file stays");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("m.safetensors", ".other.safetensors99.partial"), files
                    .map(p -> p.getFileName().toString()).sorted((a, b) -> a.startsWith(".") ? 1 : -1).toList());
        }
    }
}
