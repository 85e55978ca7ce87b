package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.A2aPeers;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.SpendRefusedException;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.Purchase;
import dev.cyberia.treasury.PurchaseOrder;
import dev.cyberia.treasury.TrustRegistries;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Hires another agent's sold skill (or any x402 {@code exact} service), at a URL or found by name
 * in the market registry (the cheapest listed within the cap, weighed by reputation), or an A2A
 * agent's skill, from its card or its ERC-8004 identity (then paying only the identity's wallet),
 * through the treasury's one purchase path (A2A in the a2a-x402 flow): it pays only within the cap the model gave, only the listed offerer, after the gate (payee
 * allowlist, budgets) and the treasury's spend policy; the seller settles, and the spend is booked
 * {@code expenses:services}, once per tick step.
 */
public final class HireSkill {
    private static final String ERC8004 = "erc8004:";

    private static PurchaseOrder a2a(CallContext context, A2aPeers.Peer peer, String arguments, Amount cap) {
        return new PurchaseOrder(
                context.nextPurchaseKey(),
                peer.endpoint(),
                arguments.getBytes(StandardCharsets.UTF_8),
                cap,
                "expenses:services",
                peer.payee(),
                Duration.ofSeconds(60),
                new PurchaseOrder.Via.A2a(peer.skill()));
    }

    /** An A2A agent's card and one of its skills: {@code …/agent-card.json#skill} (any other URL is x402). */
    private static boolean isAgentCard(String target) {
        if (!target.contains("://")) {
            return false;
        }
        URI uri = URI.create(target);
        return uri.getFragment() != null
                && uri.getPath() != null
                && (uri.getPath().endsWith("/agent-card.json") || uri.getPath().endsWith("/agent.json"));
    }

    private static URI withoutFragment(URI uri) {
        String s = uri.toString();
        return URI.create(s.substring(0, s.indexOf('#')));
    }

    @Tool(
            name = "hire",
            value = "Call another agent's sold skill, at its URL, found by name in the market, or as an A2A"
                    + " agent's skill, with JSON arguments, paying its price up to a cap.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String hire(
            @P("the skill's URL, e.g. http://127.0.0.1:8403/agents/scribe/skills/summarize; its name"
                            + " (summarize, or scribe/summarize) to hire the cheapest seller in the market; an A2A"
                            + " agent's card and skill (https://host/.well-known/agent-card.json#summarize); or an"
                            + " ERC-8004 agent's skill (erc8004:42/summarize)")
                    String skill,
            @P("the arguments, as a JSON object") String arguments,
            @P("the most to pay, in token units, e.g. \"0.1\"") String maxPrice,
            CallContext context) {
        Amount cap = Amount.parsePositive(maxPrice.trim(), context.token());
        String target = skill.trim();
        java.util.function.Predicate<String> reachable =
                host -> context.definition().policy().httpHosts().contains(host);
        PurchaseOrder order;
        String url;
        if (target.startsWith(ERC8004)) { // an ERC-8004 identity's A2A skill: erc8004:ID/skill
            String[] idAndSkill = target.substring(ERC8004.length()).split("/", 2);
            if (idAndSkill.length != 2 || !idAndSkill[0].matches("[0-9]{1,18}")) {
                throw new IllegalArgumentException(
                        "name an ERC-8004 agent's skill as erc8004:ID/skill, not '" + target + "'");
            }
            TrustRegistries trust = context.trust()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "'" + target + "' names an ERC-8004 agent, and no trust registries are configured"));
            A2aPeers.Peer peer = A2aPeers.byIdentity(trust, Long.parseLong(idAndSkill[0]), idAndSkill[1], reachable);
            order = a2a(context, peer, arguments, cap);
            url = order.target();
        } else if (isAgentCard(target)) { // an A2A agent card#skill
            URI card = URI.create(target);
            A2aPeers.Peer peer = A2aPeers.byCard(withoutFragment(card), card.getFragment(), reachable);
            order = a2a(context, peer, arguments, cap);
            url = order.target();
        } else {
            Optional<Offer> listed = Optional.empty();
            if (!target.contains("://")) {
                MarketRegistry market = context.market()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "'" + target + "' is not a URL and no market registry is configured to find it in"));
                // the cheapest within the cap, its price weighed by its seller's reputation where there is one
                java.util.List<Offer> offers = market.offering(Offer.Kind.SKILL, target, context.token(), cap);
                listed = context.trust().map(t -> t.ranked(offers)).orElse(offers).stream()
                        .findFirst()
                        .or(() -> {
                            throw new IllegalArgumentException(
                                    "no seller in the market offers '" + target + "' for at most " + cap);
                        });
            }
            url = listed.map(o -> o.endpoint().toString()).orElse(target);
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("only http and https URLs, not '" + url + "'");
            }
            if (uri.getHost() == null || !reachable.test(uri.getHost())) {
                throw new IllegalArgumentException("host '" + uri.getHost() + "' is not in policy.httpHosts "
                        + context.definition().policy().httpHosts());
            }
            order = new PurchaseOrder(
                    context.nextPurchaseKey(),
                    uri,
                    arguments.getBytes(StandardCharsets.UTF_8),
                    cap,
                    "expenses:services",
                    listed.map(Offer::offerer),
                    Duration.ofSeconds(60));
        }
        Purchase purchase = context.purchaser().buy(order);
        return switch (purchase.outcome()) {
            case Purchase.Outcome.Free free ->
                free.answer().status() + " " + free.answer().text();
            case Purchase.Outcome.NotPaid refused -> throw new SpendRefusedException(refused.reason());
            case Purchase.Outcome.Served served -> {
                context.recordService(
                        url,
                        served.seller(),
                        served.price(),
                        served.transaction().orElse(""));
                yield served.answer().status() == 200
                        ? served.answer().text()
                        : "paid, answered " + served.answer().status() + ": "
                                + served.answer().text();
            }
            case Purchase.Outcome.PaidNotServed lost -> {
                context.recordService(url, lost.seller(), lost.price(), lost.transaction());
                yield "paid " + lost.price() + " (" + lost.transaction() + ") but not served; a dispute is recorded: "
                        + lost.dispute();
            }
        };
    }
}
