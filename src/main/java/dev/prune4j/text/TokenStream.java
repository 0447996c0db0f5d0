package dev.prune4j.text;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The token ids of a whole corpus in order, each document encoded separately (with BOS when
 * asked) and concatenated; the source of evaluation and calibration windows.
 */
public record TokenStream(int[] ids, String description) {
    /** Encodes every document of {@code corpus} and concatenates the ids in order. */
    public static TokenStream encode(Corpus corpus, Tokenizer tokenizer, Tokenizer.Bos bos) {
        int[][] parts = new int[corpus.documents().size()][];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = tokenizer.encode(corpus.documents().get(i), bos);
            n += parts[i].length;
        }
        int[] ids = new int[n];
        int p = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, ids, p, part.length);
            p += part.length;
        }
        String how = "each document encoded as " + (bos == Tokenizer.Bos.ADD ? "BOS + " : "") + "ids by "
                + tokenizer.describe() + "; concatenated in file order";
        return new TokenStream(ids, how);
    }

    public int length() {
        return ids.length;
    }

    /** sha256 of all ids as int32 little-endian, hex: identifies the exact stream. */
    public String sha256() {
        ByteBuffer b = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            b.putInt(id);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
