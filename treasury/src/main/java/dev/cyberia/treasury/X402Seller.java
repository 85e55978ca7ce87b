package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.time.Clock;

/**
 * The selling side of x402 {@code exact}: verifies a payment against what it asked for, on the
 * message and on chain, before anything is served. Every refusal carries the x402 error reason.
 */
public final class X402Seller {
    /** Settling takes a few seconds; an authorization that ends sooner is refused as expired. */
    private static final long SETTLEMENT_MARGIN_SECONDS = 6;

    private final Chain chain;
    private final Clock clock;

    public X402Seller(Chain chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
    }

    /** The outcome of verification. */
    public sealed interface Verification {
        record Valid(Address payer) implements Verification {}

        record Invalid(String reason, String message) implements Verification {}
    }

    public Verification verify(X402.PaymentPayload payment, X402.Requirements required) {
        X402.Requirements accepted = payment.accepted();
        TransferAuthorization a = payment.authorization();
        if (!accepted.network().equals(required.network())) {
            return invalid(
                    "invalid_network", "paid on " + accepted.network() + ", this seller takes " + required.network());
        }
        if (!accepted.asset().equals(required.asset())
                || !accepted.tokenName().equals(required.tokenName())
                || !accepted.tokenVersion().equals(required.tokenVersion())) {
            return invalid(
                    "invalid_payment_requirements",
                    "paid in " + accepted.asset() + ", this seller takes " + required.asset());
        }
        if (!a.to().equals(required.payTo())) {
            return invalid(
                    "invalid_exact_evm_payload_recipient_mismatch",
                    "the authorization pays " + a.to() + ", not " + required.payTo());
        }
        if (a.value().compareTo(required.amount()) != 0) {
            return invalid(
                    "invalid_exact_evm_payload_authorization_value_mismatch",
                    "the authorization moves " + a.value() + " base units, the price is " + required.amount());
        }
        if (!accepted.sameOfferAs(required)) {
            return invalid(
                    "invalid_payment_requirements",
                    "the 'accepted' requirement is not the one this seller offered (it must be echoed unchanged)");
        }
        if (!a.isSignedByPayer()) {
            return invalid("invalid_exact_evm_payload_signature", "the signature does not recover to " + a.from());
        }
        long now = clock.instant().getEpochSecond();
        if (BigInteger.valueOf(now).compareTo(a.validAfter()) < 0) {
            return invalid(
                    "invalid_exact_evm_payload_authorization_valid_after",
                    "the authorization is not valid before " + a.validAfter());
        }
        if (BigInteger.valueOf(now + SETTLEMENT_MARGIN_SECONDS).compareTo(a.validBefore()) >= 0) {
            return invalid(
                    "invalid_exact_evm_payload_authorization_valid_before",
                    "the authorization expired (or expires too soon to settle)");
        }
        byte[] used = chain.call(
                required.asset(), Abi.call("authorizationState(address,bytes32)", a.from(), Abi.bytes(a.nonce())));
        if (Abi.uint(Abi.hex(used)).signum() != 0) {
            return invalid(
                    "invalid_exact_evm_payload_authorization_nonce_used",
                    "this authorization was already used (replay)");
        }
        BigInteger balance = dev.cyberia.treasury.internal.Erc20.balanceOf(chain, required.asset(), a.from());
        if (balance.compareTo(a.value()) < 0) {
            return invalid(
                    "insufficient_funds", "the payer holds " + balance + " base units, the price is " + a.value());
        }
        return new Verification.Valid(a.from());
    }

    private static Verification invalid(String reason, String message) {
        return new Verification.Invalid(reason, message);
    }
}
