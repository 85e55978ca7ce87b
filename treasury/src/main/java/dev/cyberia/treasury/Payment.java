package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.time.Instant;

/**
 * One payment in the journal.
 *
 * @param purpose the expense account it is booked to, e.g. {@code expenses:inference}
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
        Instant updatedAt) {}
