/**
 * What every layer shares: the bad-input exception (exit code 2 at the CLI) and version facts
 * for provenance. Depends on nothing else in prune4j.
 */
package dev.prune4j.core;
