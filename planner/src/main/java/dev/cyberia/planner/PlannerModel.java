package dev.cyberia.planner;

import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.treasury.Amount;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * The model the LLM planner talks to, with what each answer costs: a local model (free), a paid
 * miner, or a router over both. The planner asks the policy gate for {@link #maxPrice} before each
 * call, so a tick never buys more than its budget.
 */
public interface PlannerModel {
    /** The most one call may cost in this mode (zero for a local model). */
    Amount maxPrice(SurvivalMode mode);

    /**
     * One model call. A paid one is bought under {@code purchaseKey}, the same when the tick is
     * re-run after a crash: the journal then returns the answer already paid for.
     */
    PricedAnswer chat(ChatRequest request, SurvivalMode mode, String purchaseKey);

    /**
     * @param route who answered (a model folder, a miner URL)
     * @param transactionHash the x402 settlement, empty when free
     */
    record PricedAnswer(ChatResponse response, String route, Amount price, String transactionHash) {}
}
