package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;

/**
 * An offer in the market registry, as the chain holds it.
 *
 * @param id the registry's id, stable across updates
 * @param name what is offered: a model name for inference, {@code agent/skill} for a skill
 * @param endpoint where it is sold over x402: a miner's base URL, or the skill's URL
 * @param asset the token the price is in
 * @param price base units of {@code asset} per request or call
 * @param active false once the offerer withdrew it
 * @param schemes the x402 schemes its endpoint takes ({@code exact}, {@code batch-settlement})
 */
public record Offer(
        long id,
        Kind kind,
        String name,
        URI endpoint,
        Address offerer,
        Address asset,
        BigInteger price,
        boolean active,
        Instant updatedAt,
        java.util.Set<String> schemes) {

    public Offer {
        schemes = java.util.Set.copyOf(schemes);
    }

    /** Whether a buyer can pay this offer over a channel. */
    public boolean takesChannels() {
        return schemes.contains(X402.BATCH_SETTLEMENT);
    }

    /** What an offer sells; the ordinal is the contract's {@code kind}. */
    public enum Kind {
        INFERENCE,
        SKILL
    }

    /** The price as an amount of {@code token}, which must be the offer's asset. */
    public Amount priceIn(Asset token) {
        if (!token.token().map(asset::equals).orElse(false)) {
            throw new InvalidTreasuryInputException(
                    "offer #" + id + " is priced in " + asset + ", not in " + token.symbol());
        }
        return Amount.ofBaseUnits(token, price);
    }
}
