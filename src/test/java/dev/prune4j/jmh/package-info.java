/**
 * JMH microbenchmarks of the kernels (not run by the unit tests). Run them with
 * {@code bench/jmh.sh}, which uses the test classpath and the pom's JVM flags. May use
 * everything in prune4j plus JMH.
 */
package dev.prune4j.jmh;
