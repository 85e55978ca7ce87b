package dev.cyberia.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.tools.PaidInference;
import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The scribe's text services, sold over x402: extractive summaries and key phrases ranked by
 * all-MiniLM-L6-v2 sentence embeddings, a library of filed documents searched by meaning, and
 * answers about it that buy a miner's model. Documents live in the agent's notes, so they survive
 * restarts; the skill object keeps no state of its own.
 */
public final class ScribeSkills {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Longer texts are cut here, and the answer says so. */
    static final int MAX_TEXT = 20_000;
    /** The miner's model sees the question alone: small models have small contexts. */
    static final int MAX_QUESTION = 80;

    private static final String DOC = "doc:";
    private static final Pattern TITLE = Pattern.compile("[A-Za-z0-9 ._-]{1,80}");

    @Tool(name = "summarize", value = "Summarize a text: its most central sentences, in their original order.")
    @Skill(earns = true, price = "0.05")
    public String summarize(@P("the text") String text, @P("how many sentences, 1 to 10") int sentences) {
        String body = cut(text);
        List<String> all = Texts.sentences(body);
        if (all.isEmpty()) {
            return result("summary", "", text);
        }
        int n = Math.max(1, Math.min(10, Math.min(sentences, all.size())));
        List<float[]> vectors = Embeddings.all(all);
        float[] centre = Embeddings.centroid(vectors);
        List<Integer> picked = mostRelevantDiverse(vectors, centre, n, 0.75);
        picked.sort(Comparator.naturalOrder());
        List<String> chosen = picked.stream().map(all::get).toList();
        return result("summary", String.join(" ", chosen), text);
    }

    @Tool(name = "keywords", value = "The key phrases of a text, most representative first.")
    @Skill(earns = true, price = "0.02")
    public String keywords(@P("the text") String text, @P("how many phrases, 1 to 20") int count) {
        String body = cut(text);
        List<String> candidates = Texts.candidatePhrases(body);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode phrases = out.putArray("keywords");
        if (!candidates.isEmpty()) {
            int n = Math.max(1, Math.min(20, Math.min(count, candidates.size())));
            float[] document = Embeddings.of(body);
            List<float[]> vectors = Embeddings.all(candidates);
            for (int i : mostRelevantDiverse(vectors, document, n, 0.7)) {
                phrases.add(candidates.get(i));
            }
        }
        cutNote(out, text);
        return out.toString();
    }

    @Tool(name = "file_document", value = "File a document in the scribe's library, for search and questions.")
    @Skill(earns = true, price = "0.01")
    public String fileDocument(
            @P("a title of letters, digits, spaces and . _ -") String title,
            @P("the document's text") String text,
            CallContext context) {
        String name = title.trim();
        if (!TITLE.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a title is 1 to 80 letters, digits, spaces or . _ -, not '" + title + "'");
        }
        String body = cut(text);
        context.remember(DOC + name, body);
        ObjectNode out = JSON.createObjectNode();
        out.put("filed", name);
        out.put("passages", Texts.passages(body, 3).size());
        out.put("documents", library(context).size());
        cutNote(out, text);
        return out.toString();
    }

    @Tool(name = "search", value = "Search the library by meaning: the passages closest to a query.")
    @Skill(earns = true, price = "0.03")
    public String search(
            @P("what to look for") String query, @P("how many results, 1 to 5") int results, CallContext context) {
        ObjectNode out = JSON.createObjectNode();
        out.put("query", query);
        ArrayNode hits = out.putArray("results");
        for (Hit hit : closest(query, Math.max(1, Math.min(5, results)), context)) {
            ObjectNode h = hits.addObject();
            h.put("title", hit.title());
            h.put("passage", hit.passage());
            h.put("score", Math.round(hit.score() * 1000) / 1000.0);
        }
        return out.toString();
    }

    @Tool(
            name = "ask_library",
            value = "Answer a question: the library's closest passage, and a reply bought from a miner's model.")
    @Skill(earns = true, price = "0.06", sideEffect = SideEffect.MOVES_MONEY)
    public String askLibrary(@P("the question, at most 80 characters") String question, CallContext context) {
        String q = question.trim();
        if (q.isEmpty() || q.length() > MAX_QUESTION) {
            throw new IllegalArgumentException("a question is 1 to " + MAX_QUESTION + " characters");
        }
        List<Hit> best = closest(q, 1, context);
        PaidInference.Answer reply = PaidInference.ask(context, q, 32);
        ObjectNode out = JSON.createObjectNode();
        out.put("question", q);
        out.put("reply", reply.text().trim());
        out.put(
                "model",
                context.definition().inference().map(i -> i.modelName()).orElse(""));
        out.put("paid", reply.price().toString());
        if (!best.isEmpty()) {
            out.put("source", best.get(0).title());
            out.put("passage", best.get(0).passage());
        }
        return out.toString();
    }

    record Hit(String title, String passage, double score) {}

    private static List<Hit> closest(String query, int k, CallContext context) {
        Map<String, String> documents = new LinkedHashMap<>();
        for (String title : library(context)) {
            documents.put(title, context.recall(DOC + title).orElse(""));
        }
        return closest(query, k, documents);
    }

    /** The {@code k} passages of {@code documents} (title to text) closest in meaning to {@code query}. */
    static List<Hit> closest(String query, int k, Map<String, String> documents) {
        List<String> owners = new ArrayList<>();
        List<String> passages = new ArrayList<>();
        documents.forEach((title, text) -> {
            for (String passage : Texts.passages(text, 3)) {
                owners.add(title);
                passages.add(passage);
            }
        });
        if (passages.isEmpty()) {
            return List.of();
        }
        float[] q = Embeddings.of(query);
        List<float[]> vectors = Embeddings.all(passages);
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            hits.add(new Hit(owners.get(i), passages.get(i), Embeddings.cosine(q, vectors.get(i))));
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits.subList(0, Math.min(k, hits.size()));
    }

    private static List<String> library(CallContext context) {
        return context.topics().stream()
                .filter(t -> t.startsWith(DOC))
                .map(t -> t.substring(DOC.length()))
                .sorted()
                .toList();
    }

    /**
     * Maximal marginal relevance: picks {@code n} vectors most similar to {@code target}, each time
     * trading relevance ({@code lambda}) against similarity to those already picked.
     */
    static List<Integer> mostRelevantDiverse(List<float[]> vectors, float[] target, int n, double lambda) {
        List<Integer> picked = new ArrayList<>();
        boolean[] used = new boolean[vectors.size()];
        while (picked.size() < n) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < vectors.size(); i++) {
                if (used[i]) {
                    continue;
                }
                double redundancy = 0;
                for (int j : picked) {
                    redundancy = Math.max(redundancy, Embeddings.cosine(vectors.get(i), vectors.get(j)));
                }
                double score = lambda * Embeddings.cosine(vectors.get(i), target) - (1 - lambda) * redundancy;
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            used[best] = true;
            picked.add(best);
        }
        return picked;
    }

    private static String cut(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }

    private static void cutNote(ObjectNode out, String text) {
        if (text.length() > MAX_TEXT) {
            out.put("note", "only the first " + MAX_TEXT + " of " + text.length() + " characters were read");
        }
    }

    private static String result(String field, String value, String text) {
        ObjectNode out = JSON.createObjectNode();
        out.put(field, value);
        cutNote(out, text);
        return out.toString();
    }
}
