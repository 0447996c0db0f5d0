package dev.prune4j.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"k": "v"}}}), then the data area; offsets are relative to the data area.
 *
 * <p>Reads map the whole file once, read-only; each tensor is a view of that mapping and stays
 * mapped (not on the heap) until converted, so a checkpoint larger than the heap loads. Every
 * header field is validated before any tensor is made. Sharded checkpoints are read through
 * their {@code model.safetensors.index.json}.
 */
public final class SafeTensors {
    /** File name of a sharded checkpoint's index. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** File name of a single-file checkpoint in a Hugging Face directory. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** Headers above this size are refused (the format's own limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String SUPPORTED_DTYPES = Arrays.stream(DType.values())
            .map(DType::safetensorsName).collect(Collectors.joining(", "));
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafeTensors() {
    }

    /** One tensor's header entry; offsets are relative to the start of the data area. */
    public record Entry(String name, DType dtype, Shape shape, long begin, long end) {
        public long byteLength() {
            return end - begin;
        }
    }

    /** A validated header: entries in header order, the metadata and where the data starts. */
    public record Header(Path file, Map<String, Entry> entries, Map<String, String> metadata, long dataStart,
                         long fileSize) {
    }

    /**
     * Tensors read from one or more safetensors files, in file order then header order, with
     * the metadata (of the single file, or of the index for a sharded checkpoint).
     */
    public record Loaded(Map<String, Tensor> tensors, Map<String, String> metadata, List<Path> files) {
        public Loaded {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            files = List.copyOf(files);
        }

        /** The tensor called {@code name}, or a BadInputException naming the files. */
        public Tensor require(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new BadInputException(describeFiles() + ": missing tensor '" + name + "'");
            }
            return t;
        }

        /** The file, or the directory and number of shards, for messages. */
        public String describeSource() {
            return describeFiles();
        }

