package dev.prune4j.data;

import dev.prune4j.core.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017): 60 000 training and 10 000 test images of
 * 28×28 grey clothing items in 10 classes. Read from Debian's {@code dataset-fashion-mnist}
 * package ({@value #DEBIAN_DIR}) or any directory holding the four IDX files (gzipped or not).
 */
public final class FashionMnist {
    /** Where Debian's package installs the files. */
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    /** The Debian package that provides them. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /** Which half of the dataset. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {
    }

    /** The default directory: {@code PRUNE4J_FASHION_MNIST} if set, else Debian's. */
    public static Path defaultDir() {
        String env = System.getenv("PRUNE4J_FASHION_MNIST");
        return Path.of(env == null || env.isBlank() ? DEBIAN_DIR : env);
    }

    /** True when the files of both splits are present in {@code dir}. */
    public static boolean available(Path dir) {
        for (Split s : Split.values()) {
            if (find(dir, s.prefix + "-images-idx3-ubyte") == null || find(dir, s.prefix + "-labels-idx1-ubyte") == null) {
                return false;
            }
        }
        return true;
    }

    public static ImageDataset load(Path dir, Split split) {
        Path images = require(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = require(dir, split.prefix + "-labels-idx1-ubyte");
        return Idx.dataset("fashion-mnist/" + split.name().toLowerCase(java.util.Locale.ROOT), images, labels, 10);
    }

    private static Path require(Path dir, String base) {
        Path p = find(dir, base);
        if (p == null) {
            throw new BadInputException("Fashion-MNIST file " + base + "[.gz] not found in " + dir
                    + ". Fix: install it with 'sudo apt-get install " + DEBIAN_PACKAGE + "' (files go to " + DEBIAN_DIR
                    + "), or point PRUNE4J_FASHION_MNIST / --data at a directory holding the four IDX files.");
        }
        return p;
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
