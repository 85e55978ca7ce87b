package dev.cyberia.treasury;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the treasury counts as it works, for whoever serves metrics (the dashboard's {@code
 * /metrics}): x402 requests by side and outcome, and market lookups by kind and whether anything
 * was found. Counted since this JVM started, over every treasury in it. Labels come from small
 * fixed sets, never a wallet, a seller or a URL.
 */
public final class TreasuryCounters {
    /** One counted series: its name (Prometheus style, without {@code _total}) and labels. */
    public record Series(String name, Map<String, String> labels) {
        public Series {
            labels = Map.copyOf(labels);
        }

        /** What the series counts, for a metric's help text. */
        public String description() {
            return name.equals(X402)
                    ? "x402 requests, by side (buyer, seller) and outcome"
                    : "Market registry lookups, by kind of offer and whether one was found";
        }
    }

    static final String X402 = "cyberia.x402.requests";
    static final String LOOKUPS = "cyberia.market.lookups";
    private static final Map<Series, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private TreasuryCounters() {}

    /** Every series counted so far, with its count. */
    public static Map<Series, Long> snapshot() {
        Map<Series, Long> out = new TreeMap<>(java.util.Comparator.comparing(Series::toString));
        COUNTS.forEach((series, count) -> out.put(series, count.sum()));
        return out;
    }

    /** One series' count now (0 when never counted). */
    public static long count(Series series) {
        LongAdder n = COUNTS.get(series);
        return n == null ? 0 : n.sum();
    }

    /** A purchase this treasury made, by how it ended. */
    static void bought(Purchase purchase) {
        String outcome = switch (purchase.outcome()) {
            case Purchase.Outcome.Free f -> "free";
            case Purchase.Outcome.Served s -> "served";
            case Purchase.Outcome.PaidNotServed p -> "paid_not_served";
            case Purchase.Outcome.NotPaid n -> "not_paid";
        };
        x402("buyer", outcome);
    }

    /** A purchase that ended in an exception: {@code unreachable}, {@code outcome_unknown}, {@code refused}. */
    static void notBought(String outcome) {
        x402("buyer", outcome);
    }

    /** A request a paywall answered, by what it answered. */
    static void charged(X402Paywall.Outcome answer) {
        String outcome = switch (answer) {
            case X402Paywall.Outcome.Unpaid u -> "payment_required";
            case X402Paywall.Outcome.Refused r -> "refused";
            case X402Paywall.Outcome.Paid p -> "paid";
            case X402Paywall.Outcome.AlreadyServed a -> "already_served";
            case X402Paywall.Outcome.Vouched v -> "vouched";
        };
        x402("seller", outcome);
    }

    /** A look in the market registry for a kind of offer, and whether anything was found. */
    static void lookedUp(Offer.Kind kind, boolean found) {
        add(new Series(
                LOOKUPS, Map.of("kind", kind.name().toLowerCase(Locale.ROOT), "outcome", found ? "found" : "none")));
    }

    private static void x402(String side, String outcome) {
        add(new Series(X402, Map.of("side", side, "outcome", outcome)));
    }

    private static void add(Series series) {
        COUNTS.computeIfAbsent(series, s -> new LongAdder()).increment();
    }
}
