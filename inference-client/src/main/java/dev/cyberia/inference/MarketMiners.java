package dev.cyberia.inference;

import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.Purchaser;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Miners found in the market registry instead of configuration: the active offers of a model,
 * priced in the buyer's token within its cap, bought through an {@link InferenceRouter} (cheapest
 * first; a miner that is down is skipped for the next).
 */
public final class MarketMiners {
    private final MarketRegistry market;
    private final Purchaser purchaser;
    private final Clock clock;

    /** What one purchase through the market got: the answer, and what was paid to whom. */
    public record Bought(ChatResponse response, MinerClient.PaidAnswer purchase) {}

    /** How long a miner whose answer this buyer disputed is passed over. */
    public static final Duration AVOID_DISPUTED_FOR = Duration.ofDays(7);

    private final Optional<SpotCheck> spotCheck;
    private final Optional<dev.cyberia.treasury.TrustRegistries> trust;

    public MarketMiners(MarketRegistry market, Purchaser purchaser, Clock clock) {
        this(market, purchaser, clock, Optional.empty());
    }

    /** With {@code spotCheck}, a share of the answers bought is replayed (see {@link MinerClient}). */
    public MarketMiners(MarketRegistry market, Purchaser purchaser, Clock clock, Optional<SpotCheck> spotCheck) {
        this(market, purchaser, clock, spotCheck, Optional.empty());
    }

    /**
     * With {@code trust}, each miner's price is weighed by its reputation in the ERC-8004 registry
     * ({@link dev.cyberia.treasury.TrustRegistries#weightOf}) when choosing; the cap stays on the price.
     */
    public MarketMiners(
            MarketRegistry market,
            Purchaser purchaser,
            Clock clock,
            Optional<SpotCheck> spotCheck,
            Optional<dev.cyberia.treasury.TrustRegistries> trust) {
        this.trust = trust;
        this.spotCheck = spotCheck;
        this.market = market;
        this.purchaser = purchaser;
        this.clock = clock;
    }

    /**
     * Buys one answer from the cheapest miner offering {@code model} within {@code cap}, falling
     * back to the next when one cannot be reached before paying. Each miner's purchase has its own
     * key ({@code idempotencyKey@host:port}), so a re-run finds what it paid whom.
     *
     * @throws InferenceException when no miner offers it within the cap, or every one failed
     */
    public Bought chat(String idempotencyKey, String model, ChatRequest request, Amount cap) {
        List<Offer> listed = market.offering(Offer.Kind.INFERENCE, model, cap.asset(), cap);
        if (listed.isEmpty()) {
            throw new InferenceException("no miner in the market registry " + market.address() + " offers '" + model
                    + "' for at most " + cap + "; 'cyberia market list' shows the offers");
        }
        // a miner this buyer disputed lately is not bought from again while another offers the model
        java.util.Set<dev.cyberia.keystore.Address> disputed =
                purchaser.disputedSince(clock.instant().minus(AVOID_DISPUTED_FOR));
        List<Offer> offers = listed.stream()
                .filter(o -> !disputed.contains(o.offerer()) && !o.offerer().equals(purchaser.wallet()))
                .toList(); // nor from itself: an agent that mines buys from others
        if (offers.isEmpty()) {
            throw new InferenceException("every miner offering '" + model + "' within " + cap
                    + " is this buyer itself or had a purchase disputed by it in the last "
                    + AVOID_DISPUTED_FOR.toDays() + " days; 'cyberia agent logs NAME' shows the disputes"
                    + " (PurchaseDisputed)");
        }
        Map<String, PaidMinerChatModel> byRoute = new LinkedHashMap<>();
        List<InferenceRouter.Route> routes = new ArrayList<>();
        for (Offer offer : offers) {
            Amount price = offer.priceIn(cap.asset());
            PaidMinerChatModel paid = new PaidMinerChatModel(
                    new MinerClient(offer.endpoint(), cap, purchaser, spotCheck),
                    model,
                    idempotencyKey + "@" + offer.endpoint().getAuthority());
            String name = offer.endpoint().toString();
            if (byRoute.putIfAbsent(name, paid) == null) {
                routes.add(new InferenceRouter.Route(
                        name,
                        paid,
                        true,
                        price,
                        trust.map(t -> t.weightOf(offer.offerer())).orElse(java.math.BigDecimal.ONE)));
            }
        }
        AtomicReference<InferenceRouter.Choice> chosen = new AtomicReference<>();
        InferenceRouter router = new InferenceRouter(routes, cap, clock, Duration.ofMinutes(1), chosen::set);
        ChatResponse response = router.chat(request);
        return new Bought(response, byRoute.get(chosen.get().route()).lastPurchase());
    }

    /**
     * A second opinion from this market: the same request bought from the best-ranked other miner
     * of {@code model} within {@code cap} (not the first seller, none this buyer disputed lately),
     * the next when one cannot be reached or refuses; empty when none is left.
     */
    public SpotCheck.SecondOpinion secondOpinion(String model, Amount cap) {
        return (key, notFrom, messages, tools, options) -> {
            java.util.Set<dev.cyberia.keystore.Address> disputed =
                    purchaser.disputedSince(clock.instant().minus(AVOID_DISPUTED_FOR));
            List<Offer> others = market.offering(Offer.Kind.INFERENCE, model, cap.asset(), cap).stream()
                    .filter(o -> !o.offerer().equals(notFrom)
                            && !disputed.contains(o.offerer())
                            && !o.offerer().equals(purchaser.wallet()))
                    .toList();
            for (Offer offer : trust.map(t -> t.ranked(others)).orElse(others)) {
                try {
                    MinerClient.PaidAnswer paid = new MinerClient(offer.endpoint(), cap, purchaser)
                            .chat(key + "@" + offer.endpoint().getAuthority(), model, messages, tools, options);
                    // paid: this is the second opinion, usable or not (never a third purchase)
                    return Optional.of(new SpotCheck.SecondOpinion.Answer(
                            paid.dispute().isEmpty() ? paid.generation() : Optional.empty(),
                            paid.receipt(),
                            paid.miner(),
                            paid.pricePaid()));
                } catch (InferenceException notPaid) {
                    // unreachable, or refused before paying: the next may answer
                }
            }
            return Optional.empty();
        };
    }
}
