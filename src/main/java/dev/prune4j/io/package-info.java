/**
 * Reading and writing model files: safetensors (single and sharded, memory-mapped), Hugging Face
 * checkpoint directories ({@code config.json} + weights) and llama2.c {@code .bin} checkpoints.
 * Readers validate everything they take from a file and throw
 * {@link dev.prune4j.core.BadInputException} naming the file, the tensor or field, what was
 * expected and what was found. Writers write to a temporary file in the target directory and
 * rename it atomically at the end.
 *
 * <p>May use {@code core} and {@code tensor} (and Jackson for JSON headers); nothing above.
 */
package dev.prune4j.io;
