package dev.prune4j.text;

import dev.prune4j.core.BadInputException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The tokenizer of llama2.c ({@code tokenizer.bin} / {@code tok512.bin}): a SentencePiece-style
 * BPE vocabulary with scores. Encoding: optional BOS, a dummy-prefix space token when the text is
 * non-empty, each UTF-8 code point looked up (bytes of unknown code points fall back to the
 * byte tokens, id = byte + 3), then repeatedly merge the adjacent pair whose concatenation is in
 * the vocabulary with the highest score (the leftmost on ties). Decoding: the leading space of
 * the piece after BOS is dropped and {@code <0xXX>} pieces become raw bytes.
 *
 * <p>File: int32 max_token_length, then per token float32 score, int32 byte length, bytes.
 */
public final class Llama2cTokenizer implements Tokenizer {
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;

    private final Path file;
    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>(); // piece bytes as ISO-8859-1 → first id
    private final Map<Long, Integer> merges = new java.util.concurrent.ConcurrentHashMap<>(); // (a, b) → merged id or -1

    private Llama2cTokenizer(Path file, byte[][] pieces, float[] scores) {
        this.file = file;
        this.pieces = pieces;
        this.scores = scores;
        for (int i = 0; i < pieces.length; i++) {
            ids.putIfAbsent(key(pieces[i]), i);
        }
    }

    /** Reads a llama2.c tokenizer; the vocabulary size follows from the file. */
    public static Llama2cTokenizer read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 4) {
            throw new BadInputException(file + ": not a llama2.c tokenizer: " + all.length + " bytes");
        }
        int maxLen = b.getInt();
        List<byte[]> p = new ArrayList<>();
        List<Float> s = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 8) {
                throw new BadInputException(file + ": llama2.c tokenizer truncated inside token " + p.size());
            }
            float score = b.getFloat();
            int len = b.getInt();
            if (len < 0 || len > b.remaining() || (maxLen > 0 && len > maxLen)) {
                throw new BadInputException(file + ": llama2.c tokenizer token " + p.size() + " has length " + len
                        + " (max_token_length " + maxLen + ", " + b.remaining() + " bytes left)");
            }
            byte[] piece = new byte[len];
            b.get(piece);
            p.add(piece);
            s.add(score);
        }
        if (p.size() < 259) {
            throw new BadInputException(file + ": llama2.c tokenizer has " + p.size()
                    + " tokens; expected at least 259 (<unk>, BOS, EOS and 256 byte tokens)");
        }
        float[] sc = new float[s.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = s.get(i);
        }
        return new Llama2cTokenizer(file, p.toArray(new byte[0][]), sc);
    }

    private static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public int[] encode(String text, Bos bos) {
        List<Integer> out = new ArrayList<>();
        if (bos == Bos.ADD) {
            out.add(BOS);
        }
        List<Integer> toks = new ArrayList<>();
        if (!text.isEmpty()) {
            toks.add(lookup(" "));
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; ) {
            int len = utf8Length(utf8[i]);
            int end = Math.min(utf8.length, i + len);
            Integer id = ids.get(new String(utf8, i, end - i, StandardCharsets.ISO_8859_1));
            if (id != null) {
                toks.add(id);
            } else {
                for (int j = i; j < end; j++) {
                    toks.add((utf8[j] & 0xFF) + 3);
                }
            }
            i = end;
        }
        out.addAll(merge(toks));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Applies merges in llama2.c's order — always the highest-scoring adjacent pair, the leftmost
     * on ties — with a heap over a linked list instead of rescanning (O(n log n), not O(n²)).
     */
    private List<Integer> merge(List<Integer> toks) {
        int n = toks.size();
        int[] id = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = toks.get(i);
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        boolean[] dead = new boolean[n];
        // candidate: {left node, right node, left id, right id, merged id}; best score first, then leftmost
        PriorityQueue<int[]> heap = new PriorityQueue<>((a, b) -> {
            int c = Float.compare(scores[b[4]], scores[a[4]]);
            return c != 0 ? c : Integer.compare(a[0], b[0]);
        });
        for (int i = 0; i + 1 < n; i++) {
            offer(heap, i, i + 1, id);
        }
        while (!heap.isEmpty()) {
            int[] c = heap.poll();
            int l = c[0];
            int r = c[1];
            if (dead[l] || dead[r] || next[l] != r || id[l] != c[2] || id[r] != c[3]) {
                continue; // stale: one side was merged since
            }
            id[l] = c[4];
            dead[r] = true;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(heap, prev[l], l, id);
            }
            if (next[l] >= 0) {
                offer(heap, l, next[l], id);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!dead[i]) {
                out.add(id[i]);
            }
        }
        return out;
    }

    private void offer(PriorityQueue<int[]> heap, int l, int r, int[] id) {
        int m = mergeOf(id[l], id[r]);
        if (m >= 0) {
            heap.add(new int[] {l, r, id[l], id[r], m});
        }
    }

    /** Id of the concatenation of two tokens' pieces, or -1 (cached). */
    private int mergeOf(int a, int b) {
        long k = (long) a * pieces.length + b; // distinct per pair, and hashes well (Long.hashCode of ((long) a << 32) | b is a ^ b)
        Integer m = merges.get(k);
        if (m == null) {
            Integer found = ids.get(key(pieces[a]) + key(pieces[b]));
            m = found == null ? -1 : found;
            merges.put(k, m);
        }
        return m;
    }

    private int lookup(String piece) {
        Integer id = ids.get(piece);
        if (id == null) {
            throw new BadInputException(file + ": llama2.c tokenizer has no token for '" + piece + "'");
        }
        return id;
    }

    /** Byte length of a UTF-8 sequence from its lead byte (continuation or invalid bytes: 1). */
    private static int utf8Length(byte lead) {
        int b = lead & 0xFF;
        if (b >= 0xF0 && b < 0xF8) {
            return 4;
        }
        if (b >= 0xE0) {
            return b < 0xF0 ? 3 : 1;
        }
        return b >= 0xC0 ? 2 : 1;
    }

    /** The bytes of one token as it follows {@code prev} in llama2.c's decoding. */
    public byte[] pieceBytes(int prev, int token) {
        byte[] p = pieces[token];
        if (prev == BOS && p.length > 0 && p[0] == ' ') {
            p = java.util.Arrays.copyOfRange(p, 1, p.length);
        }
        if (p.length == 6 && p[0] == '<' && p[1] == '0' && p[2] == 'x' && p[5] == '>') {
            try {
                return new byte[] {(byte) Integer.parseInt(new String(p, 3, 2, StandardCharsets.US_ASCII), 16)};
            } catch (NumberFormatException ignored) {
                // an ordinary piece that looks like one
            }
        }
        return p;
    }

    @Override
    public String decode(int[] tokens, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            int t = tokens[i];
            if (t == BOS || t == EOS) {
                continue;
            }
            int prev = i > 0 ? tokens[i - 1] : BOS;
            bytes.writeBytes(pieceBytes(prev, t));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public String describe() {
        return "llama2.c tokenizer " + file.getFileName() + " (" + pieces.length + " tokens; BOS=1, dummy-prefix space, byte fallback)";
    }
}
