package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.time.Instant;

/**
 * One payment in the journal.
 *
 * @param purpose the expense account it is booked to, e.g. {@code expenses:inference}
 * @param resource for an x402 purchase, the URL bought from; empty for a transfer
 */
public record Payment(
        long id,
        String idempotencyKey,
        Address payer,
        Address payee,
        Amount amount,
        String purpose,
        long chainId,
        PaymentState state,
        Instant createdAt,
        Instant updatedAt,
        java.util.Optional<String> resource) {

    /** Whether this is an x402 purchase (the seller settles it) rather than a transaction of ours. */
    public boolean isPurchase() {
        return resource.isPresent();
    }
}
