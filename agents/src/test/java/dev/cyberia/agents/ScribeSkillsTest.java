package dev.cyberia.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scribe's text work with the real all-MiniLM-L6-v2 model, on the customer's reading list. */
class ScribeSkillsTest {
    private final ScribeSkills scribe = new ScribeSkills();

    private static Map<String, String> library() {
        Map<String, String> docs = new LinkedHashMap<>();
        for (CustomerSkills.Task t : CustomerSkills.INBOX) {
            docs.put(t.file().replace(".md", ""), CustomerSkills.read(t.file()));
        }
        return docs;
    }

    @Test
    void eachQuestionOnTheReadingList_findsItsOwnDocumentFirst() {
        Map<String, String> docs = library();
        for (CustomerSkills.Task t : CustomerSkills.INBOX) {
            List<ScribeSkills.Hit> hits = ScribeSkills.closest(t.question(), 3, docs);
            assertThat(hits.get(0).title()).as(t.question()).isEqualTo(t.file().replace(".md", ""));
            assertThat(hits.get(0).score()).isGreaterThan(hits.get(2).score());
        }
    }

    @Test
    void aSummaryKeepsCentralSentencesInOrder_andLeavesTheOffTopicOneOut() throws Exception {
        String text = CustomerSkills.read("payments-over-http.md").trim()
                + " My grandmother grows tomatoes and beans in her garden every summer.";
        List<String> sentences = Texts.sentences(text);
        JsonNode out = ScribeSkills.JSON.readTree(scribe.summarize(text, 3));
        String summary = out.path("summary").asText();
        List<String> picked = new ArrayList<>();
        for (String s : sentences) {
            if (summary.contains(s)) {
                picked.add(s);
            }
        }
        assertThat(picked).hasSize(3);
        assertThat(String.join(" ", picked)).isEqualTo(summary); // whole sentences, in the text's order
        assertThat(summary).doesNotContain("tomatoes");
    }

    @Test
    void keyPhrasesComeFromTheText_withoutStopwords_andAreAboutIt() throws Exception {
        String text = CustomerSkills.read("keys-at-rest.md");
        JsonNode out = ScribeSkills.JSON.readTree(scribe.keywords(text, 5));
        List<String> phrases = new ArrayList<>();
        out.path("keywords").forEach(k -> phrases.add(k.asText()));
        assertThat(phrases).hasSize(5).doesNotHaveDuplicates();
        assertThat(phrases).allMatch(p -> text.toLowerCase().contains(p));
        assertThat(phrases).noneMatch(p -> p.equals("the") || p.startsWith("and ") || p.endsWith(" the"));
        assertThat(phrases).anyMatch(p -> p.contains("key") || p.contains("keystore") || p.contains("passphrase"));
    }

    @Test
    void longTextsAreCut_andTheAnswerSaysSo() throws Exception {
        String text = "Agents pay for inference with tokens. ".repeat(1000);
        JsonNode out = ScribeSkills.JSON.readTree(scribe.summarize(text, 1));
        assertThat(out.path("note").asText()).contains("only the first 20000");
        assertThat(Texts.sentences("").isEmpty()).isTrue();
        assertThat(ScribeSkills.JSON
                        .readTree(scribe.summarize("", 2))
                        .path("summary")
                        .asText())
                .isEmpty();
    }
}
