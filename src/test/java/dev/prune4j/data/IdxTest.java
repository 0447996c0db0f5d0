package dev.prune4j.data;

import dev.prune4j.core.BadInputException;
import dev.prune4j.testkit.FashionMnistData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {
    private static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    @Test
    void readsPlainAndGzippedFiles(@TempDir Path dir) throws IOException {
        byte[] pixels = {0, (byte) 255, (byte) 128, 1, 2, 3, 4, 5};
        Files.write(dir.resolve("im"), idx(new int[] {2, 2, 2}, pixels));
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("lb.gz")))) {
            o.write(idx(new int[] {2}, new byte[] {3, 9}));
        }
        ImageDataset d = Idx.dataset("t", dir.resolve("im"), dir.resolve("lb.gz"), 10);
        assertEquals(2, d.size());
        assertEquals(1f, d.images()[1]);
        assertEquals(128 / 255f, d.images()[2]);
        assertEquals(9, d.labels()[1]);
    }

    @Test
    void badFilesNameTheProblem(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("short"), idx(new int[] {2, 2, 2}, new byte[3]));
        BadInputException e = assertThrows(BadInputException.class, () -> Idx.read(dir.resolve("short")));
        assertTrue(e.getMessage().contains("promises 8 values"), e.getMessage());
        BadInputException missing = assertThrows(BadInputException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(missing.getMessage().contains("apt-get install dataset-fashion-mnist"), missing.getMessage());
    }

    @Test
    void fashionMnistHasItsDocumentedShape() {
        ImageDataset test = FashionMnistData.require(FashionMnist.Split.TEST);
        assertEquals(10_000, test.size());
        assertEquals(28, test.height());
        int[] counts = new int[10];
        for (int y : test.labels()) {
            counts[y]++;
        }
        for (int c : counts) {
            assertEquals(1000, c, "the test split is balanced: 1000 per class");
        }
    }
}
