package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Amount;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** An OWNER spawns a child automaton: a new key and a definition derived from its own, funded from its treasury. */
public final class SpawnSkill {
    @Tool(
            name = "spawn_child",
            value = "Create a child automaton with its own key, derived from this agent, and fund it.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY, minTier = Tier.OWNER)
    public String spawn(
            @P("the child's name: lower-case letters, digits and dashes") String name,
            @P("its funding in token units, e.g. \"5\"") String funding,
            CallContext context) {
        AgentRecord child = context.spawnChild(name, Amount.parsePositive(funding.trim(), context.token()));
        return "spawned " + child.name() + " at " + child.address() + " with " + funding + " "
                + context.token().symbol() + "; it is " + child.state();
    }
}
