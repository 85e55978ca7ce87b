package dev.cyberia.treasury;

import io.micrometer.core.instrument.Metrics;

/**
 * What the treasury counts, on Micrometer's global registry (a facade, as SLF4J is for logs):
 * whoever serves metrics (the dashboard's {@code /metrics}) adds its registry there. Labels are
 * from small fixed sets, never a wallet, a seller or a URL.
 */
final class TreasuryMetrics {
    static final String X402 = "cyberia.x402.requests";
    static final String LOOKUPS = "cyberia.market.lookups";

    private TreasuryMetrics() {}

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
        Metrics.counter(
                        LOOKUPS,
                        "kind",
                        kind.name().toLowerCase(java.util.Locale.ROOT),
                        "outcome",
                        found ? "found" : "none")
                .increment();
    }

    private static void x402(String side, String outcome) {
        Metrics.counter(X402, "side", side, "outcome", outcome).increment();
    }
}
