/**
 * Text for language models: tokenizers (llama2.c's own, and Hugging Face {@code tokenizer.json}
 * through DJL's binding of the Rust tokenizers), corpora read from .txt/.jsonl files, token
 * streams and the windows cut from them for evaluation and calibration.
 *
 * <p>May use {@code core} and {@code tensor}.
 */
package dev.prune4j.text;
