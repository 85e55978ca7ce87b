package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

/** The paying side of x402 {@code exact}: picks a way to pay it can afford and signs the EIP-3009 authorization. */
public final class X402Buyer {
    private final long chainId;
    private final Address token;
    private final Clock clock;
    private final SecureRandom random;

    /** Pays only in {@code token} on chain {@code chainId}. */
    public X402Buyer(long chainId, Address token, Clock clock, SecureRandom random) {
        this.chainId = chainId;
        this.token = token;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Chooses the first {@code accepts} entry on our network in our token whose price is within
     * {@code maxPrice}, and signs it. Nothing is signed when none qualifies.
     *
     * @throws X402Exception {@code price_above_cap} when our network and token are offered only
     *     above the cap, {@code invalid_network} when they are not offered at all
     */
    public X402.PaymentPayload pay(X402.PaymentRequired required, Signer payer, Amount maxPrice) {
        String network = X402.network(chainId);
        X402.Requirements tooDear = null;
        for (X402.Requirements r : required.accepts()) {
            if (!r.network().equals(network) || !r.asset().equals(token)) {
                continue;
            }
            if (r.amount().compareTo(maxPrice.baseUnits()) > 0) {
                tooDear = r;
                continue;
            }
            Instant now = clock.instant();
            TransferAuthorization authorization = TransferAuthorization.sign(
                    payer,
                    r.tokenDomain(),
                    r.payTo(),
                    Amount.ofBaseUnits(maxPrice.asset(), r.amount()),
                    now.minusSeconds(60),
                    now.plusSeconds(r.maxTimeoutSeconds()),
                    random);
            return new X402.PaymentPayload(required.resource(), r, authorization);
        }
        if (tooDear != null) {
            throw new X402Exception(
                    "price_above_cap",
                    402,
                    "the seller asks " + Amount.ofBaseUnits(maxPrice.asset(), tooDear.amount()) + ", above the cap of "
                            + maxPrice + "; nothing was signed");
        }
        throw new X402Exception(
                "invalid_network",
                402,
                "the seller accepts no payment in " + token + " on " + network + "; nothing was signed");
    }
}
