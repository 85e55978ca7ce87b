package dev.cyberia.tools;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.inference.MinerClient;
import dev.cyberia.treasury.Amount;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Clock;
import java.util.List;

/**
 * Inference bought by a skill: from the miner the definition names ({@code inference.miner}), or
 * the cheapest in the market registry ({@code inference.market: true}); within the mode's price cap
 * and the tick's budget (through the gate), recorded as {@code InferenceBought}.
 */
public final class PaidInference {
    private PaidInference() {}

    /** What was bought: the answer, and the price paid to which miner. */
    public record Answer(String text, Amount price, String miner) {}

    public static Answer ask(CallContext context, String prompt, int maxTokens) {
        AgentDefinition.Inference inference = context.definition()
                .inference()
                .filter(i -> i.miner().isPresent() || i.market())
                .orElseThrow(() -> new IllegalStateException(
                        "no miner to buy from: set inference.miner (a URL) or inference.market: true"));
        Amount cap = Amount.parse(inference.maxPriceIn(context.mode()).toPlainString(), context.token());
        ChatRequest request = ChatRequest.builder()
                .messages(List.of(UserMessage.from(prompt)))
                .maxOutputTokens(maxTokens)
                .temperature(0.0)
                .build();
        MinerClient.PaidAnswer answer = new InferencePurchases(
                        inference, context.definitionFolder(), context.market(), context.trust(), Clock.systemUTC())
                .buy(context.nextPurchaseKey(), request, cap, context.purchaser())
                .purchase();
        context.recordInference(
                answer.miner().toString(),
                inference.modelName(),
                answer.spent(), // with the purchase that checked it, if one did
                answer.transaction(),
                answer.promptTokens() + answer.completionTokens());
        if (answer.dispute().isPresent() && answer.text().isEmpty()) {
            throw new IllegalStateException("paid " + answer.pricePaid() + " to " + answer.miner()
                    + " and got no usable answer; a dispute is recorded: "
                    + answer.dispute().get());
        }
        return new Answer(answer.text(), answer.pricePaid(), answer.miner().toString());
    }
}
