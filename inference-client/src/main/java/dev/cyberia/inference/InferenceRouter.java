package dev.cyberia.inference;

import dev.cyberia.treasury.Amount;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Chooses a provider for each request: only those that can do what it needs (tool calling) and
 * cost at most the cap; among them, the cheapest, then the fastest measured, skipping any that
 * failed within the cooldown. When the chosen one fails in a way another may not (a miner that is
 * down), the next is tried. Every choice is reported, with the price paid.
 */
public final class InferenceRouter implements ChatModel {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InferenceRouter.class);

    /**
     * A provider and what the router must know of it.
     *
     * @param pricePerRequest zero for local or unpaid endpoints
     */
    public record Route(
            String name, ChatModel model, boolean toolCalling, Amount pricePerRequest, java.math.BigDecimal weight) {
        public Route(String name, ChatModel model, boolean toolCalling, Amount pricePerRequest) {
            this(name, model, toolCalling, pricePerRequest, java.math.BigDecimal.ONE);
        }

        /** The price as the router compares it: weighed (by a seller's reputation, say); the cap is on the price. */
        java.math.BigDecimal weighedPrice() {
            return new java.math.BigDecimal(pricePerRequest.baseUnits()).multiply(weight);
        }
    }

    /** What the router did for one request. */
    public record Choice(String route, Amount price, Duration took, List<String> fellBackFrom) {}

    private final List<Route> routes;
    private final Amount maxPricePerRequest;
    private final Clock clock;
    private final Duration cooldown;
    private final Consumer<Choice> onChoice;
    private final ConcurrentHashMap<String, Duration> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> failedAt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> disputedAt = new ConcurrentHashMap<>();

    public InferenceRouter(
            List<Route> routes, Amount maxPricePerRequest, Clock clock, Duration cooldown, Consumer<Choice> onChoice) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("a router needs at least one route");
        }
        this.routes = List.copyOf(routes);
        this.maxPricePerRequest = maxPricePerRequest;
        this.clock = clock;
        this.cooldown = cooldown;
        this.onChoice = onChoice;
    }

    /** The routes this request may use, best first. */
    List<Route> candidates(ChatRequest request) {
        boolean needsTools = request.toolSpecifications() != null
                && !request.toolSpecifications().isEmpty();
        Instant now = clock.instant();
        List<Route> usable = new ArrayList<>();
        for (Route r : routes) {
            if (needsTools && !r.toolCalling()) {
                continue;
            }
            if (r.pricePerRequest().compareTo(maxPricePerRequest) > 0) {
                continue;
            }
            usable.add(r);
        }
        usable.sort(Comparator.<Route, Boolean>comparing(r -> recentlyDisputed(r, now))
                .thenComparing(r -> recentlyFailed(r, now))
                .thenComparing(Route::weighedPrice)
                .thenComparing(r -> latency.getOrDefault(r.name(), Duration.ZERO)));
        return usable;
    }

    /** A route whose answer was disputed (a failed spot check, a bad receipt) goes last for a day. */
    private boolean recentlyDisputed(Route r, Instant now) {
        Instant at = disputedAt.get(r.name());
        return at != null && at.plus(Duration.ofDays(1)).isAfter(now);
    }

    private boolean recentlyFailed(Route r, Instant now) {
        Instant at = failedAt.get(r.name());
        return at != null && at.plus(cooldown).isAfter(now);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<Route> candidates = candidates(request);
        if (candidates.isEmpty()) {
            throw new InferenceException("no provider can serve this request within " + maxPricePerRequest
                    + (request.toolSpecifications() != null
                                    && !request.toolSpecifications().isEmpty()
                            ? " with tool calling"
                            : ""));
        }
        List<String> failed = new ArrayList<>();
        InferenceException last = null;
        for (Route r : candidates) {
            Instant start = clock.instant();
            try {
                ChatResponse response = r.model().chat(request);
                Duration took = Duration.between(start, clock.instant());
                latency.merge(
                        r.name(),
                        took,
                        (old, now) -> old.multipliedBy(3).plus(now).dividedBy(4));
                failedAt.remove(r.name());
                if (r.model() instanceof PaidMinerChatModel paid
                        && paid.lastPurchase() != null
                        && paid.lastPurchase().dispute().isPresent()) {
                    disputedAt.put(r.name(), clock.instant());
                    LOG.warn(
                            "{} is demoted for a day: {}",
                            r.name(),
                            paid.lastPurchase().dispute().get());
                }
                Choice choice = new Choice(r.name(), r.pricePerRequest(), took, List.copyOf(failed));
                LOG.info(
                        "inference via {} for {} in {} ms{}",
                        choice.route(),
                        choice.price(),
                        took.toMillis(),
                        failed.isEmpty() ? "" : " after " + failed);
                onChoice.accept(choice);
                return response;
            } catch (InferenceException e) {
                if (!e.retriable()) {
                    throw e;
                }
                failedAt.put(r.name(), clock.instant());
                failed.add(r.name() + " (" + e.getMessage() + ")");
                last = e;
            }
        }
        throw new InferenceException("every provider failed: " + String.join("; ", failed), last);
    }

    /** The measured latency of a route, if it has answered yet. */
    public Optional<Duration> latencyOf(String route) {
        return Optional.ofNullable(latency.get(route));
    }
}
