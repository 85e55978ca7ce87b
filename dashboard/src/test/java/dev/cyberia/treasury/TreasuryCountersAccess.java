package dev.cyberia.treasury;

/** Counts one x402 request and one market lookup, as the treasury does when it works. */
public final class TreasuryCountersAccess {
    private TreasuryCountersAccess() {}

    public static void countOneOfEach() {
        TreasuryCounters.notBought("unreachable");
        TreasuryCounters.lookedUp(Offer.Kind.SKILL, true);
    }
}
