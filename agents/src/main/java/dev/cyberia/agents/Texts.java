package dev.cyberia.agents;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Plain-text helpers: sentences, passages, and candidate key phrases. */
final class Texts {
    private Texts() {}

    private static final Set<String> STOPWORDS = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
            "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
            "did", "do", "does", "doing", "down", "during", "each", "every", "few", "for", "from", "further", "had",
            "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
            "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my", "no", "nor", "not",
            "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "out", "over", "own", "same", "she",
            "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
            "this", "those", "through", "to", "too", "two", "under", "until", "up", "upon", "us", "very", "was", "we",
            "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "without", "would",
            "you", "your", "yet", "many", "much", "new", "way", "ways", "within", "whose", "s", "t");

    /** The sentences of {@code text}, trimmed, without empty ones. */
    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        String flat = text.replaceAll("\\s+", " ").trim();
        it.setText(flat);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = flat.substring(start, end).trim();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Passages of up to {@code size} sentences each, overlapping by one, for search. */
    static List<String> passages(String text, int size) {
        List<String> sentences = sentences(text);
        List<String> out = new ArrayList<>();
        if (sentences.size() <= size) {
            out.add(String.join(" ", sentences));
            return out;
        }
        for (int i = 0; i < sentences.size() - 1; i += size - 1) {
            out.add(String.join(" ", sentences.subList(i, Math.min(sentences.size(), i + size))));
            if (i + size >= sentences.size()) {
                break;
            }
        }
        return out;
    }

    /** Words and two-word phrases within a clause, with no stopword in them, lower case, in order of first use. */
    static List<String> candidatePhrases(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String clause : text.toLowerCase(Locale.ROOT).split("[.,;:!?()\\[\\]\"]+")) {
            addPhrases(clause.trim().split("[^\\p{L}\\p{N}-]+"), out);
        }
        return new ArrayList<>(out);
    }

    /** The words of one clause, and its pairs of neighbouring content words. */
    private static void addPhrases(String[] words, Set<String> out) {
        for (int i = 0; i < words.length; i++) {
            String w = strip(words[i]);
            if (!isContentWord(w)) {
                continue;
            }
            out.add(w);
            if (i + 1 < words.length) {
                String next = strip(words[i + 1]);
                if (isContentWord(next)) {
                    out.add(w + " " + next);
                }
            }
        }
    }

    private static String strip(String w) {
        return w.replaceAll("^-+|-+$", "");
    }

    private static boolean isContentWord(String w) {
        return w.length() > 2 && !STOPWORDS.contains(w) && !w.chars().allMatch(Character::isDigit);
    }
}
