package dev.cyberia.cli;

import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Treasury;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;

/**
 * An agent's profit and loss from its own ledger, since it was made: what it earned selling skills,
 * what it spent on inference, on other agents' services and on gas, and the net in tokens.
 */
record Books(Amount income, Amount refunds, Amount inference, Amount services, Amount gas, long sales) {

    static Books of(Treasury treasury, Asset token) {
        List<LedgerEntry> entries = treasury.ledger();
        return new Books(
                Amount.ofBaseUnits(token, sum(entries, "income:services").negate()),
                Amount.ofBaseUnits(token, sum(entries, "expenses:refunds")),
                Amount.ofBaseUnits(token, sum(entries, "expenses:inference")),
                Amount.ofBaseUnits(token, sum(entries, "expenses:services")),
                Amount.ofBaseUnits(Asset.ether(), sum(entries, "expenses:gas")),
                entries.stream()
                        .filter(e -> e.account().equals("income:services"))
                        .count());
    }

    /**
     * Income less refunds, inference, services and gas, in tokens; gas is paid in ETH and valued at
     * {@code tokensPerEth} (the devnet's ETH has no market price: the valuation is declared).
     */
    BigInteger netTokens(java.math.BigDecimal tokensPerEth) {
        return income.baseUnits()
                .subtract(refunds.baseUnits())
                .subtract(inference.baseUnits())
                .subtract(services.baseUnits())
                .subtract(gasInTokens(tokensPerEth).baseUnits());
    }

    Amount gasInTokens(java.math.BigDecimal tokensPerEth) {
        java.math.BigDecimal eth = new java.math.BigDecimal(gas.baseUnits()).movePointLeft(18);
        java.math.BigDecimal tokens = eth.multiply(tokensPerEth);
        return Amount.ofBaseUnits(
                income.asset(),
                tokens.movePointRight(income.asset().decimals())
                        .setScale(0, java.math.RoundingMode.CEILING)
                        .toBigIntegerExact());
    }

    String net(java.math.BigDecimal tokensPerEth) {
        BigInteger net = netTokens(tokensPerEth);
        return (net.signum() < 0 ? "-" : "+") + Amount.ofBaseUnits(income.asset(), net.abs());
    }

    String text(java.math.BigDecimal tokensPerEth) {
        return "earned " + income + " from " + sales + " sales"
                + (refunds.isZero() ? "" : ", refunded " + refunds) + "; spent " + inference + " on inference, "
                + services
                + " on services, " + gas + " on gas (" + gasInTokens(tokensPerEth) + " at "
                + tokensPerEth.toPlainString() + " " + income.asset().symbol() + "/ETH); net " + net(tokensPerEth);
    }

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
                + of(t, chain.token()).text(ethPrice);
    }

    private static BigInteger sum(List<LedgerEntry> entries, String account) {
        return entries.stream()
                .filter(e -> e.account().equals(account))
                .map(LedgerEntry::amount)
                .reduce(BigInteger.ZERO, BigInteger::add);
    }
}
