/**
 * BERT-family encoders (BERT, all-MiniLM, BGE, E5): configuration, weights, the forward pass
 * (post-LayerNorm blocks, exact GELU, padding-free attention over packed sequences) and sentence
 * embeddings (mean or CLS pooling + L2 normalisation, as sentence-transformers does).
 *
 * <p>Reference: Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers for Language
 * Understanding" (NAACL 2019); Reimers and Gurevych, "Sentence-BERT" (EMNLP 2019) for pooling.
 *
 * <p>May use {@code core}, {@code tensor}, {@code kernels}, {@code io} and {@code text}.
 */
package dev.prune4j.model.bert;
