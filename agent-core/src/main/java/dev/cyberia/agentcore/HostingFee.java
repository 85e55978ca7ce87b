package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * What a node charges each agent it hosts: {@code amount} (token units) per {@code period}, paid
 * from the agent's treasury to the node's {@code operator}, once per period, booked {@code
 * expenses:hosting}. An agent that cannot pay hibernates until it can.
 */
public record HostingFee(Address operator, BigDecimal amount, Duration period) {
    public HostingFee {
        if (operator == null) {
            throw new IllegalArgumentException("a hosting fee is paid to the node operator's address");
        }
        if (amount == null || amount.signum() <= 0) {
            throw new IllegalArgumentException("a hosting fee is above 0, not " + amount);
        }
        if (period == null || period.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("a hosting fee's period is at least 1m, not " + period);
        }
    }

    /**
     * Reads {@code AMOUNT/PERIOD}: {@code 0.01/h}, {@code 0.5/1d}, {@code 0.002/10m}.
     *
     * @throws IllegalArgumentException with the form expected
     */
    public static HostingFee parse(String text, Address operator) {
        String[] parts = text == null ? new String[0] : text.trim().split("/", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "a hosting fee is AMOUNT/PERIOD, e.g. 0.01/h or 0.5/1d, not '" + text + "'");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the hosting fee's amount '" + parts[0] + "' is not a number");
        }
        String period = parts[1].trim();
        return new HostingFee(
                operator, amount, AgentDefinitions.parseDuration(period.matches("[smhd]") ? "1" + period : period));
    }

    /** The start of the period {@code now} falls in (periods count from the epoch, so nodes agree on them). */
    Instant periodStart(Instant now) {
        return periodStart(now, period);
    }

    /**
     * The start of the {@code period} that {@code now} falls in, counted from the epoch: the same on
     * every node, so a fee or an allowance keyed by it is paid once per period wherever it runs.
     */
    static Instant periodStart(Instant now, java.time.Duration period) {
        long seconds = period.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), seconds) * seconds);
    }

    @Override
    public String toString() {
        return amount.stripTrailingZeros().toPlainString() + " per "
                + Ladder.human(period).trim() + " to " + operator;
    }
}
