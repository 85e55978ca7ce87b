package dev.cyberia.tools;

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.Tier;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.math.BigDecimal;
import java.util.List;

/** Skills for the SDK's tests, and the SkillPack ServiceLoader finds on the test class path. */
public final class EchoSkills implements SkillPack {
    @Override
    public String name() {
        return "echo-pack";
    }

    @Override
    public List<Object> skills() {
        return List.of(new EchoSkills());
    }

    @Tool(name = "repeat", value = "Repeat a word n times.")
    public String repeat(@P("the word") String word, @P("how many times") int times, CallContext context) {
        return String.join(" ", java.util.Collections.nCopies(times, word));
    }

    @Tool(name = "price", value = "A price with an optional flag.")
    @Skill(sideEffect = SideEffect.EXTERNAL, minTier = Tier.AGENT, earns = true, price = "0.05")
    public String price(@P("the amount") BigDecimal amount, @P(value = "round it", required = false) Boolean round) {
        return Boolean.TRUE.equals(round)
                ? amount.setScale(0, java.math.RoundingMode.HALF_UP).toPlainString()
                : amount.toPlainString();
    }
}
