package dev.prune4j.io.onnx;

import com.google.protobuf.ByteString;
import dev.prune4j.core.BadInputException;
import dev.prune4j.io.onnx.proto.OnnxSubset.GraphProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.ModelProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.NodeProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.StringStringEntryProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.TensorProto;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX reading on small models written here with the generated protobuf classes. */
class OnnxFileTest {
    @TempDir
    Path dir;

    private static ByteString le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return ByteString.copyFrom(b.array());
    }

    private static TensorProto.Builder tensor(String name, TensorProto.DataType type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private Path write(GraphProto.Builder g) throws IOException {
        Path p = dir.resolve("m.onnx");
        Files.write(p, ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray());
        return p;
    }

    private static NodeProto node(String op, String name, String[] in, String... out) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : in) {
            n.addInput(i);
        }
        for (String o : out) {
            n.addOutput(o);
        }
        return n.build();
    }

    @Test
    void decodesEveryStorageForm() throws IOException {
        // external data: bytes 8..16 of a side file hold two floats
        ByteBuffer side = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(9).putFloat(9).putFloat(1.5f).putFloat(-2);
        Files.write(dir.resolve("weights.bin"), side.array());
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(node("Identity", "n", new String[] {"raw"}, "y"))
                .addInitializer(tensor("raw", TensorProto.DataType.FLOAT, 2, 2).setRawData(le(1, 2, 3, 4)))
                .addInitializer(tensor("typed", TensorProto.DataType.FLOAT, 3).addFloatData(5).addFloatData(6).addFloatData(7))
                .addInitializer(tensor("i64", TensorProto.DataType.INT64, 2).addInt64Data(-3).addInt64Data(1L << 40))
                .addInitializer(tensor("i8", TensorProto.DataType.INT8, 3).addInt32Data(-128).addInt32Data(0).addInt32Data(127))
                .addInitializer(tensor("ext", TensorProto.DataType.FLOAT, 2)
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("8"))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("8")));
        OnnxFile f = OnnxFile.read(write(g));
        assertArrayEquals(new float[] {1, 2, 3, 4}, f.constant("raw").toFloatArray());
        assertArrayEquals(new int[] {2, 2}, f.constant("raw").shape().dims());
        assertArrayEquals(new float[] {5, 6, 7}, f.constant("typed").toFloatArray());
        Tensor i64 = f.constant("i64");
        assertEquals(DType.I64, i64.dtype());
        assertEquals(1L << 40, i64.getLong(1));
        assertEquals(-3, i64.getLong(0));
        Tensor i8 = f.constant("i8");
        assertEquals(DType.I8, i8.dtype());
        assertArrayEquals(new float[] {-128, 0, 127}, i8.toFloatArray());
        assertArrayEquals(new float[] {1.5f, -2}, f.constant("ext").toFloatArray());
    }

    @Test
    void wrongDataLengthIsNamed() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addNode(node("Identity", "n", new String[] {"w"}, "y"))
                .addInitializer(tensor("w", TensorProto.DataType.FLOAT, 3).setRawData(le(1, 2)));
        OnnxFile f = OnnxFile.read(write(g));
        BadInputException e = assertThrows(BadInputException.class, () -> f.constant("w"));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("needs 12 bytes of data but has 8"), e.getMessage());
    }

    @Test
    void garbageAndTruncatedFilesAreNotOnnx() throws IOException {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "this is not a protobuf at all\n");
        BadInputException e = assertThrows(BadInputException.class, () -> OnnxFile.read(junk));
        assertTrue(e.getMessage().startsWith(junk + ": not an ONNX model"), e.getMessage());
        byte[] whole = ModelProto.newBuilder().setIrVersion(8).setGraph(GraphProto.newBuilder()
                .addNode(node("Identity", "n", new String[] {"w"}, "y"))
                .addInitializer(tensor("w", TensorProto.DataType.FLOAT, 64).setRawData(le(new float[64])))).build().toByteArray();
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(BadInputException.class, () -> OnnxFile.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": not an ONNX model"), e.getMessage());
    }

    @Test
    void importNamesMatMulWeightsTransposesAndDequantizes() throws IOException {
        Rng rng = new Rng(7);
        float[] w = new float[3 * 2]; // [in=3, out=2] as the exporter stores it
        rng.fillUniform(w, -1, 1);
        byte[] q = {-5, 3, 127, -128, 0, 9}; // int8 [in=3, out=2], per-column scales and zero points
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(tensor("embeddings.word_embeddings.weight", TensorProto.DataType.FLOAT, 1, 2).setRawData(le(1, 2)))
                .addInitializer(tensor("encoder.layer.0.attention.self.query.bias", TensorProto.DataType.FLOAT, 2).setRawData(le(0, 0)))
                .addInitializer(tensor("encoder.layer.0.attention.self.key.bias", TensorProto.DataType.FLOAT, 2).setRawData(le(0, 0)))
                .addInitializer(tensor("onnx::MatMul_11", TensorProto.DataType.FLOAT, 3, 2).setRawData(le(w)))
                .addInitializer(tensor("onnx::MatMul_12_quantized", TensorProto.DataType.INT8, 3, 2).setRawData(ByteString.copyFrom(q)))
                .addInitializer(tensor("onnx::MatMul_12_scale", TensorProto.DataType.FLOAT, 2).setRawData(le(0.5f, 0.25f)))
                .addInitializer(tensor("onnx::MatMul_12_zero_point", TensorProto.DataType.INT8, 2).setRawData(ByteString.copyFrom(new byte[] {1, -2})))
                // named by its module path
                .addNode(node("MatMul", "/encoder/layer.0/attention/self/query/MatMul", new String[] {"x", "onnx::MatMul_11"}, "q"))
                // anonymous node: named after the bias added to its (dequantized) output
                .addNode(node("MatMulInteger", "mmi", new String[] {"xq", "onnx::MatMul_12_quantized", "xz", "onnx::MatMul_12_zero_point"}, "ki"))
                .addNode(node("Cast", "c", new String[] {"ki"}, "kf"))
                .addNode(node("Mul", "m", new String[] {"kf", "s"}, "k"))
                .addNode(node("Add", "a", new String[] {"encoder.layer.0.attention.self.key.bias", "k"}, "k2"));
        OnnxBertImport.Result r = OnnxBertImport.read(OnnxFile.read(write(g)));
        Map<String, Tensor> m = r.weights();
        Tensor query = m.get("encoder.layer.0.attention.self.query.weight");
        assertArrayEquals(new int[] {2, 3}, query.shape().dims());
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(w[i * 2 + o], query.get(o, i));
            }
        }
        Tensor key = m.get("encoder.layer.0.attention.self.key.weight");
        float[] scale = {0.5f, 0.25f};
        int[] zp = {1, -2};
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                assertEquals((q[i * 2 + o] - zp[o]) * scale[o], key.get(o, i), 0f);
            }
        }
        assertTrue(r.quantized());
    }

    @Test
    void graphWithoutBertWeightsIsAClearError() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addNode(node("Relu", "r", new String[] {"x"}, "y"))
                .addInitializer(tensor("conv1.weight", TensorProto.DataType.FLOAT, 2).setRawData(le(1, 2)));
        OnnxFile f = OnnxFile.read(write(g));
        BadInputException e = assertThrows(BadInputException.class, () -> OnnxBertImport.read(f));
        assertTrue(e.getMessage().contains("not a BERT-family encoder"), e.getMessage());
    }
}
