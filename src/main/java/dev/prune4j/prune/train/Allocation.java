package dev.prune4j.prune.train;

/**
 * How a sparsity budget is spread over layers (Han et al. 2015 discuss both): the same fraction
 * in every layer, or one threshold over all layers' scores (layers end up with different
 * sparsities).
 */
public enum Allocation { LAYER, GLOBAL }
