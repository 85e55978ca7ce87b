package dev.cyberia.testkit;

import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** A skill to sell in the kit's own tests. */
public class WordCounter {
    @Tool(name = "word_count", value = "Counts the words of a text.")
    @Skill(sideEffect = SideEffect.NONE, earns = true, price = "0.01")
    public String wordCount(@P("the text") String text) {
        return String.valueOf(text.isBlank() ? 0 : text.trim().split("\\s+").length);
    }
}
