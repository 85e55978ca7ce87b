package dev.cyberia.treasury;

import dev.cyberia.keystore.Signer;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The seller's side of one x402 {@code exact} request, whatever is sold: no payment header → ask to
 * be paid; a malformed, wrong, underpaid, expired or replayed payment → refused with the x402
 * reason; otherwise the authorization is settled on chain through the seller's own journal
 * ({@link Treasury#collect}: the seller pays the gas; or {@link Treasury#collectThrough} a
 * facilitator, which pays it), booked as {@code income:services}, and the caller serves.
 */
public final class X402Paywall {
    private static final int REMEMBERED_ANSWERS = 1024;

    private final Treasury wallet;
    private final Signer signer;
    private final X402Facilitator facilitator;
    private final X402Seller seller;
    /** Authorizations this paywall has taken in (payer:nonce): each is served once. */
    private final java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The answers given to the latest payments, by their exact header: a buyer's retry gets the same answer. */
    private final java.util.Map<String, Answer> answers =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Answer> eldest) {
                    return size() > REMEMBERED_ANSWERS;
                }
            });

    /** An answer a seller gave for a payment, kept for the buyer's retries (x402 {@code payment-identifier}). */
    public record Answer(int status, java.util.Map<String, String> headers, byte[] body) {
        public Answer {
            headers = java.util.Map.copyOf(headers);
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    /** A paywall that settles each payment itself: {@code signer} submits it and pays the gas. */
    public X402Paywall(Treasury wallet, Signer signer, Clock clock) {
        this.wallet = wallet;
        this.signer = signer;
        this.facilitator = null;
        this.seller = new X402Seller(wallet.chain(), clock);
    }

    /** A paywall that hands settlement to a facilitator: the wallet needs no ETH and signs nothing. */
    public X402Paywall(Treasury wallet, X402Facilitator facilitator, Clock clock) {
        this.wallet = wallet;
        this.signer = null;
        this.facilitator = facilitator;
        this.seller = new X402Seller(wallet.chain(), clock);
    }

    /** What to answer. */
    public sealed interface Outcome {
        /** 402 with {@code PAYMENT-REQUIRED}: no payment came. */
        record Unpaid(X402.PaymentRequired required) implements Outcome {}

        /**
         * Refused with {@code status} (400 malformed, 402 otherwise), {@code PAYMENT-REQUIRED} and a
         * failed {@code PAYMENT-RESPONSE}; nothing was served.
         */
        record Refused(
                int status,
                String reason,
                String message,
                X402.PaymentRequired required,
                X402.SettlementResponse response)
                implements Outcome {}

        /**
         * Settled on chain: serve, send {@code response} as {@code PAYMENT-RESPONSE}, and hand the
         * answer to {@link #answered} so that a retry of this payment gets it again.
         */
        record Paid(X402.PaymentPayload payment, Payment collected, X402.SettlementResponse response)
                implements Outcome {}

        /** The very payment was served already: send this answer again, serve nothing new. */
        record AlreadyServed(Answer answer) implements Outcome {}
    }

    /**
     * Keeps the answer given for a payment and the request it paid for, so that the same payment
     * for the same request (a retry, or a copy of it) gets this answer again and nothing is served
     * twice.
     */
    public void answered(Outcome.Paid paid, byte[] requestBody, int status, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put(X402.PAYMENT_RESPONSE, X402.encode(paid.response()));
        answers.put(answerKey(paid.payment(), requestBody), new Answer(status, all, body));
    }

    private static String answerKey(X402.PaymentPayload payment, byte[] requestBody) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(requestBody);
            return payment.authorization().from() + ":"
                    + payment.authorization().nonce() + ":"
                    + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param paymentSignature the {@code PAYMENT-SIGNATURE} header, or null when there was none
     * @param requestBody what the payment is for (a retry of it gets the same answer)
     */
    public Outcome charge(
            String paymentSignature, X402.Requirements required, X402.ResourceInfo resource, byte[] requestBody) {
        X402.PaymentRequired paymentRequired =
                new X402.PaymentRequired(resource, List.of(required), "PAYMENT-SIGNATURE header is required");
        if (paymentSignature == null) {
            return new Outcome.Unpaid(paymentRequired);
        }
        X402.PaymentPayload payment;
        try {
            payment = X402.decodePaymentPayload(paymentSignature);
        } catch (X402Exception e) {
            return refused(e.httpStatus(), e.reason(), e.getMessage(), paymentRequired, null);
        }
        // the same payment for the same request (the buyer's retry, or a copy of its header) gets the
        // answer it was given; the same payment for another request is a replay, refused below
        if (seller.verify(payment, required) instanceof X402Seller.Verification.Invalid invalid) {
            Answer given = answers.get(answerKey(payment, requestBody));
            if (given != null && invalid.reason().endsWith("nonce_used")) {
                return new Outcome.AlreadyServed(given);
            }
            return refused(402, invalid.reason(), invalid.message(), paymentRequired, payment);
        }
        String claim =
                payment.authorization().from() + ":" + payment.authorization().nonce();
        if (!claimed.add(claim)) { // the same authorization, in flight on another request
            return refused(
                    402,
                    "invalid_exact_evm_payload_authorization_nonce_used",
                    "this authorization is being settled on another request (replay)",
                    paymentRequired,
                    payment);
        }
        Payment collected;
        try {
            if (wallet.collected(payment).isPresent()) { // settled by an earlier request: served there
                return refused(
                        402,
                        "invalid_exact_evm_payload_authorization_nonce_used",
                        "this authorization was settled already (replay)",
                        paymentRequired,
                        payment);
            }
            collected = facilitator == null
                    ? wallet.collect(payment, signer)
                    : wallet.collectThrough(facilitator, payment, paymentSignature, required);
        } catch (OutcomeUnknownException e) {
            return refused(
                    402, "unexpected_settle_error", "settlement outcome unknown; not served", paymentRequired, payment);
        } catch (TreasuryException e) {
            return refused(402, "unexpected_settle_error", e.getMessage(), paymentRequired, payment);
        } finally {
            claimed.remove(claim); // from now on the journal (and the chain) know it
        }
        if (!(collected.state() instanceof PaymentState.Confirmed confirmed)) {
            return refused(
                    402,
                    "invalid_transaction_state",
                    "the payment did not settle: " + collected.state(),
                    paymentRequired,
                    payment);
        }
        return new Outcome.Paid(
                payment,
                collected,
                new X402.SettlementResponse(
                        true,
                        null,
                        confirmed.transactionHash(),
                        required.network(),
                        payment.authorization().from()));
    }

    private static Outcome refused(
            int status, String reason, String message, X402.PaymentRequired required, X402.PaymentPayload payment) {
        return new Outcome.Refused(
                status,
                reason,
                message,
                required,
                new X402.SettlementResponse(
                        false,
                        reason,
                        "",
                        required.accepts().get(0).network(),
                        payment == null ? null : payment.authorization().from()));
    }
}
