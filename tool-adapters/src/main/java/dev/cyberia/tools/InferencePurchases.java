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
 * model, a failed check disputed and its miner passed over.
 */
public final class InferencePurchases {
    /** Reference models, opened once per folder for the whole node. */
    private static final Map<Path, LocalModel> REFERENCES = new ConcurrentHashMap<>();

    private final AgentDefinition.Inference inference;
    private final Optional<MarketRegistry> market;
    private final Optional<dev.cyberia.treasury.TrustRegistries> trust;
    private final Clock clock;
    private final Optional<SpotCheck> spotCheck;

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
        this.spotCheck = inference
                .verify()
                .map(v -> new SpotCheck(
                        new SpotCheck.Policy(
                                v.share().doubleValue(),
                                Optional.empty(),
                                v.tolerance().doubleValue()),
                        REFERENCES.computeIfAbsent(
                                definitionFolder.resolve(v.model()).normalize(), LocalModel::open),
                        new SecureRandom()));
    }

    /** The spot check with its price threshold, in the token the agent pays in. */
    private Optional<SpotCheck> spotCheckIn(Amount cap) {
        return spotCheck.map(check -> inference
                        .verify()
                        .flatMap(AgentDefinition.Inference.Verify::everyAbove)
                        .isEmpty()
                ? check
                : check.withEveryAbove(
                        Amount.parse(inference.verify().get().everyAbove().get().toPlainString(), cap.asset())));
    }

    /**
     * Buys one answer under {@code key} (a re-run gets the same answer and pays nothing more),
     * within {@code cap}, paid through {@code purchaser} (the agent's gate and books).
     */
    public MarketMiners.Bought buy(String key, ChatRequest request, Amount cap, Purchaser purchaser) {
        Optional<SpotCheck> check = spotCheckIn(cap);
        if (inference.market()) {
            MarketRegistry registry = market.orElseThrow(() -> new IllegalStateException(
                    "inference.market is set but no market registry is configured: run on the devnet"
                            + " ('cyberia devnet up' deploys one), or set CYBERIA_REGISTRY"));
            return new MarketMiners(registry, purchaser, clock, check, trust)
                    .chat(key, inference.modelName(), request, cap);
        }
        PaidMinerChatModel paid = new PaidMinerChatModel(
                new MinerClient(inference.miner().orElseThrow(), cap, purchaser, check), inference.modelName(), key);
        var response = paid.chat(request);
        MinerClient.PaidAnswer bought = paid.lastPurchase();
        return new MarketMiners.Bought(response, bought);
    }
}
