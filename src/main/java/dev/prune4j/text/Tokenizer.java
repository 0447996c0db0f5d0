package dev.prune4j.text;

/** Text to token ids and back. */
public interface Tokenizer {
    /** Whether {@link #encode} puts the beginning-of-sequence token first. */
    enum Bos { ADD, OMIT }

    /** Token ids of {@code text}. */
    int[] encode(String text, Bos bos);

    /** The text of {@code ids} (special tokens such as BOS dropped). */
    String decode(int[] ids, int from, int to);

    default String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /** Id of the beginning-of-sequence token, or -1 if there is none. */
    int bosId();

    /** Number of ids. */
    int vocabSize();

    /** What this tokenizer is (file and kind), for protocols printed next to numbers. */
    String describe();
}
