package dev.prune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * prune4j's compact checkpoint: a safetensors file in which each pruned 2-D float tensor is
 * stored packed — as a bitmask plus its non-zeros, or N:M packed (N values + their indices per
 * group of M) — and everything else dense. Being safetensors, any safetensors reader can list
 * it; {@link #read} restores the dense tensors exactly. The layout is documented in
 * docs/FORMAT.md.
 */
public final class CompactCheckpoint {
    /** Metadata key marking the format and its version. */
    public static final String FORMAT_KEY = "prune4j.format";
    /** Current format version. */
    public static final String FORMAT = "compact-v1";
    private static final String TENSOR_KEY = "prune4j.tensor.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] GROUP_SIZES = {4, 8, 16};

    private CompactCheckpoint() {
    }

    /** How one tensor is stored. */
    public enum Encoding { DENSE, BITMASK, NOFM }

    /** What was written for one tensor. */
    public record TensorInfo(String name, Encoding encoding, String pattern, long numel, long nonZeros,
                             long denseBytes, long storedBytes) {
        public double sparsity() {
            return numel == 0 ? 0 : 1.0 - (double) nonZeros / numel;
        }
    }

    /**
     * Writes {@code tensors} to {@code file} (through a temporary file and a rename), packing
     * every 2-D float tensor whose packed form is smaller than dense. Returns per-tensor sizes.
     */
    public static List<TensorInfo> write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(FORMAT_KEY, FORMAT);
        List<TensorInfo> infos = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.contains("::")) {
                throw new BadInputException("tensor name '" + name + "' contains '::', which the compact format reserves");
            }
            Tensor t = e.getValue();
            long denseBytes = t.numel() * t.dtype().byteSize();
            if (t.rank() != 2 || !t.dtype().isFloating() || t.numel() == 0) {
                out.put(name, t);
                infos.add(new TensorInfo(name, Encoding.DENSE, "dense", t.numel(), countNonZeros(t), denseBytes, denseBytes));
                continue;
            }
            Packed p = pack(name, t);
            out.putAll(p.tensors());
            if (p.header() != null) {
                meta.put(TENSOR_KEY + name, p.header().toString());
            }
            infos.add(p.info());
        }
        SafeTensors.write(file, out, meta);
        return infos;
    }

    private record Packed(Map<String, Tensor> tensors, ObjectNode header, TensorInfo info) {
    }

    private static long countNonZeros(Tensor t) {
        if (!t.dtype().isFloating()) {
            return t.numel();
        }
        long nz = 0;
        for (float v : t.toFloatArray()) {
            if (v != 0f) {
                nz++;
            }
        }
        return nz;
    }

    private static Packed pack(String name, Tensor t) {
        int rows = t.dim(0);
        int cols = t.dim(1);
        float[] w = t.toFloatArray(); // exact for F32/F16/BF16 (all convert losslessly to float)
        DType dt = t.dtype();
        int ds = dt.byteSize();
        long nnz = 0;
        for (float v : w) {
            if (v != 0f) {
                nnz++;
            }
        }
        long dense = (long) rows * cols * ds;
        long bitmaskBytes = (long) rows * ((cols + 7) / 8) + nnz * ds;
        // the tightest N:M pattern the zeros follow
        int bestM = 0;
        int bestN = 0;
        long nmBytes = Long.MAX_VALUE;
        for (int m : GROUP_SIZES) {
            if (cols % m != 0) {
                continue;
            }
            int n = maxNonZerosPerGroup(w, rows, cols, m);
            if (n >= m) {
                continue;
            }
            int bits = indexBits(m);
            long kept = (long) rows * (cols / m) * n;
            long bytes = kept * ds + (long) rows * ((cols / m * n * bits + 7) / 8);
            if (bytes < nmBytes) {
                nmBytes = bytes;
                bestM = m;
                bestN = n;
            }
        }
        Map<String, Tensor> parts = new LinkedHashMap<>();
        ObjectNode h = JSON.createObjectNode();
        h.putArray("shape").add(rows).add(cols);
        h.put("dtype", dt.safetensorsName());
        // N:M packing is preferred while within 10% of the bitmask: its regular layout is what
        // the N:M kernels read; 2:4 ties with the bitmask, 4:8 costs 0.06 bytes/weight more at fp32.
        if (nmBytes != Long.MAX_VALUE && nmBytes <= bitmaskBytes * 1.1 && nmBytes < dense) {
            h.put("encoding", "nofm").put("n", bestN).put("m", bestM);
            int bits = indexBits(bestM);
            int keptPerRow = cols / bestM * bestN;
            int idxBytesPerRow = (keptPerRow * bits + 7) / 8;
            Tensor values = Tensor.zeros(dt, Shape.of(rows, keptPerRow));
            byte[] idx = new byte[rows * idxBytesPerRow];
            for (int r = 0; r < rows; r++) {
                int k = 0;
                for (int g = 0; g < cols; g += bestM) {
                    int taken = 0;
                    for (int q = 0; q < bestM && taken < bestN; q++) {
                        if (w[r * cols + g + q] != 0f) {
                            values.set(w[r * cols + g + q], r, k);
                            putBits(idx, r * idxBytesPerRow * 8L + (long) k * bits, bits, q);
                            k++;
                            taken++;
                        }
                    }
                    for (; taken < bestN; taken++) { // fewer non-zeros than N: pad with zero values at index 0
                        values.set(0f, r, k);
                        putBits(idx, r * idxBytesPerRow * 8L + (long) k * bits, bits, 0);
                        k++;
                    }
                }
            }
            parts.put(name + "::nm_values", values);
            parts.put(name + "::nm_index", u8(idx, rows, idxBytesPerRow));
            return new Packed(parts, h, new TensorInfo(name, Encoding.NOFM, bestN + ":" + bestM, (long) rows * cols, nnz, dense, nmBytes));
        }
        if (bitmaskBytes < dense) {
            h.put("encoding", "bitmask");
            int bpr = (cols + 7) / 8;
            byte[] bits = new byte[rows * bpr];
            Tensor values = Tensor.zeros(dt, Shape.ofLongs(nnz));
            int k = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    float v = w[r * cols + c];
                    if (v != 0f) {
                        bits[r * bpr + c / 8] |= (byte) (1 << (c % 8));
                        values.set(v, k++);
                    }
                }
            }
            parts.put(name + "::bitmask", u8(bits, rows, bpr));
            parts.put(name + "::values", values);
            return new Packed(parts, h, new TensorInfo(name, Encoding.BITMASK, "unstructured", (long) rows * cols, nnz, dense, bitmaskBytes));
        }
        parts.put(name, t);
        return new Packed(parts, null, new TensorInfo(name, Encoding.DENSE, "dense", (long) rows * cols, nnz, dense, dense));
    }

    private static int maxNonZerosPerGroup(float[] w, int rows, int cols, int m) {
        int max = 0;
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < cols; g += m) {
                int n = 0;
                for (int q = 0; q < m; q++) {
                    if (w[r * cols + g + q] != 0f) {
                        n++;
                    }
                }
                if (n > max) {
                    max = n;
                    if (max == m) {
                        return m;
                    }
                }
            }
        }
        return max;
    }

    static int indexBits(int m) {
        return 32 - Integer.numberOfLeadingZeros(m - 1);
    }

    private static Tensor u8(byte[] data, int rows, int cols) {
        Tensor t = Tensor.zeros(DType.U8, Shape.of(rows, cols));
        t.contiguousBytes().copyFrom(java.lang.foreign.MemorySegment.ofArray(data));
        return t;
    }

    private static void putBits(byte[] a, long bitPos, int bits, int value) {
        for (int b = 0; b < bits; b++) {
            if (((value >> b) & 1) != 0) {
                long p = bitPos + b;
                a[(int) (p >>> 3)] |= (byte) (1 << (p & 7));
            }
        }
    }

    private static int getBits(byte[] a, long bitPos, int bits) {
        int v = 0;
        for (int b = 0; b < bits; b++) {
            long p = bitPos + b;
            if ((a[(int) (p >>> 3)] >> (p & 7) & 1) != 0) {
                v |= 1 << b;
            }
        }
        return v;
    }

    /** True if {@code file} is a compact checkpoint (by its metadata). */
    public static boolean isCompact(Path file) {
        return FORMAT.equals(SafeTensors.readHeader(file).metadata().get(FORMAT_KEY));
    }

    /** Reads a compact checkpoint and restores every tensor densely, exactly as written. */
    public static Map<String, Tensor> read(Path file) {
        SafeTensors.Loaded l = SafeTensors.readFile(file);
        String fmt = l.metadata().get(FORMAT_KEY);
        if (!FORMAT.equals(fmt)) {
            throw new BadInputException(file + ": not a prune4j compact checkpoint (metadata " + FORMAT_KEY + " is "
                    + (fmt == null ? "missing" : "'" + fmt + "'") + ", expected '" + FORMAT + "')");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : l.tensors().entrySet()) {
            if (!e.getKey().contains("::")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> m : l.metadata().entrySet()) {
            if (m.getKey().startsWith(TENSOR_KEY)) {
                String name = m.getKey().substring(TENSOR_KEY.length());
                out.put(name, unpack(file, l, name, m.getValue()));
            }
        }
        return out;
    }

    private static Tensor unpack(Path file, SafeTensors.Loaded l, String name, String headerJson) {
        JsonNode h;
        try {
            h = JSON.readTree(headerJson);
        } catch (IOException e) {
            throw new BadInputException(file + ": metadata of tensor '" + name + "' is not valid JSON: " + e.getMessage());
        }
        int rows = h.path("shape").path(0).asInt(-1);
        int cols = h.path("shape").path(1).asInt(-1);
        if (rows < 0 || cols < 0) {
            throw new BadInputException(file + ": tensor '" + name + "' has no valid shape in its metadata");
        }
        DType dt = DType.fromSafetensors(h.path("dtype").asText());
        float[] w = new float[rows * cols];
        String enc = h.path("encoding").asText();
        switch (enc) {
            case "bitmask" -> {
                Tensor mask = l.require(name + "::bitmask");
                Tensor values = l.require(name + "::values");
                int bpr = (cols + 7) / 8;
                requireShape(file, name + "::bitmask", mask, rows, bpr);
                byte[] bits = mask.contiguousBytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                float[] v = values.toFloatArray();
                int k = 0;
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        if ((bits[r * bpr + c / 8] >> (c % 8) & 1) != 0) {
                            if (k >= v.length) {
                                throw new BadInputException(file + ": tensor '" + name + "': bitmask marks more entries than the "
                                        + v.length + " stored values");
                            }
                            w[r * cols + c] = v[k++];
                        }
                    }
                }
                if (k != v.length) {
                    throw new BadInputException(file + ": tensor '" + name + "': bitmask marks " + k + " entries but "
                            + v.length + " values are stored");
                }
            }
            case "nofm" -> {
                int n = h.path("n").asInt(-1);
                int m = h.path("m").asInt(-1);
                if (m < 1 || n < 0 || n > m || cols % m != 0) {
                    throw new BadInputException(file + ": tensor '" + name + "': invalid N:M " + n + ":" + m + " for width " + cols);
                }
                int bits = indexBits(m);
                int keptPerRow = cols / m * n;
                int ibpr = (keptPerRow * bits + 7) / 8;
                Tensor values = l.require(name + "::nm_values");
                Tensor index = l.require(name + "::nm_index");
                requireShape(file, name + "::nm_values", values, rows, keptPerRow);
                requireShape(file, name + "::nm_index", index, rows, ibpr);
                float[] v = values.toFloatArray();
                byte[] idx = index.contiguousBytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < keptPerRow; k++) {
                        int q = getBits(idx, r * ibpr * 8L + (long) k * bits, bits);
                        if (q >= m) {
                            throw new BadInputException(file + ": tensor '" + name + "': N:M index " + q + " >= M=" + m);
                        }
                        float val = v[r * keptPerRow + k];
                        if (val != 0f) {
                            w[r * cols + (k / n) * m + q] = val;
                        }
                    }
                }
            }
            default -> throw new BadInputException(file + ": tensor '" + name + "': unknown encoding '" + enc
                    + "', expected bitmask or nofm");
        }
        Tensor f = Tensor.wrap(w, rows, cols);
        return dt == DType.F32 ? f : f.to(dt);
    }

    private static void requireShape(Path file, String name, Tensor t, int rows, int cols) {
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new BadInputException(file + ": tensor '" + name + "' has shape " + t.shape() + ", expected [" + rows + ", " + cols + "]");
        }
    }
}
