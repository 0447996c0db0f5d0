/**
 * Pictures for reports and results: plots written as PNG files (through XChart), atomically.
 * May use {@code core}; knows nothing about models or pruning — callers hand it numbers.
 */
package dev.prune4j.report;
