package dev.prune4j.testkit;

import dev.prune4j.data.FashionMnist;
import dev.prune4j.data.ImageDataset;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Fashion-MNIST for tests, loaded once per JVM. Where the Debian package is missing the test is
 * skipped with a message naming the package (and fails when CI=true, where .ci/run installs it).
 */
public final class FashionMnistData {
    private static final Map<FashionMnist.Split, ImageDataset> CACHE = new EnumMap<>(FashionMnist.Split.class);

    private FashionMnistData() {
    }

    public static synchronized ImageDataset require(FashionMnist.Split split) {
        Path dir = FashionMnist.defaultDir();
        if (!FashionMnist.available(dir)) {
            String msg = "Fashion-MNIST not found in " + dir + ": install it with 'apt-get install " + FashionMnist.DEBIAN_PACKAGE + "'";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg);
        }
        return CACHE.computeIfAbsent(split, s -> FashionMnist.load(dir, s));
    }
}
