package dev.prune4j.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training checkpoints: model parameters, masks, buffers and optimizer state in one file,
 * written to a temporary name and renamed, so a crash never leaves a half-written checkpoint.
 *
 * <p>Format (own, minimal, safetensors-like): 8 bytes magic {@code P4CKPT01}, an unsigned
 * little-endian 64-bit header length, a UTF-8 JSON header
 * {@code {"meta": {...}, "tensors": {name: {"shape": [...], "offset": elements}}}}, then all
 * tensors as little-endian float32 back to back. Names: {@code param/<name>},
 * {@code mask/<name>}, {@code buffer/<name>}, {@code optim/<name>/<state>}.
 */
public final class Checkpoint {
    private static final byte[] MAGIC = "P4CKPT01".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** Saves model (parameters, masks, buffers) and, when not null, the optimizer's state. */
    public static void save(Path file, Module model, Optimizer opt, Map<String, String> meta) throws IOException {
        Map<String, float[]> t = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> {
            t.put("param/" + k, p.value());
            if (p.mask() != null) {
                t.put("mask/" + k, p.mask());
            }
        });
        model.buffers().forEach((k, b) -> t.put("buffer/" + k, b));
        Map<String, String> m = new LinkedHashMap<>(meta);
        if (opt != null) {
            opt.state().forEach((k, s) -> t.put("optim/" + k, s));
            m.put("optimizer", opt.describe());
            m.put("optimizer.steps", Long.toString(opt.steps()));
        }
        write(file, t, m);
    }

    /** Restores what {@link #save} wrote into a model of the same architecture (and optimizer). Returns the meta. */
    public static Map<String, String> load(Path file, Module model, Optimizer opt) throws IOException {
        Contents c = read(file);
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            float[] v = c.tensor("param/" + e.getKey(), e.getValue().size());
            System.arraycopy(v, 0, e.getValue().value(), 0, v.length);
            e.getValue().setMask(c.tensors().containsKey("mask/" + e.getKey()) ? c.tensor("mask/" + e.getKey(), v.length) : null);
        }
        for (Map.Entry<String, float[]> e : model.buffers().entrySet()) {
            float[] v = c.tensor("buffer/" + e.getKey(), e.getValue().length);
            System.arraycopy(v, 0, e.getValue(), 0, v.length);
        }
        if (opt != null) {
            for (Map.Entry<String, float[]> e : opt.state().entrySet()) {
                float[] v = c.tensor("optim/" + e.getKey(), e.getValue().length);
                System.arraycopy(v, 0, e.getValue(), 0, v.length);
            }
            String steps = c.meta().get("optimizer.steps");
            opt.setSteps(steps == null ? 0 : Long.parseLong(steps));
        }
        return c.meta();
    }

    /** The decoded file: tensors by name and the metadata. */
    public record Contents(Map<String, float[]> tensors, Map<String, int[]> shapes, Map<String, String> meta, Path file) {
        float[] tensor(String name, int expected) {
            float[] v = tensors.get(name);
            if (v == null) {
                throw new BadInputException(file + ": checkpoint has no tensor '" + name + "' (the model or optimizer differs from the one saved)");
            }
            if (v.length != expected) {
                throw new BadInputException(file + ": tensor '" + name + "' has " + v.length + " values, the model expects " + expected);
            }
            return v;
        }
    }

    static void write(Path file, Map<String, float[]> tensors, Map<String, String> meta) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode m = header.putObject("meta");
        meta.forEach(m::put);
        ObjectNode ts = header.putObject("tensors");
        long offset = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            ObjectNode t = ts.putObject(e.getKey());
            t.putArray("shape").add(e.getValue().length);
            t.put("offset", offset);
            offset += e.getValue().length;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ByteBuffer lead = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                lead.put(MAGIC).putLong(h.length);
                out.write(lead.array());
                out.write(h);
                for (float[] v : tensors.values()) {
                    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    out.write(b.array());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Contents read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 16 || !Arrays.equals(Arrays.copyOf(all, 8), MAGIC)) {
            throw new BadInputException(file + ": not a prune4j checkpoint (expected magic P4CKPT01)");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long hl = b.getLong(8);
        if (hl < 0 || 16 + hl > all.length) {
            throw new BadInputException(file + ": checkpoint header length " + hl + " exceeds the file size " + all.length);
        }
        JsonNode header = JSON.readTree(new String(all, 16, (int) hl, StandardCharsets.UTF_8));
        Map<String, String> meta = new LinkedHashMap<>();
        header.path("meta").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        long dataStart = 16 + hl;
        for (Map.Entry<String, JsonNode> e : header.path("tensors").properties()) {
            JsonNode shape = e.getValue().path("shape");
            int[] s = new int[shape.size()];
            long n = 1;
            for (int i = 0; i < s.length; i++) {
                s[i] = shape.get(i).asInt();
                n *= s[i];
            }
            long off = dataStart + 4 * e.getValue().path("offset").asLong(-1);
            if (off < dataStart || off + 4 * n > all.length) {
                throw new BadInputException(file + ": tensor '" + e.getKey() + "' lies outside the file (truncated?)");
            }
            float[] v = new float[(int) n];
            b.position((int) off);
            b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            tensors.put(e.getKey(), v);
            shapes.put(e.getKey(), s);
        }
        return new Contents(tensors, shapes, meta, file);
    }
}
