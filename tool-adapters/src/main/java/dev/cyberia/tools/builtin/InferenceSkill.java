package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.tools.PaidInference;
import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/**
 * Buys one answer from the definition's miner, or the cheapest in the market registry, paying over
 * x402 within the price cap.
 */
public final class InferenceSkill {
    @Tool(name = "buy_inference", value = "Ask a miner's model a question and pay for the answer.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String ask(@P("the question") String question, CallContext context) {
        return PaidInference.ask(context, question, 48).text();
    }
}