        String describeFiles() {
            return files.size() == 1 ? files.getFirst().toString()
                    : files.getFirst().getParent() + " (" + files.size() + " safetensors shards)";
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a safetensors file, a sharded index ({@code *.index.json}) or a directory holding
     * {@code model.safetensors} or {@code model.safetensors.index.json}.
     */
    public static Loaded read(Path path) {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE);
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) {
                return readFile(single);
            }
            if (Files.isRegularFile(index)) {
                return readSharded(index);
            }
            throw new BadInputException(path + ": no " + SINGLE_FILE + " or " + INDEX_FILE
                    + " in this directory");
        }
        if (path.getFileName().toString().endsWith(".index.json")) {
            return readSharded(path);
        }
        return readFile(path);
    }

    /** Reads one safetensors file: every tensor is a read-only view of one mapping of the file. */
    public static Loaded readFile(Path file) {
        Header h = readHeader(file);
        MemorySegment whole;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, h.fileSize(), Arena.ofAuto());
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : h.entries().values()) {
            MemorySegment slice = whole.asSlice(h.dataStart() + e.begin(), e.byteLength());
            tensors.put(e.name(), Tensor.fromSegment(slice, e.dtype(), e.shape(), true));
        }
        return new Loaded(tensors, h.metadata(), List.of(file));
    }

    /** Reads and validates the header of a safetensors file. */
    public static Header readHeader(Path file) {
        long size;
        byte[] json;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) {
                throw new BadInputException(file + ": not a safetensors file: it has " + size
                        + " bytes, fewer than the 8-byte header length (truncated?)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 2 || n > size - 8) {
                throw new BadInputException(file + ": safetensors header length " + Long.toUnsignedString(n)
                        + " bytes goes past the end of the file (" + size + " bytes; at most " + (size - 8)
                        + " available): the file is truncated or not safetensors");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new BadInputException(file + ": safetensors header length " + n + " bytes exceeds the "
                        + MAX_HEADER_BYTES + "-byte limit of the format");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) n);
            readFully(ch, buf, 8);
            json = buf.array();
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found", e);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
        return parseHeader(file, json, size);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    static Header parseHeader(Path file, byte[] json, long fileSize) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": safetensors header is not well-formed JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + ": safetensors header must be a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }
        long dataStart = 8 + json.length;
        long dataSize = fileSize - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                metadata.putAll(parseMetadata(file, f.getValue()));
            } else {
                entries.put(f.getKey(), parseEntry(file, f.getKey(), f.getValue(), dataSize));
            }
        }
        checkNoOverlap(file, entries.values());
        return new Header(file, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata),
                dataStart, fileSize);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new BadInputException(file + ": safetensors __metadata__ must be an object of strings, found "
                    + node.getNodeType().toString().toLowerCase());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new BadInputException(file + ": safetensors __metadata__ value of '" + f.getKey()
                        + "' must be a string, found " + f.getValue());
            }
            m.put(f.getKey(), f.getValue().asText());
        }
        return m;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataSize) {
        String where = file + ": tensor '" + name + "': ";
        if (!node.isObject()) {
            throw new BadInputException(where + "header entry must be an object with dtype, shape and data_offsets, found "
                    + node);
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new BadInputException(where + "missing or non-string 'dtype'");
        }
        DType dtype = null;
        for (DType d : DType.values()) {
            if (d.safetensorsName().equals(dt.asText())) {
                dtype = d;
            }
        }
        if (dtype == null) {
            throw new BadInputException(where + "unknown dtype '" + dt.asText() + "'; supported: " + SUPPORTED_DTYPES);
        }
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new BadInputException(where + "missing or non-array 'shape'");
        }
        long[] dims = new long[sh.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new BadInputException(where + "shape " + sh + " must hold non-negative integers below 2^31");
            }
            dims[i] = d.asLong();
        }
        Shape shape;
        try {
            shape = Shape.ofLongs(dims);
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new BadInputException(where + "shape " + sh + " has too many elements");
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new BadInputException(where + "'data_offsets' must be [begin, end] (two integers), found " + off);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new BadInputException(where + "data_offsets [" + begin + ", " + end
                    + "] out of range: the data area has " + dataSize + " bytes (truncated file?)");
        }
        long need = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        if (end - begin != need) {
            throw new BadInputException(where + "shape " + shape + " of " + dtype.safetensorsName() + " needs "
                    + need + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Path file, Iterable<Entry> entries) {
        List<Entry> sorted = new ArrayList<>();
        entries.forEach(e -> {
            if (e.byteLength() > 0) {
                sorted.add(e);
            }
        });
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw new BadInputException(file + ": tensors '" + a.name() + "' (bytes " + a.begin() + "–" + a.end()
                        + ") and '" + b.name() + "' (bytes " + b.begin() + "–" + b.end() + ") overlap");
            }
        }
    }

    /**
     * Reads a sharded checkpoint through its index ({@code {"metadata": {...}, "weight_map":
     * {"tensor": "shard file"}}}). Every tensor of the weight map must be in its shard.
     */
    public static Loaded readSharded(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (NoSuchFileException e) {
            throw new BadInputException(index + ": file not found", e);
        } catch (JsonProcessingException e) {
            throw new BadInputException(index + ": not well-formed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ioFailure(index, e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new BadInputException(index + ": expected a non-empty object 'weight_map' {tensor: shard file}");
        }
        Map<String, List<String>> byShard = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String shard = f.getValue().asText();
            if (!f.getValue().isTextual() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new BadInputException(index + ": weight_map entry '" + f.getKey()
                        + "' must name a shard file in the same directory, found " + f.getValue());
            }
            byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(f.getKey());
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, List<String>> s : byShard.entrySet()) {
            Path shardFile = dir.resolve(s.getKey());
            if (!Files.isRegularFile(shardFile)) {
                throw new BadInputException(index + ": shard '" + s.getKey() + "' (holding '" + s.getValue().getFirst()
                        + "') not found at " + shardFile);
            }
            Loaded shard = readFile(shardFile);
            files.add(shardFile);
            for (String name : s.getValue()) {
                Tensor t = shard.tensors().get(name);
                if (t == null) {
                    throw new BadInputException(index + ": tensor '" + name + "' is mapped to shard '" + s.getKey()
                            + "' but that file does not hold it");
                }
                tensors.put(name, t);
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && md.isObject()) {
            md.fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().isTextual()
                    ? f.getValue().asText() : f.getValue().toString()));
        }
        return new Loaded(tensors, metadata, files);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes tensors (any dtype, any storage; in map order) and metadata to {@code file}: to a
     * temporary file in the same directory first, renamed atomically over {@code file} at the end.
     * The data area starts 8-byte aligned (the header is padded with spaces).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Entry> entries = new java.util.ArrayList<>();
        long pos = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = t.numel() * t.dtype().byteSize();
            entries.add(new Entry(e.getKey(), t.dtype(), t.shape(), pos, pos + bytes));
            pos += bytes;
        }
        byte[] head = headerBytes(entries, metadata);

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(ch, ByteBuffer.wrap(head));
                byte[] chunk = new byte[1 << 20];
                MemorySegment chunkSeg = MemorySegment.ofArray(chunk);
                for (Tensor t : tensors.values()) {
                    MemorySegment src = littleEndianBytes(t);
                    for (long off = 0; off < src.byteSize(); off += chunk.length) {
                        int n = (int) Math.min(chunk.length, src.byteSize() - off);
                        MemorySegment.copy(src, off, chunkSeg, 0, n);
                        writeAll(ch, ByteBuffer.wrap(chunk, 0, n));
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
        }
    }

    /**
     * The file head for {@code entries} (their offsets relative to the data area): the 8-byte
     * little-endian header length, then the JSON header padded with spaces to a multiple of 8.
     */
    static byte[] headerBytes(List<Entry> entries, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode md = header.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        for (Entry e : entries) {
            if (e.name().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            }
            ObjectNode n = header.putObject(e.name());
            n.put("dtype", e.dtype().safetensorsName());
            ArrayNode shape = n.putArray("shape");
            for (int d : e.shape().dims()) {
                shape.add(d);
            }
            n.putArray("data_offsets").add(e.begin()).add(e.end());
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        Arrays.fill(head, 8 + json.length, head.length, (byte) ' ');
        return head;
    }

    /** Writes tensors without metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    static MemorySegment littleEndianBytes(Tensor t) {
        Tensor c = t.contiguous();
        MemorySegment bytes = c.contiguousBytes();
        boolean heap = c.isHeapF32();
        if (!heap || ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            return bytes; // segments from files and Tensor.zeros are little-endian already
        }
        MemorySegment le = Arena.ofAuto().allocate(bytes.byteSize(), 4);
        float[] v = c.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            le.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i, v[i]);
        }
        return le;
    }

    static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static UncheckedIOException ioFailure(Path file, IOException e) {
        return new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }

    /** The header JSON text of a safetensors file (for diagnostics). */
    static String headerText(Path file) {
        Header h = readHeader(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) (h.dataStart() - 8));
            readFully(ch, buf, 8);
            return new String(buf.array(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }
}
