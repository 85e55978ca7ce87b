package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * How hard an agent must save, from its runway (balance ÷ recent daily burn). Never a dead end:
 * a hibernating agent still observes on each (slower) heartbeat and wakes when funds arrive.
 */
public enum SurvivalMode {
    /** Plenty of runway. */
    NORMAL(1),
    /** Cheaper inference, heartbeat twice as slow. */
    CONSERVE(2),
    /** Only tools that earn (or that neither spend nor reach out). */
    CRITICAL(2),
    /** No spending at all; wakes by itself when the balance rises above the floor. */
    HIBERNATE(4);

    private final int heartbeatMultiplier;

    SurvivalMode(int heartbeatMultiplier) {
        this.heartbeatMultiplier = heartbeatMultiplier;
    }

    /** How many times slower than the defined heartbeat an agent in this mode ticks. */
    public int heartbeatMultiplier() {
        return heartbeatMultiplier;
    }

    /**
     * The mode for a balance and a burn over the last 24 hours.
     *
     * @return the mode, with the figures that decided it
     */
    public static Verdict of(Amount balance, Amount burnPerDay, AgentDefinition.Survival thresholds) {
        BigInteger floor = toBaseUnits(thresholds.hibernateBelow(), balance);
        if (balance.baseUnits().compareTo(floor) < 0) {
            return new Verdict(HIBERNATE, "balance " + balance + " is below the floor " + thresholds.hibernateBelow());
        }
        if (burnPerDay.isZero()) {
            return new Verdict(NORMAL, "no spending in the last 24 hours");
        }
        BigDecimal runwayDays = new BigDecimal(balance.baseUnits())
                .divide(new BigDecimal(burnPerDay.baseUnits()), 2, RoundingMode.DOWN);
        String figures = "runway " + runwayDays.toPlainString() + " days (" + balance + " at " + burnPerDay + "/day)";
        if (runwayDays.compareTo(BigDecimal.valueOf(thresholds.criticalDays())) < 0) {
            return new Verdict(CRITICAL, figures + " < " + thresholds.criticalDays());
        }
        if (runwayDays.compareTo(BigDecimal.valueOf(thresholds.conserveDays())) < 0) {
            return new Verdict(CONSERVE, figures + " < " + thresholds.conserveDays());
        }
        return new Verdict(NORMAL, figures);
    }

    static BigInteger toBaseUnits(BigDecimal units, Amount like) {
        return units.movePointRight(like.asset().decimals())
                .setScale(0, RoundingMode.UP)
                .toBigIntegerExact();
    }

    /** A mode and why. */
    public record Verdict(SurvivalMode mode, String reason) {}
}
