package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Treasury;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;

/**
 * An agent's profit and loss from its own ledger, since it was made: what it earned selling skills
 * and mining, what its owner gave it, what it spent on inference, on other agents' services, on
 * its host and on gas, and the net in tokens. Gas is paid in ETH and valued at a declared price.
 *
 * @param income skill sales ({@code income:services})
 * @param mined answers sold as a miner ({@code income:inference})
 * @param allowance top-ups from its owner ({@code income:allowance})
 * @param hosting what its host charged ({@code expenses:hosting})
 * @param sales how many skill sales
 * @param answersSold how many answers sold as a miner
 */
public record Books(
        Amount income,
        Amount mined,
        Amount allowance,
        Amount refunds,
        Amount inference,
        Amount services,
        Amount hosting,
        Amount gas,
        long sales,
        long answersSold) {

    public static Books of(Treasury treasury, Asset token) {
        List<LedgerEntry> entries = treasury.ledger();
        return new Books(
                Amount.ofBaseUnits(token, sum(entries, "income:services").negate()),
                Amount.ofBaseUnits(token, sum(entries, "income:inference").negate()),
                Amount.ofBaseUnits(token, sum(entries, "income:allowance").negate()),
                Amount.ofBaseUnits(token, sum(entries, "expenses:refunds")),
                Amount.ofBaseUnits(token, sum(entries, "expenses:inference")),
                Amount.ofBaseUnits(token, sum(entries, "expenses:services")),
                Amount.ofBaseUnits(token, sum(entries, "expenses:hosting")),
                Amount.ofBaseUnits(Asset.ether(), sum(entries, "expenses:gas")),
                count(entries, "income:services"),
                count(entries, "income:inference"));
    }

    /**
     * What it earned (skills and mining) less refunds, inference, services, hosting and gas, in
     * tokens; gas valued at {@code tokensPerEth}. An owner's allowance is not earned: it is left out.
     */
    public BigInteger netTokens(BigDecimal tokensPerEth) {
        return income.baseUnits()
                .add(mined.baseUnits())
                .subtract(refunds.baseUnits())
                .subtract(inference.baseUnits())
                .subtract(services.baseUnits())
                .subtract(hosting.baseUnits())
                .subtract(gasInTokens(tokensPerEth).baseUnits());
    }

    public Amount gasInTokens(BigDecimal tokensPerEth) {
        BigDecimal eth = new BigDecimal(gas.baseUnits()).movePointLeft(18);
        return Amount.ofBaseUnits(
                income.asset(),
                eth.multiply(tokensPerEth)
                        .movePointRight(income.asset().decimals())
                        .setScale(0, RoundingMode.CEILING)
                        .toBigIntegerExact());
    }

    /** The net, signed: {@code +1.2 CYB} or {@code -0.3 CYB}. */
    public String net(BigDecimal tokensPerEth) {
        BigInteger net = netTokens(tokensPerEth);
        return (net.signum() < 0 ? "-" : "+") + Amount.ofBaseUnits(income.asset(), net.abs());
    }

    public String text(BigDecimal tokensPerEth) {
        return "earned " + income + " from " + sales + " sales"
                + (answersSold == 0 ? "" : " and " + mined + " mining (" + answersSold + " answers)")
                + (allowance.isZero() ? "" : ", given " + allowance + " by its owner")
                + (refunds.isZero() ? "" : ", refunded " + refunds) + "; spent " + inference + " on inference, "
                + services + " on services, "
                + (hosting.isZero() ? "" : hosting + " on hosting, ")
                + gas + " on gas (" + gasInTokens(tokensPerEth) + " at " + tokensPerEth.toPlainString() + " "
                + income.asset().symbol() + "/ETH); net " + net(tokensPerEth);
    }

    private static BigInteger sum(List<LedgerEntry> entries, String account) {
        return entries.stream()
                .filter(e -> e.account().equals(account))
                .map(LedgerEntry::amount)
                .reduce(BigInteger.ZERO, BigInteger::add);
    }

    private static long count(List<LedgerEntry> entries, String account) {
        return entries.stream().filter(e -> e.account().equals(account)).count();
    }
}
