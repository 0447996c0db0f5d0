package dev.prune4j.data;

import dev.prune4j.core.BadInputException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header of two
 * zero bytes, a type code (0x08 = unsigned byte) and the number of dimensions, then one 32-bit
 * size per dimension, then the data. Files ending in ".gz" are decompressed.
 */
public final class Idx {
    /** The dimensions and unsigned-byte data of an IDX file. */
    public record Array(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private Idx() {
    }

    public static Array read(Path file) {
        byte[] raw;
        try (InputStream in = open(file)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            raw = bytes.toByteArray();
        } catch (IOException e) {
            throw new BadInputException(file + ": could not read IDX file: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(raw); // big-endian by default
        if (raw.length < 4 || raw[0] != 0 || raw[1] != 0) {
            throw new BadInputException(file + ": not an IDX file (expected two zero bytes at the start)");
        }
        int type = raw[2] & 0xff;
        int rank = raw[3] & 0xff;
        if (type != 0x08) {
            throw new BadInputException(file + ": IDX type 0x" + Integer.toHexString(type) + " is not supported (expected 0x08, unsigned byte)");
        }
        if (rank < 1 || raw.length < 4 + 4 * rank) {
            throw new BadInputException(file + ": IDX header of rank " + rank + " is truncated");
        }
        b.position(4);
        int[] dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = b.getInt();
            if (dims[i] < 0) {
                throw new BadInputException(file + ": negative IDX dimension " + dims[i]);
            }
            n *= dims[i];
        }
        if (b.remaining() != n) {
            throw new BadInputException(file + ": IDX header promises " + n + " values, found " + b.remaining() + " bytes");
        }
        byte[] data = new byte[(int) n];
        b.get(data);
        return new Array(dims, data);
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Images (rank-3 IDX) and labels (rank-1 IDX) as a dataset with pixels scaled to [0, 1]. */
    public static ImageDataset dataset(String name, Path images, Path labels, int classes) {
        Array im = read(images);
        Array lb = read(labels);
        if (im.dims().length != 3) {
            throw new BadInputException(images + ": expected a rank-3 IDX of images [n, h, w], found rank " + im.dims().length);
        }
        if (lb.dims().length != 1 || lb.count() != im.count()) {
            throw new BadInputException(labels + ": expected " + im.count() + " labels (rank 1), found dims " + java.util.Arrays.toString(lb.dims()));
        }
        float[] x = new float[im.data().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (im.data()[i] & 0xff) / 255f;
        }
        int[] y = new int[lb.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = lb.data()[i] & 0xff;
            if (y[i] >= classes) {
                throw new BadInputException(labels + ": label " + y[i] + " at index " + i + " is not below " + classes);
            }
        }
        return new ImageDataset(name, x, y, 1, im.dims()[1], im.dims()[2], classes);
    }
}
