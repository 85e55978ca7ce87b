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
 * summarize and index, then searches and asks questions about. Which of these it buys next is
 * chosen by its LLM planner from the tools it is shown, reading its agenda: each tool, done, sets
 * the next task on the agenda ("Find documents about ...", "Ask the library: ..."); a search first
 * has the document the reading list is at filed, summarized and indexed. It finds the scribe in the market registry by skill name and pays each call over
 * x402 through the {@code hire} skill, so every call passes the policy gate. Progress is kept in
 * notes, so a restart continues where it stopped.
 */
public final class CustomerSkills {
    /** A document of the inbox, with what the customer searches for and asks about it. */
    record Task(String file, String query, String question) {
        String title() {
            return file.replace(".md", "").replace('-', ' ');
        }
    }

    static final List<Task> INBOX = List.of(
            new Task("payments-over-http.md", "payment signatures", "Why does a replayed payment fail?"),
            new Task("survival-modes.md", "hibernating agents", "What does a hibernating agent do?"),
            new Task("autonomy-ladder.md", "owner rights", "What may an owner do?"),
            new Task("double-entry-books.md", "crash recovery", "What happens after a crash?"),
            new Task("keys-at-rest.md", "private keys", "Where is the private key kept?"));

    /** The step of the reading list the customer is at: file, search, ask for each document, then search and ask again. */
    private static final String STEP = "customer:step";

    private final HireSkill hire = new HireSkill();

    /** The task of step {@code s}, as the planner reads it: find documents about a topic, then ask about it. */
    static String task(int s) {
        Task t = INBOX.get((s / 2) % INBOX.size());
        return s % 2 == 0 ? "Find documents about " + t.query() + "." : "Ask the library: " + t.question();
    }

    /** The first task, the definition's {@code inference.agenda}. */
    public static String firstTask() {
        return task(0);
    }

    @Tool(name = "file_document", value = "File a document in the library.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String fileDocument(@P("the document's title, e.g. \"survival modes\"") String title, CallContext context)
            throws IOException, InterruptedException {
        Task task = INBOX.stream()
                .filter(t -> t.title().equalsIgnoreCase(title.strip().replace('-', ' ')))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no document titled '" + title + "' in the inbox;"
                        + " the titles are " + INBOX.stream().map(Task::title).toList()));
        return file(task, context);
    }

    /** Has the scribe file, summarize and pick the key phrases of a document of the inbox. */
    private String file(Task task, CallContext context) throws IOException, InterruptedException {
        String text = read(task.file());
        String maxPrice = "0.1";
        field(hire("file_document", args("title", task.title(), "text", text), maxPrice, context), "filed");
        String summary = field(hire("summarize", args("text", text, "sentences", 2), maxPrice, context), "summary");
        String keywords = field(hire("keywords", args("text", text, "count", 5), maxPrice, context), "keywords");
        context.remember("customer:filed:" + task.file(), "yes");
        return "filed " + task.title() + "; summary: " + summary + " | keywords: " + keywords;
    }

    @Tool(name = "search_library", value = "Search the library for documents.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String searchLibrary(@P("what to look for") String query, CallContext context)
            throws IOException, InterruptedException {
        // the document the reading list is at goes into the library first, if it is not there yet
        Task current = INBOX.get((step(context) / 2) % INBOX.size());
        String filed =
                context.recall("customer:filed:" + current.file()).isPresent() ? "" : file(current, context) + " | ";
        JsonNode found = ScribeSkills.JSON.readTree(hire("search", args("query", query, "results", 1), "0.1", context));
        return done(
                0,
                filed + "search '" + query + "' -> "
                        + found.path("results").path(0).path("title").asText("(nothing)"),
                context);
    }

    /**
     * Its argument is named {@code query}, like {@link #searchLibrary}'s: the tiny model confuses the
     * parameter names of two tools whose descriptions are this close (README, "Models that plan").
     */
    @Tool(name = "ask_library", value = "Answer a question from the filed documents.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String askLibrary(@P("the question") String query, CallContext context)
            throws IOException, InterruptedException {
        JsonNode answer = ScribeSkills.JSON.readTree(hire("ask_library", args("question", query), "0.1", context));
        return done(
                1,
                "asked '" + query + "'; reply from " + answer.path("model").asText() + ": "
                        + answer.path("reply").asText(),
                context);
    }

    private static int step(CallContext context) {
        return context.recall(STEP).map(Integer::parseInt).orElse(0);
    }

    /**
     * A bought call of {@code kind} (0 search, 1 ask): when it is the kind the agenda asked for, the
     * agenda moves to the next task (a call the planner chose off the agenda is paid and reported,
     * and the task stays).
     */
    private static String done(int kind, String report, CallContext context) {
        int s = step(context);
        if (s % 2 == kind) {
            s++;
            context.remember(STEP, Integer.toString(s));
        }
        context.setAgenda(task(s));
        return report + " | next: " + task(s);
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
