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
        Runway runway = Runway.of(balance, burnPerDay);
        if (runway.days().isEmpty()) {
            return new Verdict(NORMAL, "no spending in the last 24 hours");
        }
        String figures = "runway " + runway + " (" + balance + " at " + burnPerDay + "/day)";
        if (runway.shorterThan(BigDecimal.valueOf(thresholds.criticalDays()))) {
            return new Verdict(CRITICAL, figures + " < " + thresholds.criticalDays());
        }
        if (runway.shorterThan(BigDecimal.valueOf(thresholds.conserveDays()))) {
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
