package dev.prune4j.sparse;

/** The packed layouts prune4j can run. */
public enum SparseFormat {
    /** Plain row-major float32: the fallback when no sparse layout is faster. */
    DENSE,
    /** Compressed sparse rows: row pointers, 16-bit column indices (32-bit when cols > 65536), values. */
    CSR,
    /** One bit per weight (row-aligned 64-bit words) plus the non-zeros packed row by row. */
    BITMASK,
    /** N of every M consecutive weights kept: N values per group plus ceil(log2 M)-bit positions. */
    N_OF_M,
    /** 1×8 blocks: any block with a non-zero is stored as 8 dense values plus its block index. */
    BLOCK
}
