package dev.cyberia.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.tools.Skill;
import dev.cyberia.tools.builtin.HireSkill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The customer's work: a reading list of documents (its inbox) that it has a scribe file,
 * summarize and index, and then questions it asks about them. It finds the scribe in the market
 * registry by skill name and pays each call over x402 through the {@code hire} skill, so every
 * call passes the policy gate. Progress is kept in notes, so a restart continues where it stopped.
 */
public final class CustomerSkills {
    /** The inbox, each document with the question the customer asks about it. */
    record Task(String file, String question) {}

    static final List<Task> INBOX = List.of(
            new Task("payments-over-http.md", "Why does a replayed payment signature fail?"),
            new Task("survival-modes.md", "What does a hibernating agent still do?"),
            new Task("autonomy-ladder.md", "What may an owner do that an automaton may not?"),
            new Task("double-entry-books.md", "What happens to a payment after a crash?"),
            new Task("keys-at-rest.md", "Where is the private key kept?"));

    private static final String NEXT = "customer:next-task";
    private final HireSkill hire = new HireSkill();

    @Tool(
            name = "commission_next_task",
            value = "Commission the next task on the reading list from a scribe found in the market, within a"
                    + " price cap per call.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String commissionNextTask(
            @P("the most to pay per call, in token units, e.g. \"0.1\"") String maxPrice, CallContext context)
            throws IOException, InterruptedException {
        int n = context.recall(NEXT).map(Integer::parseInt).orElse(0);
        StringBuilder report = new StringBuilder("task " + (n + 1) + ":");
        if (n < INBOX.size()) {
            // a new document: the scribe files it, summarizes it and picks its key phrases
            Task task = INBOX.get(n);
            String title = task.file().replace(".md", "");
            String text = read(task.file());
            field(hire("file_document", args("title", title, "text", text), maxPrice, context), "filed");
            report.append(" filed ").append(title).append("; summary: ");
            report.append(field(hire("summarize", args("text", text, "sentences", 2), maxPrice, context), "summary"));
            report.append(" | keywords: ")
                    .append(field(hire("keywords", args("text", text, "count", 5), maxPrice, context), "keywords"));
        }
        if (n >= 1) {
            // a question about a document filed before: searched in the library, and every other time
            // answered too, with a reply the scribe buys from a miner's model
            Task asked = INBOX.get((n - 1) % INBOX.size());
            JsonNode found = ScribeSkills.JSON.readTree(
                    hire("search", args("query", asked.question(), "results", 1), maxPrice, context));
            report.append(" | search '")
                    .append(asked.question())
                    .append("' -> ")
                    .append(found.path("results").path(0).path("title").asText("(nothing)"));
            if (n % 2 == 1) {
                JsonNode answer = ScribeSkills.JSON.readTree(
                        hire("ask_library", args("question", asked.question()), maxPrice, context));
                report.append(" | reply from ")
                        .append(answer.path("model").asText())
                        .append(": ")
                        .append(answer.path("reply").asText());
            }
        }
        context.remember(NEXT, Integer.toString(n + 1));
        context.remember("customer:last-report", report.toString());
        return report.toString();
    }

    private String hire(String skill, String arguments, String maxPrice, CallContext context)
            throws IOException, InterruptedException {
        String answer = hire.hire(skill, arguments, maxPrice, context);
        if (!answer.startsWith("{")) {
            throw new IllegalStateException("the scribe's " + skill + " did not answer: " + answer);
        }
        JsonNode json = ScribeSkills.JSON.readTree(answer);
        if (!"DONE".equals(json.path("outcome").asText())) {
            throw new IllegalStateException("the scribe's " + skill + " was paid but "
                    + json.path("outcome").asText() + ": " + json.path("result").asText());
        }
        return json.path("result").asText();
    }

    private static String field(String json, String name) throws IOException {
        JsonNode node = ScribeSkills.JSON.readTree(json).path(name);
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static String args(Object... pairs) {
        ObjectNode n = ScribeSkills.JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            n.set((String) pairs[i], ScribeSkills.JSON.valueToTree(pairs[i + 1]));
        }
        return n.toString();
    }

    static String read(String file) {
        try (InputStream in = CustomerSkills.class.getResourceAsStream("customer/inbox/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the customer's inbox lacks " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceFirst("^# [^\n]*\n", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
