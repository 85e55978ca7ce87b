package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * How many days a balance lasts at a daily burn: the one figure survival modes, the ladder, {@code
 * agent status} and the dashboard all read, computed here only.
 *
 * @param days rounded down to hundredths; empty when nothing was spent (the runway is unlimited)
 */
public record Runway(Optional<BigDecimal> days) {
    /** No spending: the balance lasts for ever. */
    public static final Runway UNLIMITED = new Runway(Optional.empty());

    /** The runway of {@code balance} at {@code burnPerDay}, both in the same asset. */
    public static Runway of(Amount balance, Amount burnPerDay) {
        if (!balance.asset().symbol().equals(burnPerDay.asset().symbol())) {
            throw new IllegalArgumentException("a runway needs one asset, not "
                    + balance.asset().symbol() + " and " + burnPerDay.asset().symbol());
        }
        if (burnPerDay.isZero()) {
            return UNLIMITED;
        }
        return new Runway(Optional.of(new BigDecimal(balance.baseUnits())
                .divide(new BigDecimal(burnPerDay.baseUnits()), 2, RoundingMode.DOWN)));
    }

    /** Whether it lasts fewer than {@code limit} days. */
    public boolean shorterThan(BigDecimal limit) {
        return days.map(d -> d.compareTo(limit) < 0).orElse(false);
    }

    /** "12.50 days", or "unlimited". */
    @Override
    public String toString() {
        return days.map(d -> d.toPlainString() + " days").orElse("unlimited");
    }
}
