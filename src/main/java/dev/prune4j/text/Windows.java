package dev.prune4j.text;

import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which windows of a {@link TokenStream} a model sees: {@code count} windows of {@code length}
 * tokens, either {@link Placement#STRIDED} ({@code start}, {@code start + stride}, ...) or
 * {@link Placement#RANDOM} (starts drawn uniformly with {@code seed}, as calibration sets are
 * usually drawn). Windows are fed as they are: no BOS is inserted at their starts.
 */
public record Windows(int length, int count, int start, int stride, Placement placement, long seed) {
    /** Where windows start. */
    public enum Placement { STRIDED, RANDOM }

    public Windows {
        if (length < 2) {
            throw new BadInputException("--window must be at least 2 tokens, found " + length);
        }
        if (count < 1) {
            throw new BadInputException("--windows must be at least 1, found " + count);
        }
        if (start < 0) {
            throw new BadInputException("--start must be >= 0, found " + start);
        }
        if (stride < 1) {
            throw new BadInputException("--stride must be at least 1, found " + stride);
        }
    }

    /** Back-to-back windows from token 0. */
    public static Windows strided(int length, int count) {
        return new Windows(length, count, 0, length, Placement.STRIDED, 0);
    }

    /** {@code count} windows at random starts, drawn with {@code seed}. */
    public static Windows random(int length, int count, long seed) {
        return new Windows(length, count, 0, length, Placement.RANDOM, seed);
    }

    /** Start offsets in the stream. */
    public int[] starts(TokenStream stream) {
        int last = stream.length() - length; // largest valid start
        int[] s = new int[count];
        if (placement == Placement.STRIDED) {
            long end = start + (long) (count - 1) * stride + length;
            if (end > stream.length()) {
                throw new BadInputException(count + " windows of " + length + " tokens at stride " + stride + " from token "
                        + start + " need " + end + " tokens but the text gives " + stream.length()
                        + "; use fewer --windows, a shorter --window or a longer --text");
            }
            for (int i = 0; i < count; i++) {
                s[i] = start + i * stride;
            }
            return s;
        }
        if (last < start) {
            throw new BadInputException("a window of " + length + " tokens does not fit in the " + stream.length()
                    + "-token text");
        }
        Rng rng = new Rng(seed);
        for (int i = 0; i < count; i++) {
            s[i] = start + rng.nextInt(last - start + 1);
        }
        return s;
    }

    /** The windows' ids, each a copy of {@code length} ids. */
    public List<int[]> cut(TokenStream stream) {
        List<int[]> out = new ArrayList<>();
        for (int s : starts(stream)) {
            out.add(Arrays.copyOfRange(stream.ids(), s, s + length));
        }
        return out;
    }

    /** The window settings as an ordered map, for protocols. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window", length);
        m.put("windows", count);
        m.put("placement", placement.name().toLowerCase(java.util.Locale.ROOT));
        if (placement == Placement.STRIDED) {
            m.put("start_token", start);
            m.put("stride", stride);
            m.put("seed", "none (deterministic windows)");
        } else {
            m.put("seed", seed);
        }
        m.put("bos_at_window_start", "no: windows are fed as they are; BOS appears only where a document starts");
        return m;
    }
}
