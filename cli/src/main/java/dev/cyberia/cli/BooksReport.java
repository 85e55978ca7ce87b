package dev.cyberia.cli;

import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.treasury.Treasury;
import java.time.Clock;

/** How the commands show an agent's books ({@link dev.cyberia.agentcore.Books}): gas valued at a declared price. */
final class BooksReport {
    private BooksReport() {}

    /** What one ETH is worth in tokens, for valuing gas: {@code CYBERIA_ETH_PRICE}, else 100. */
    static java.math.BigDecimal ethPrice(Environment env) {
        String text = env.variable("CYBERIA_ETH_PRICE");
        if (text == null) {
            return new java.math.BigDecimal("100");
        }
        try {
            java.math.BigDecimal price = new java.math.BigDecimal(text.trim());
            if (price.signum() < 0) {
                throw new NumberFormatException();
            }
            return price;
        } catch (NumberFormatException e) {
            throw new CliInputException("CYBERIA_ETH_PRICE '" + text + "' is not a price in tokens per ETH, e.g. 100");
        }
    }

    /** One line for the quickstart's periodic report. */
    static String line(AgentHome agents, ChainOptions.Resolved chain, String name, java.math.BigDecimal ethPrice) {
        AgentRecord a = agents.store.get(name);
        Treasury t = chain.treasury(agents.db, a.address(), Clock.systemUTC());
        return name + " (" + a.tier() + ", " + a.mode() + "): "
                + dev.cyberia.agentcore.Books.of(t, chain.token()).text(ethPrice);
    }
}
