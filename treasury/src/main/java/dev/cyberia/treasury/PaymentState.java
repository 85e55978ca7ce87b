package dev.cyberia.treasury;

import java.math.BigInteger;

/**
 * Where a payment is. The journal moves a payment forward only, each step a compare-and-set:
 * a transfer goes Intended → (AwaitingApproval →) Signed → Broadcast → Confirmed | Failed; an x402
 * purchase goes Intended → Authorized → Sent → Confirmed (settled on chain, booked) | Failed
 * (released: never settled and expired); either may stop at Denied or Failed before signing.
 */
public sealed interface PaymentState {

    /** Written before anything else happens; nothing signed yet. */
    record Intended() implements PaymentState {}

    /** Above the approval threshold: waits for a person ({@code treasury approvals}). */
    record AwaitingApproval(String reason) implements PaymentState {}

    /** Refused by the spend policy or by a person. Nothing was signed. */
    record Denied(String reason) implements PaymentState {}

    /** Signed, stored durably with its nonce and raw bytes; maybe not yet sent. */
    record Signed(BigInteger nonce, String transactionHash) implements PaymentState {}

    /** Sent to the node; not yet mined. */
    record Broadcast(BigInteger nonce, String transactionHash) implements PaymentState {}

    /**
     * An x402 purchase whose EIP-3009 authorization is signed and committed (the exact
     * {@code PAYMENT-SIGNATURE} header); maybe not yet sent. A retry sends these bytes again.
     */
    record Authorized(String authorizationNonce, java.time.Instant validBefore)
            implements PaymentState, InFlightPurchase {}

    /**
     * An x402 purchase handed to the seller, whose settlement is not known yet: the chain tells
     * ({@code authorizationState}); until its authorization expires it counts as spent.
     */
    record Sent(String authorizationNonce, java.time.Instant validBefore) implements PaymentState, InFlightPurchase {}

    /** A purchase whose signed authorization exists and is not settled or released: what the chain is asked about. */
    interface InFlightPurchase {
        String authorizationNonce();

        java.time.Instant validBefore();
    }

    /** Mined and successful (for a purchase: the seller's settlement); booked in the ledger. */
    record Confirmed(String transactionHash, long blockNumber, BigInteger gasFeeWei) implements PaymentState {}

    /** Did not happen. With a transaction hash when it was mined but reverted (gas was paid). */
    record Failed(String reason, String transactionHashOrNull) implements PaymentState {}

    /** Whether nothing more will happen to the payment. */
    default boolean isFinal() {
        return this instanceof Confirmed || this instanceof Failed || this instanceof Denied;
    }

    default String name() {
        return nameOf(getClass());
    }

    /** A state's name as the journal stores it: {@code AwaitingApproval} is {@code AWAITING_APPROVAL}. */
    static String nameOf(Class<?> state) {
        return state.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    /** Every state's name. */
    static java.util.List<String> names() {
        return java.util.Arrays.stream(PaymentState.class.getPermittedSubclasses())
                .map(PaymentState::nameOf)
                .toList();
    }
}
