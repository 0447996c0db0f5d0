package dev.prune4j.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuiltinCorpusTest {
    @Test
    void englishDocumentsAndSentencesAreStableAndEnglish() {
        List<String> docs = BuiltinCorpus.documents();
        assertTrue(docs.size() > 500, "expected hundreds of English documents, found " + docs.size());
        List<String> s = BuiltinCorpus.sentences(200, 30, 300);
        assertEquals(200, s.size());
        assertEquals(s, BuiltinCorpus.sentences(200, 30, 300), "same sentences every time");
        for (String x : s) {
            assertTrue(x.length() >= 30 && x.length() <= 300 && Character.isUpperCase(x.charAt(0)), x);
        }
        // "the" in a typical English sentence set; German/French/Dutch function words rare
        long the = s.stream().filter(x -> x.matches("(?i).*\\bthe\\b.*")).count();
        long foreign = s.stream().filter(x -> x.matches(".*\\b(und|der|les|het|och|della)\\b.*")).count();
        assertTrue(the > 150, "English sentences expected, 'the' in only " + the);
        assertTrue(foreign <= 2, "non-English sentences leaked: " + foreign);
    }

    @Test
    void languageTestByExample() {
        assertTrue(BuiltinCorpus.isEnglish("We have to make sure that the proposal of the Commission is adopted and that"
                + " this Parliament is not left out of the process which is now under way in the Council."));
        assertFalse(BuiltinCorpus.isEnglish("Wir müssen sicherstellen, dass der Vorschlag der Kommission angenommen wird"
                + " und dass dieses Parlament nicht aus dem Prozess ausgeschlossen wird, der jetzt im Rat läuft."));
        assertFalse(BuiltinCorpus.isEnglish("Too short to tell."));
    }
}
