package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Offer;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Reads the market registry: who sells what, where, for how much. Free: a read of the chain. */
public final class MarketSkill {
    private static final int MAX_LISTED = 20;

    @Tool(
            name = "market_offers",
            value = "List the market's active offers of a kind (inference or skill), cheapest first, optionally"
                    + " only those whose name contains a word.")
    @Skill
    public String offers(
            @P("inference or skill") String kind,
            @P("a word the offer's name must contain, or empty for all") String contains,
            CallContext context) {
        Offer.Kind wanted;
        try {
            wanted = Offer.Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind is 'inference' or 'skill', not '" + kind + "'");
        }
        var market = context.market()
                .orElseThrow(() -> new IllegalStateException("no market registry is configured for this agent"));
        String word = contains.trim().toLowerCase(Locale.ROOT);
        List<Offer> offers = market.active().stream()
                .filter(o -> o.kind() == wanted)
                .filter(o -> o.name().toLowerCase(Locale.ROOT).contains(word))
                .filter(o -> context.token().token().map(o.asset()::equals).orElse(false))
                .sorted(Comparator.comparing(Offer::price))
                .limit(MAX_LISTED)
                .toList();
        if (offers.isEmpty()) {
            return "no active " + wanted.name().toLowerCase(Locale.ROOT) + " offers"
                    + (word.isEmpty() ? "" : " named like '" + word + "'");
        }
        StringBuilder out = new StringBuilder();
        for (Offer o : offers) {
            out.append(o.name())
                    .append(" for ")
                    .append(o.priceIn(context.token()))
                    .append(" at ")
                    .append(o.endpoint())
                    .append(" by ")
                    .append(o.offerer())
                    .append('\n');
        }
        return out.toString().stripTrailing();
    }
}
