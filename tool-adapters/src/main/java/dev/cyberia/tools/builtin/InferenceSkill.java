package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.inference.GenerationOptions;
import dev.cyberia.inference.Message;
import dev.cyberia.inference.MinerClient;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Amount;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;

/** Buys one answer from the miner in the agent's definition, paying over x402 within the price cap. */
public final class InferenceSkill {
    @Tool(name = "buy_inference", value = "Ask the configured miner's model a question and pay for the answer.")
    @Skill(sideEffect = SideEffect.EXTERNAL)
    public String ask(@P("the question") String question, CallContext context) {
        AgentDefinition.Inference inference = context.definition()
                .inference()
                .filter(i -> i.miner().isPresent())
                .orElseThrow(() -> new IllegalStateException("no miner in the definition's inference.miner"));
        BigDecimal capUnits = context.mode() == SurvivalMode.NORMAL ? inference.maxPrice() : inference.conservePrice();
        Amount cap = Amount.parse(capUnits.toPlainString(), context.token());
        MinerClient.PaidAnswer answer = context.purchase(
                cap,
                (treasury, signer) -> new MinerClient(inference.miner().get(), treasury, signer, cap, Clock.systemUTC())
                        .chat(inference.modelName(), List.of(Message.user(question)), GenerationOptions.greedy(48)));
        context.recordInference(
                answer.miner().toString(),
                inference.modelName(),
                answer.pricePaid(),
                answer.transaction(),
                answer.promptTokens() + answer.completionTokens());
        return answer.text();
    }
}
