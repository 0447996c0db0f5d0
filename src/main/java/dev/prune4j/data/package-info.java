/**
 * Labelled image data for training and evaluation: the IDX format of (Fashion-)MNIST and an
 * in-memory {@link dev.prune4j.data.ImageDataset}. May use {@code core} and {@code tensor}.
 */
package dev.prune4j.data;
