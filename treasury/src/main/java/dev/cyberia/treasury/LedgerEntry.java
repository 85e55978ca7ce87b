package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.math.BigInteger;
import java.time.Instant;

/**
 * One leg of a posting. The legs of a posting sum to zero: debits positive, credits negative.
 *
 * @param paymentId the journal entry it books, or 0 for movements that are not our payments
 */
public record LedgerEntry(
        long postingId,
        Address wallet,
        String account,
        Asset asset,
        BigInteger amount,
        long paymentId,
        String transactionHash,
        String memo,
        Instant createdAt) {

    /** The signed amount in units, e.g. "-1.25". */
    public String units() {
        String magnitude = Amount.ofBaseUnits(asset, amount.abs()).units();
        return amount.signum() < 0 ? "-" + magnitude : magnitude;
    }
}
