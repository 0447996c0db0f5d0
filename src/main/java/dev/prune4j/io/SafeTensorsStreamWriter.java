package dev.prune4j.io;

import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file whose tensors arrive one at a time, in any order, without holding
 * them: names, dtypes and shapes are declared up front, so the header and every tensor's offset
 * are fixed before the first byte of data. Data goes to a temporary file in the target's
 * directory, which {@link #commit()} checks (every tensor written once), flushes and renames over
 * the target; {@link #close()} without a commit deletes it, so no partial file is ever left
 * under the target name.
 */
public final class SafeTensorsStreamWriter implements AutoCloseable {
    /** One declared tensor. */
    public record Spec(String name, DType dtype, Shape shape) {
    }

    private final Path target;
    private final Path tmp;
    private final FileChannel ch;
    private final long dataStart;
    private final Map<String, SafeTensors.Entry> entries = new LinkedHashMap<>();
    private final Map<String, Boolean> written = new LinkedHashMap<>();
    private boolean committed;

    private SafeTensorsStreamWriter(Path target, Path tmp, FileChannel ch, long dataStart, List<SafeTensors.Entry> entries) {
        this.target = target;
        this.tmp = tmp;
        this.ch = ch;
        this.dataStart = dataStart;
        for (SafeTensors.Entry e : entries) {
            this.entries.put(e.name(), e);
            this.written.put(e.name(), false);
        }
    }

    /** Opens a writer for {@code specs} (data in this order) with {@code metadata}. */
    public static SafeTensorsStreamWriter open(Path file, List<Spec> specs, Map<String, String> metadata) {
        List<SafeTensors.Entry> list = new ArrayList<>();
        long pos = 0;
        for (Spec s : specs) {
            long bytes = s.shape().numel() * s.dtype().byteSize();
            list.add(new SafeTensors.Entry(s.name(), s.dtype(), s.shape(), pos, pos + bytes));
            pos += bytes;
        }
        byte[] head = SafeTensors.headerBytes(list, metadata);
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            SafeTensors.writeAll(ch, ByteBuffer.wrap(head));
            return new SafeTensorsStreamWriter(target, tmp, ch, head.length, list);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes tensor {@code name} (its declared dtype and shape) at its place in the file. */
    public void put(String name, Tensor t) {
        SafeTensors.Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(target + ": tensor '" + name + "' was not declared");
        }
        if (t.dtype() != e.dtype() || !t.shape().equals(e.shape())) {
            throw new IllegalArgumentException(target + ": tensor '" + name + "' declared " + e.dtype() + " " + e.shape()
                    + ", given " + t.dtype() + " " + t.shape());
        }
        if (written.put(name, true)) {
            throw new IllegalStateException(target + ": tensor '" + name + "' written twice");
        }
        MemorySegment src = SafeTensors.littleEndianBytes(t);
        byte[] chunk = new byte[(int) Math.min(1 << 20, Math.max(1, src.byteSize()))];
        MemorySegment chunkSeg = MemorySegment.ofArray(chunk);
        try {
            for (long off = 0; off < src.byteSize(); off += chunk.length) {
                int n = (int) Math.min(chunk.length, src.byteSize() - off);
                MemorySegment.copy(src, off, chunkSeg, 0, n);
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                long pos = dataStart + e.begin() + off;
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
            }
        } catch (IOException x) {
            throw new UncheckedIOException("could not write " + target + ": " + x.getMessage(), x);
        }
    }

    /** Checks every declared tensor was written, flushes and renames the file into place. */
    public void commit() {
        List<String> missing = written.entrySet().stream().filter(x -> !x.getValue()).map(Map.Entry::getKey).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(target + ": tensors never written: " + missing);
        }
        try {
            ch.force(true);
            ch.close();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Bytes the finished file has. */
    public long fileBytes() {
        long end = entries.values().stream().mapToLong(SafeTensors.Entry::end).max().orElse(0);
        return dataStart + end;
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // deleting matters more
            }
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
