package ${package};

import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** A skill that earns: sold to other agents over x402 at its price (the agent's definition sells it). */
public class WordCount {
    @Tool(name = "word_count", value = "Counts the words of a text.")
    @Skill(sideEffect = SideEffect.NONE, earns = true, price = "0.01")
    public String wordCount(@P("the text to count") String text) {
        return String.valueOf(text.isBlank() ? 0 : text.trim().split("\\s+").length);
    }
}
