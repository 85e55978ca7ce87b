package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** Notes an agent keeps across ticks and restarts, in the database. */
public final class MemorySkill {
    private static final int MAX_NOTE = 4096;

    @Tool(name = "remember", value = "Keep a note under a topic, replacing any earlier note on it.")
    public String remember(@P("the topic") String topic, @P("the note") String note, CallContext context) {
        if (topic.isBlank() || topic.length() > 200) {
            throw new IllegalArgumentException("a topic is 1 to 200 characters");
        }
        if (note.length() > MAX_NOTE) {
            throw new IllegalArgumentException("a note is at most " + MAX_NOTE + " characters");
        }
        context.remember(topic, note);
        return "noted under '" + topic + "'";
    }

    @Tool(name = "recall", value = "Read the note kept under a topic.")
    public String recall(@P("the topic") String topic, CallContext context) {
        return context.recall(topic).orElse("no note under '" + topic + "'; topics: " + context.topics());
    }
}
