package dev.prune4j.io.onnx;

import dev.prune4j.core.BadInputException;
import dev.prune4j.io.onnx.proto.OnnxSubset.AttributeProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.NodeProto;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the initializers of a BERT-family encoder exported to ONNX (torch.onnx / optimum, as
 * shipped in langchain4j's embedding jars) into Hugging Face-named weights in prune4j's layout.
 *
 * <p>Most parameters keep their PyTorch names in the export ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.0.attention.self.query.bias}). The linear layers' weights do not: the exporter
 * folds the transpose of {@code x·Wᵀ} into a {@code MatMul} whose right operand is an anonymous
 * initializer ({@code onnx::MatMul_787}) of shape [in, out]. We find each such MatMul (or the
 * {@code MatMulInteger} of a dynamically quantized export), name the weight after the node's module
 * path ({@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query.weight})
 * or, failing that, after the bias added to its output, and transpose it to [out, in].
 *
 * <p>Int8 exports (onnxruntime dynamic quantization) store weights as {@code X_quantized} (int8 or
 * uint8), {@code X_scale} and {@code X_zero_point}; they are dequantized here to float32,
 * {@code w = (q − zero_point)·scale}, per tensor or per output column. (ONNX Runtime also quantizes the
 * activations of such a model on the fly; prune4j computes with the dequantized float weights, so its
 * output is close to, not identical with, ONNX Runtime's for int8 models.)
 */
public final class OnnxBertImport {
    private OnnxBertImport() {
    }

    /**
     * Weights named as in Hugging Face ({@code [out, in]} linear weights, float32) and the
     * configuration the graph reveals, in {@code config.json} keys: {@code num_attention_heads},
     * {@code layer_norm_eps}, {@code hidden_act}, where found.
     */
    public record Result(Map<String, Tensor> weights, Map<String, Object> config, boolean quantized,
                         Map<String, Origin> origins) {
    }

    /**
     * Where a float weight came from in the graph: the initializer (or Constant) {@code constant},
     * stored transposed ([in, out]) when {@code transposed}. Quantized weights have no origin.
     */
    public record Origin(String constant, boolean transposed) {
    }

    /** Imports a BERT-family encoder; a graph that is not one is a {@link BadInputException}. */
    public static Result read(OnnxFile f) {
        Map<String, NodeProto> producer = new HashMap<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : f.nodes()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
            for (String i : n.getInputList()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Tensor> weights = new TreeMap<>();
        Map<String, Origin> origins = new TreeMap<>();
        boolean quantized = false;
        // 1. parameters that kept their PyTorch names (float, or quantized with scale and zero point)
        for (String name : f.constantNames()) {
            if (name.startsWith("onnx::") || name.startsWith("/") || !name.contains(".")) {
                continue;
            }
            if (name.endsWith("_quantized")) {
                String base = name.substring(0, name.length() - "_quantized".length());
                weights.put(base, dequantize(f, base, -1));
                quantized = true;
            } else if (!name.endsWith("_scale") && !name.endsWith("_zero_point") && !name.endsWith("position_ids")) {
                weights.put(name, f.constant(name).toF32());
                origins.put(name, new Origin(name, false));
            }
        }
        // 2. linear weights behind MatMul / MatMulInteger nodes
        for (NodeProto n : f.nodes()) {
            boolean integer = n.getOpType().equals("MatMulInteger");
            if (!(integer || n.getOpType().equals("MatMul")) || n.getInputCount() < 2) {
                continue;
            }
            String wName = n.getInput(1);
            Tensor w; // [in, out]
            if (integer) {
                if (!wName.endsWith("_quantized") || !f.isConstant(wName)) {
                    continue;
                }
                w = dequantize(f, wName.substring(0, wName.length() - "_quantized".length()), 1);
                quantized = true;
            } else if (f.isConstant(wName) && f.constantDims(wName).length == 2) {
                w = f.constant(wName).toF32();
            } else {
                continue;
            }
            String module = moduleOf(f, n, consumers);
            weights.put(module + ".weight", transpose(w));
            if (!integer) {
                origins.put(module + ".weight", new Origin(wName, true));
            }
        }
        if (!weights.containsKey("embeddings.word_embeddings.weight")
                && !weights.containsKey("bert.embeddings.word_embeddings.weight")) {
            throw new BadInputException(f.source() + ": not a BERT-family encoder: no initializer named"
                    + " 'embeddings.word_embeddings.weight' (found " + weights.size() + " named weights"
                    + (weights.isEmpty() ? "" : ", e.g. '" + weights.keySet().iterator().next() + "'") + ")");
        }
        return new Result(weights, graphConfig(f, producer), quantized, origins);
    }

    /** The Hugging Face module path of a linear layer's MatMul. */
    private static String moduleOf(OnnxFile f, NodeProto matmul, Map<String, List<NodeProto>> consumers) {
        String node = matmul.getName();
        int cut = node.lastIndexOf('/');
        if (node.startsWith("/") && cut > 0 && node.substring(cut + 1).startsWith("MatMul")) {
            String module = node.substring(1, cut).replace('/', '.');
            if (f.isConstant(module + ".bias")) {
                return module;
            }
        }
        // follow the output through Cast/Mul (dequantization) to the Add of a named bias
        String value = matmul.getOutput(0);
        for (int hop = 0; hop < 4; hop++) {
            List<NodeProto> next = consumers.getOrDefault(value, List.of());
            if (next.size() != 1) {
                break;
            }
            NodeProto c = next.get(0);
            if (c.getOpType().equals("Add")) {
                for (String in : c.getInputList()) {
                    if (in.endsWith(".bias") && f.isConstant(in)) {
                        return in.substring(0, in.length() - ".bias".length());
                    }
                }
                break;
            }
            if (!(c.getOpType().equals("Cast") || c.getOpType().equals("Mul"))) {
                break;
            }
            value = c.getOutput(0);
        }
        throw new BadInputException(f.source() + ": cannot tell which layer the weight '" + matmul.getInput(1)
                + "' of node '" + node + "' belongs to: its node name is not a module path and its output"
                + " does not reach a named bias");
    }

    /**
     * Dequantizes {@code base_quantized} with {@code base_scale} and {@code base_zero_point}; a
     * per-channel scale runs along {@code axis} (-1: the scale must be a scalar or match dim 0).
     */
    private static Tensor dequantize(OnnxFile f, String base, int axis) {
        Tensor q = f.constant(base + "_quantized");
        float[] scale = f.constant(base + "_scale").toFloatArray();
        Tensor zpT = f.isConstant(base + "_zero_point") ? f.constant(base + "_zero_point") : null;
        if (q.dtype() != DType.I8 && q.dtype() != DType.U8) {
            throw new BadInputException(f.source() + ": quantized weight '" + base + "_quantized' should be int8 or"
                    + " uint8, found " + q.dtype());
        }
        float[] zp = zpT == null ? new float[] {0f} : zpT.toFloatArray();
        if (zp.length != scale.length) {
            throw new BadInputException(f.source() + ": '" + base + "_scale' has " + scale.length + " values but '"
                    + base + "_zero_point' has " + zp.length);
        }
        float[] v = q.toFloatArray();
        int[] dims = q.shape().dims();
        int rows = dims.length == 2 ? dims[0] : 1;
        int cols = (int) (v.length / Math.max(1, rows));
        int ax = axis < 0 ? 0 : axis;
        if (scale.length != 1 && (dims.length != 2 || scale.length != dims[ax])) {
            throw new BadInputException(f.source() + ": '" + base + "_scale' has " + scale.length
                    + " values; expected 1 or one per channel of " + q.shape());
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int s = scale.length == 1 ? 0 : (ax == 0 ? r : c);
                int i = r * cols + c;
                v[i] = (v[i] - zp[s]) * scale[s];
            }
        }
        return Tensor.wrap(v, dims);
    }

    private static Tensor transpose(Tensor w) {
        // w: [in, out] → t: [out, in]
        int in = w.dim(0);
        int out = w.dim(1);
        float[] src = w.toF32().toFloatArray();
        float[] t = new float[src.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                t[o * in + i] = src[i * out + o];
            }
        }
        return Tensor.wrap(t, out, in);
    }

    /** Heads, LayerNorm epsilon and activation, read from the constants of the exported graph. */
    private static Map<String, Object> graphConfig(OnnxFile f, Map<String, NodeProto> producer) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        for (NodeProto n : f.nodes()) {
            String name = n.getName();
            if (!cfg.containsKey("num_attention_heads") && n.getOpType().equals("Reshape")
                    && name.contains("/attention/self/Reshape") && n.getInputCount() == 2) {
                // target shape = Concat(batch, seq, heads, head_size): the two constant entries
                NodeProto concat = producer.get(n.getInput(1));
                if (concat != null && concat.getOpType().equals("Concat") && concat.getInputCount() == 4
                        && f.isConstant(concat.getInput(2))) {
                    cfg.put("num_attention_heads", (int) f.constant(concat.getInput(2)).toFloatArray()[0]);
                }
            }
            if (!cfg.containsKey("layer_norm_eps")) {
                if (n.getOpType().equals("LayerNormalization")) {
                    for (AttributeProto a : n.getAttributeList()) {
                        if (a.getName().equals("epsilon")) {
                            cfg.put("layer_norm_eps", (double) a.getF());
                        }
                    }
                } else if (n.getOpType().equals("Add") && name.endsWith("LayerNorm/Add")) {
                    for (String in : n.getInputList()) {
                        if (f.isConstant(in) && f.constantDims(in).length == 0) {
                            cfg.put("layer_norm_eps", (double) f.constant(in).toFloatArray()[0]);
                        }
                    }
                }
            }
            if (!cfg.containsKey("hidden_act") && name.contains("intermediate_act_fn")) {
                if (n.getOpType().equals("Erf")) {
                    cfg.put("hidden_act", "gelu");
                } else if (n.getOpType().equals("Tanh")) {
                    cfg.put("hidden_act", "gelu_new");
                }
            }
        }
        return cfg;
    }
}
