package dev.prune4j.io.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.prune4j.core.BadInputException;
import dev.prune4j.io.onnx.proto.OnnxSubset.AttributeProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.GraphProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.ModelProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.NodeProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.StringStringEntryProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.TensorProto;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed ONNX model: its graph's nodes, and its constant tensors (initializers and the values
 * of {@code Constant} nodes) decoded into {@link Tensor}s. Tensor data may be inline
 * ({@code raw_data} or the typed {@code *_data} fields) or external (a file next to the model,
 * named by the {@code external_data} entries "location", "offset", "length").
 */
public final class OnnxFile {
    private final String source;
    private final ModelProto model;
    private final Map<String, TensorProto> constants;
    private final Path baseDir;

    private OnnxFile(String source, ModelProto model, Path baseDir) {
        this.source = source;
        this.model = model;
        this.baseDir = baseDir;
        Map<String, TensorProto> c = new LinkedHashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            c.put(t.getName(), t);
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        c.put(n.getOutput(0), a.getT());
                    }
                }
            }
        }
        this.constants = Collections.unmodifiableMap(c);
    }

    /** Reads and parses an ONNX file. */
    public static OnnxFile read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in, file.toAbsolutePath().getParent());
        } catch (IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw new UncheckedIOException(e);
            }
            throw new BadInputException(file + ": cannot read the ONNX file: " + e.getMessage(), e);
        }
    }

    /**
     * Parses an ONNX model from a stream; {@code source} names it in messages and
     * {@code baseDir} (may be null) resolves external data.
     */
    public static OnnxFile read(String source, InputStream in, Path baseDir) throws IOException {
        CodedInputStream cis = CodedInputStream.newInstance(in);
        cis.setSizeLimit(Integer.MAX_VALUE);
        ModelProto m;
        try {
            m = ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException(source + ": not an ONNX model (the protobuf does not parse: "
                    + e.getMessage() + "); expected a .onnx file exported by torch.onnx / optimum");
        }
        if (m.getIrVersion() <= 0 || !m.hasGraph() || m.getGraph().getNodeCount() == 0) {
            throw new BadInputException(source + ": not an ONNX model: expected a ModelProto with an ir_version and"
                    + " a graph of nodes, found ir_version " + m.getIrVersion() + " and "
                    + m.getGraph().getNodeCount() + " nodes");
        }
        return new OnnxFile(source, m, baseDir);
    }

    /** Where the model came from (a path or a classpath resource), for messages. */
    public String source() {
        return source;
    }

    /** The parsed model (for writers that change initializers and keep everything else). */
    ModelProto proto() {
        return model;
    }

    public GraphProto graph() {
        return model.getGraph();
    }

    public List<NodeProto> nodes() {
        return model.getGraph().getNodeList();
    }

    /** The producer recorded in the file ("pytorch 2.1", ...). */
    public String producer() {
        return (model.getProducerName() + " " + model.getProducerVersion()).trim();
    }

    /** True if {@code name} is an initializer or a Constant node's output. */
    public boolean isConstant(String name) {
        return constants.containsKey(name);
    }

    /** Names of all constants (initializers first, in file order). */
    public Iterable<String> constantNames() {
        return constants.keySet();
    }

    /** Dimensions of a constant without decoding its data. */
    public long[] constantDims(String name) {
        return requireProto(name).getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The constant {@code name} decoded into a tensor of the matching dtype (DOUBLE becomes F32). */
    public Tensor constant(String name) {
        return decode(requireProto(name));
    }

    private TensorProto requireProto(String name) {
        TensorProto t = constants.get(name);
        if (t == null) {
            throw new BadInputException(source + ": the graph has no initializer or Constant named '" + name + "'");
        }
        return t;
    }

    private Tensor decode(TensorProto t) {
        Shape shape;
        try {
            shape = Shape.ofLongs(t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(source + ": tensor '" + t.getName() + "' has invalid dims " + t.getDimsList());
        }
        int type = t.getDataType();
        DType dtype = switch (type) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.DOUBLE_VALUE -> DType.F32;
            case TensorProto.DataType.FLOAT16_VALUE -> DType.F16;
            case TensorProto.DataType.BFLOAT16_VALUE -> DType.BF16;
            case TensorProto.DataType.INT8_VALUE -> DType.I8;
            case TensorProto.DataType.UINT8_VALUE -> DType.U8;
            case TensorProto.DataType.INT32_VALUE -> DType.I32;
            case TensorProto.DataType.INT64_VALUE -> DType.I64;
            default -> throw new BadInputException(source + ": tensor '" + t.getName() + "' has ONNX data_type "
                    + type + "; supported: FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8, UINT8, INT32, INT64");
        };
        long n = shape.numel();
        ByteBuffer raw = rawBytes(t);
        if (type == TensorProto.DataType.DOUBLE_VALUE) {
            float[] f = new float[Math.toIntExact(n)];
            if (raw != null) {
                requireBytes(t, raw, n * 8);
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) raw.getDouble(i * 8);
                }
            } else {
                requireCount(t, t.getDoubleDataCount(), n);
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) t.getDoubleData(i);
                }
            }
            return Tensor.wrap(f, shape.dims());
        }
        if (raw != null) {
            requireBytes(t, raw, n * dtype.byteSize());
            if (dtype == DType.F32) {
                float[] f = new float[Math.toIntExact(n)];
                raw.asFloatBuffer().get(f);
                return Tensor.wrap(f, shape.dims());
            }
            Tensor out = Tensor.zeros(dtype, shape);
            MemorySegment.copy(MemorySegment.ofBuffer(raw), 0, out.segment(), 0, n * dtype.byteSize());
            return out;
        }
        // typed fields: floats in float_data; 8/16-bit ints and halves in int32_data; int64 in int64_data
        switch (dtype) {
            case F32 -> {
                requireCount(t, t.getFloatDataCount(), n);
                float[] f = new float[Math.toIntExact(n)];
                for (int i = 0; i < f.length; i++) {
                    f[i] = t.getFloatData(i);
                }
                return Tensor.wrap(f, shape.dims());
            }
            case I64 -> {
                requireCount(t, t.getInt64DataCount(), n);
                Tensor out = Tensor.zeros(dtype, shape);
                for (int i = 0; i < n; i++) {
                    out.segment().setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i,
                            t.getInt64Data(i));
                }
                return out;
            }
            default -> {
                requireCount(t, t.getInt32DataCount(), n);
                Tensor out = Tensor.zeros(dtype, shape);
                MemorySegment seg = out.segment();
                for (int i = 0; i < n; i++) {
                    int v = t.getInt32Data(i);
                    switch (dtype.byteSize()) {
                        case 1 -> seg.set(ValueLayout.JAVA_BYTE, i, (byte) v);
                        case 2 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i, (short) v);
                        default -> seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i, v);
                    }
                }
                return out;
            }
        }
    }

    /** The tensor's bytes (little-endian) if stored as raw_data or externally, else null. */
    private ByteBuffer rawBytes(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return external(t).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (t.hasRawData()) {
            ByteString b = t.getRawData();
            return b.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return null;
    }

    private ByteBuffer external(TensorProto t) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(t, e);
                case "length" -> length = parseLong(t, e);
                default -> { }
            }
        }
        if (location == null || baseDir == null) {
            throw new BadInputException(source + ": tensor '" + t.getName() + "' has external data "
                    + (location == null ? "without a 'location' entry" : "but the model was not read from a directory"));
        }
        Path file = baseDir.resolve(location).normalize();
        if (!file.startsWith(baseDir)) {
            throw new BadInputException(source + ": tensor '" + t.getName() + "' has external data outside the"
                    + " model's directory: '" + location + "'");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long len = length >= 0 ? length : ch.size() - offset;
            if (offset < 0 || len < 0 || offset + len > ch.size()) {
                throw new BadInputException(file + ": external data of tensor '" + t.getName() + "' at offset "
                        + offset + " length " + len + " lies outside the file of " + ch.size() + " bytes");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, len);
        } catch (IOException e) {
            throw new BadInputException(source + ": cannot read external data of tensor '" + t.getName() + "' from "
                    + file + ": " + e.getMessage(), e);
        }
    }

    private long parseLong(TensorProto t, StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue());
        } catch (NumberFormatException x) {
            throw new BadInputException(source + ": tensor '" + t.getName() + "' external_data '" + e.getKey()
                    + "' should be an integer, found '" + e.getValue() + "'");
        }
    }

    private void requireBytes(TensorProto t, ByteBuffer raw, long need) {
        if (raw.remaining() != need) {
            throw new BadInputException(source + ": tensor '" + t.getName() + "' of dims " + t.getDimsList()
                    + " needs " + need + " bytes of data but has " + raw.remaining());
        }
    }

    private void requireCount(TensorProto t, int have, long need) {
        if (have != need) {
            throw new BadInputException(source + ": tensor '" + t.getName() + "' of dims " + t.getDimsList()
                    + " needs " + need + " values but has " + have);
        }
    }
}
