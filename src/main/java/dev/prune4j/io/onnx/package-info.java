/**
 * ONNX import: reads a {@code .onnx} model (protobuf, parsed by protobuf-java from prune4j's own
 * subset of the ONNX schema in {@code src/main/protobuf}) and turns its initializers into named
 * weight tensors. {@link dev.prune4j.io.onnx.OnnxBertImport} traces a BERT-family encoder's graph
 * to give each initializer its Hugging Face parameter name and [out, in] layout, dequantizing the
 * weights of int8 exports.
 *
 * <p>May use {@code core}, {@code tensor} and protobuf-java; nothing above {@code io}.
 */
package dev.prune4j.io.onnx;
