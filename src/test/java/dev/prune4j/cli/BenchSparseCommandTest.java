package dev.prune4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench sparse} without measuring: printing and plotting a saved result, and bad input. */
class BenchSparseCommandTest {
    static final String RESULT = """
            {"benchmark":"sparse","threads":2,"bandwidthGBs":30.0,"cases":[
             {"group":"decode","shape":[4096,4096],"M":1,"format":"2:4","sparsity":"2:4","valueType":"F32","bytesPerWeight":2.125,
              "denseMs":2.0,"sparseMs":1.0,"ratio":2.0,"hotRatio":1.5,"limitRatio":1.88,"goal":1.7,"met":true},
             {"group":"sweep","shape":[4096,4096],"M":1,"format":"bitmask","sparsity":0.5,"valueType":"F32","bytesPerWeight":2.13,
              "denseMs":2.0,"sparseMs":1.6,"ratio":1.25,"hotRatio":1.0,"limitRatio":1.88},
             {"group":"sweep","shape":[4096,4096],"M":1,"format":"bitmask","sparsity":0.9,"valueType":"F32","bytesPerWeight":0.53,
              "denseMs":2.0,"sparseMs":0.5,"ratio":4.0,"hotRatio":3.0,"limitRatio":7.5,"goal":5.0,"met":false}]}
            """;

    @Test
    void printsAndPlotsASavedResult(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, RESULT);
        Path png = dir.resolve("img/plot.png");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "bench", "sparse", "--from-json", json.toString(),
                "--plot", png.toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("goal 1.7x met"), out.toString());
        assertTrue(out.toString().contains("goal 5.0x MISSED"), out.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "a readable PNG");
        assertEquals(900, img.getWidth());
    }

    @Test
    void aFileThatIsNotABenchResultIsBadInput(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "{\"cases\": 3}");
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "bench", "sparse", "--from-json", json.toString());
        assertEquals(Main.BAD_INPUT, code);
        assertTrue(err.toString().contains("'cases' list"), err.toString());
    }
}
