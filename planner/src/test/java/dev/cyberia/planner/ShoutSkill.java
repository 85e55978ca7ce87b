package dev.cyberia.planner;

import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.Collections;
import java.util.Locale;

/** A skill an agent sells in the tests. */
public final class ShoutSkill {
    @Tool(name = "shout", value = "Upper-cases text, n times.")
    @Skill(earns = true, price = "0.05")
    public String shout(@P("the text") String text, @P("how many times") int times) {
        return String.join(" ", Collections.nCopies(times, text.toUpperCase(Locale.ROOT)));
    }

    @Tool(name = "crash", value = "Always fails, after the buyer has paid.")
    @Skill(earns = true, price = "0.05")
    public String crash(@P("the text") String text) {
        throw new IllegalStateException("the crash skill broke on '" + text + "'");
    }
}
