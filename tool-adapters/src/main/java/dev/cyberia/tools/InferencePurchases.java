package dev.cyberia.tools;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MarketMiners;
import dev.cyberia.inference.MinerClient;
import dev.cyberia.inference.PaidMinerChatModel;
import dev.cyberia.inference.SpotCheck;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Purchaser;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How an agent buys inference, for its planner and its skills alike: from the miner its
 * definition names ({@code inference.miner}) or the cheapest in the market ({@code inference.market:
 * true}: prices weighed by the miners' ERC-8004 reputations where the chain has the registries), and,
 * with {@code inference.verify}, a share of the answers replayed through the agent's own copy of the
 * model (or, without one, bought again from a second miner in the market and compared), a failed
 * check disputed and its miner passed over.
 */
public final class InferencePurchases {
    /** Reference models, opened once per folder for the whole node. */
    private static final Map<Path, LocalModel> REFERENCES = new ConcurrentHashMap<>();

    private final AgentDefinition.Inference inference;
    private final Optional<MarketRegistry> market;
    private final Optional<dev.cyberia.treasury.TrustRegistries> trust;
    private final Clock clock;
    private final Optional<LocalModel> ownModel;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param definitionFolder what the definition's paths are relative to
     * @throws IllegalArgumentException when {@code inference} buys from no one
     */
    public InferencePurchases(
            AgentDefinition.Inference inference,
            Path definitionFolder,
            Optional<MarketRegistry> market,
            Optional<dev.cyberia.treasury.TrustRegistries> trust,
            Clock clock) {
        if (inference.miner().isEmpty() && !inference.market()) {
            throw new IllegalArgumentException(
                    "no miner to buy from: set inference.miner (a URL) or inference.market: true");
        }
        this.inference = inference;
        this.market = market;
        this.trust = trust;
        this.clock = clock;
        this.ownModel = inference
                .verify()
                .flatMap(AgentDefinition.Inference.Verify::ownModel)
                .map(m -> REFERENCES.computeIfAbsent(definitionFolder.resolve(m).normalize(), LocalModel::open));
    }

    /**
     * The spot check, in the token the agent pays in: replayed in the agent's own copy of the model,
     * or re-run at a second miner of {@code miners}.
     */
    private Optional<SpotCheck> spotCheckIn(Amount cap, Optional<MarketMiners> miners) {
        return inference.verify().map(v -> {
            SpotCheck.Policy policy = new SpotCheck.Policy(
                    v.share().doubleValue(),
                    v.everyAbove().map(above -> Amount.parse(above.toPlainString(), cap.asset())),
                    v.tolerance().doubleValue());
            return ownModel.isPresent()
                    ? new SpotCheck(policy, ownModel.get(), RANDOM)
                    : new SpotCheck(policy, miners.orElseThrow().secondOpinion(inference.modelName(), cap), RANDOM);
        });
    }

    /**
     * Buys one answer under {@code key} (a re-run gets the same answer and pays nothing more),
     * within {@code cap}, paid through {@code purchaser} (the agent's gate and books).
     */
    public MarketMiners.Bought buy(String key, ChatRequest request, Amount cap, Purchaser purchaser) {
        if (inference.market()) {
            MarketRegistry registry = market.orElseThrow(() -> new IllegalStateException(
                    "inference.market is set but no market registry is configured: run on the devnet"
                            + " ('cyberia devnet up' deploys one), or set CYBERIA_REGISTRY"));
            Optional<SpotCheck> check = spotCheckIn(
                    cap, Optional.of(new MarketMiners(registry, purchaser, clock, Optional.empty(), trust)));
            return new MarketMiners(registry, purchaser, clock, check, trust)
                    .chat(key, inference.modelName(), request, cap);
        }
        Optional<SpotCheck> check = spotCheckIn(cap, Optional.empty());
        PaidMinerChatModel paid = new PaidMinerChatModel(
                new MinerClient(inference.miner().orElseThrow(), cap, purchaser, check), inference.modelName(), key);
        var response = paid.chat(request);
        MinerClient.PaidAnswer bought = paid.lastPurchase();
        return new MarketMiners.Bought(response, bought);
    }
}
