package dev.cyberia.treasury;

/**
 * Buys over x402 for someone: a wallet's {@link Treasury#buy} with its signer and the buyer's own
 * gate ({@link Treasury#purchaser}), or an agent's call context, which adds its policy gate and
 * records what was bought. Whatever buys (a miner client, a hired skill) takes one of these, so
 * there is one purchase path.
 */
public interface Purchaser {
    /** See {@link Treasury#buy}. */
    Purchase buy(PurchaseOrder order);

    /**
     * Records a dispute against the seller of a settled purchase (an answer that is unusable or
     * whose receipt does not match), with the evidence; the money stays booked.
     */
    void dispute(Payment purchase, String evidence);

    /** The sellers this buyer disputed a purchase of since {@code since}: whom to avoid. */
    java.util.Set<dev.cyberia.keystore.Address> disputedSince(java.time.Instant since);

    /** The wallet that pays: a buyer does not buy from itself (an agent that mines, say). */
    dev.cyberia.keystore.Address wallet();
}
