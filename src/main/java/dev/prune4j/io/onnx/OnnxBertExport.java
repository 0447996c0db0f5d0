package dev.prune4j.io.onnx;

import dev.prune4j.core.BadInputException;
import dev.prune4j.io.onnx.proto.OnnxSubset.GraphProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.ModelProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.TensorProto;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a BERT-family ONNX model with new weights: the original graph, unchanged, with the
 * float initializers that {@link OnnxBertImport} mapped to Hugging Face names replaced by the
 * given tensors (transposed back to [in, out] where the export stores {@code x·W} as a MatMul).
 * Everything else the file holds — nodes, opsets, metadata, fields prune4j's protobuf subset does
 * not name (protobuf keeps them as unknown fields) — is written back as read, so a runtime that
 * loaded the original loads the result. Used to save pruned encoders: exact zeros stay exact.
 */
public final class OnnxBertExport {
    private OnnxBertExport() {
    }

    /**
     * Checks that the weights of {@code source} can be replaced: a float32 export whose mapped
     * initializers are stored inline. Call it before any expensive work.
     */
    public static void checkWritable(OnnxFile source) {
        OnnxBertImport.Result r = OnnxBertImport.read(source);
        if (r.quantized()) {
            throw new BadInputException(source.source() + ": an int8 (dynamically quantized) ONNX model cannot be pruned"
                    + " and saved as ONNX: prune the float32 model (e.g. all-minilm-l6-v2 instead of all-minilm-l6-v2-q)"
                    + " and quantize the pruned result");
        }
        Map<String, TensorProto> inits = initializers(source.proto().getGraph());
        for (OnnxBertImport.Origin o : r.origins().values()) {
            TensorProto t = inits.get(o.constant());
            if (t == null) {
                throw new BadInputException(source.source() + ": weight '" + o.constant() + "' is a Constant node, not an"
                        + " initializer; writing such a graph is not supported");
            }
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new BadInputException(source.source() + ": initializer '" + o.constant() + "' has ONNX data_type "
                        + t.getDataType() + "; only float32 (1) weights can be replaced");
            }
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new BadInputException(source.source() + ": initializer '" + o.constant() + "' is stored as external"
                        + " data; writing models with external data is not supported");
            }
        }
    }

    /**
     * Writes {@code source} with every mapped weight replaced by {@code weights.get(hfName)} to
     * {@code file}, through a temporary file in the same directory and a rename. Weights missing
     * from the map keep their original values; a weight of another shape is an error.
     */
    public static void write(OnnxFile source, Map<String, Tensor> weights, Path file) {
        checkWritable(source);
        OnnxBertImport.Result r = OnnxBertImport.read(source);
        Map<String, Tensor> byInitializer = new HashMap<>();
        Map<String, Boolean> transposed = new HashMap<>();
        r.origins().forEach((hf, o) -> {
            Tensor t = weights.get(hf);
            if (t != null) {
                byInitializer.put(o.constant(), t);
                transposed.put(o.constant(), o.transposed());
            }
        });
        GraphProto.Builder g = source.proto().getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto old = g.getInitializer(i);
            Tensor t = byInitializer.get(old.getName());
            if (t == null) {
                continue;
            }
            long[] dims = old.getDimsList().stream().mapToLong(Long::longValue).toArray();
            float[] v = t.toF32().toFloatArray();
            boolean tr = transposed.get(old.getName());
            int[] want = tr ? new int[] {t.dim(1), t.dim(0)} : t.shape().dims();
            if (!Arrays.equals(Arrays.stream(want).asLongStream().toArray(), dims)) {
                throw new BadInputException(source.source() + ": initializer '" + old.getName() + "' has dims "
                        + Arrays.toString(dims) + " but the new weight has shape " + t.shape()
                        + (tr ? " (stored transposed)" : ""));
            }
            if (tr) {
                v = transpose(v, t.dim(0), t.dim(1));
            }
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            g.setInitializer(i, old.toBuilder().clearFloatData().setRawData(com.google.protobuf.ByteString.copyFrom(b.array())));
        }
        ModelProto m = source.proto().toBuilder().setGraph(g).build();
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                m.writeTo(out);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort; the temporary name is recognisable
            }
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorProto> initializers(GraphProto g) {
        Map<String, TensorProto> m = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            m.put(t.getName(), t);
        }
        return m;
    }

    /** w: [out, in] → [in, out]. */
    private static float[] transpose(float[] w, int out, int in) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        return t;
    }
}
