package dev.prune4j.model.bert;

/**
 * How token states become one sentence vector (before L2 normalisation).
 * MEAN: average over the sequence's tokens, [CLS] and [SEP] included (sentence-transformers'
 * mean pooling with the attention mask; all-MiniLM, E5). CLS: the state of the first token (BGE).
 */
public enum Pooling {
    MEAN, CLS
}
