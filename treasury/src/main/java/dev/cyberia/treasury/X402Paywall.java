package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The seller's side of one x402 request, whatever is sold: no payment header → ask to be paid, in
 * every scheme offered; a malformed, wrong, underpaid, expired or replayed payment → refused with
 * the x402 reason. An {@code exact} payment is settled on chain through the seller's own journal
 * ({@link Treasury#collect}: the seller pays the gas; or {@link Treasury#collectThrough} a
 * facilitator, which pays it), booked as {@code income:services}, and the caller serves. A
 * {@code batch-settlement} voucher is checked off chain and journaled ({@link Outcome.Vouched}):
 * the caller serves, then says what the answer costs ({@link #charged}); claims go out in batches
 * ({@link #claimChannels}, on a schedule with {@link #claimEvery}, and on {@link #close}).
 */
public final class X402Paywall implements AutoCloseable {
    private static final int REMEMBERED_ANSWERS = 1024;

    private final Treasury wallet;
    private final Signer signer;
    private final X402Facilitator facilitator;
    private final X402Seller seller;
    private final X402ChannelSales channels;
    private final String incomeAccount;
    private java.util.concurrent.ScheduledExecutorService claiming;
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
        this(wallet, signer, clock, Treasury.INCOME_SERVICES);
    }

    /** The same, booking its sales to {@code incomeAccount} (a miner's: income:inference). */
    public X402Paywall(Treasury wallet, Signer signer, Clock clock, String incomeAccount) {
        this.wallet = wallet;
        this.signer = signer;
        this.facilitator = null;
        this.incomeAccount = requireIncome(incomeAccount);
        this.seller = new X402Seller(wallet.chain(), clock);
        this.channels = new X402ChannelSales(wallet, wallet.channelStore(), signer, clock, incomeAccount);
    }

    /** A paywall that hands settlement to a facilitator: the wallet needs no ETH and signs nothing. */
    public X402Paywall(Treasury wallet, X402Facilitator facilitator, Clock clock) {
        this(wallet, facilitator, clock, Treasury.INCOME_SERVICES);
    }

    /** The same, booking its sales to {@code incomeAccount}. */
    public X402Paywall(Treasury wallet, X402Facilitator facilitator, Clock clock, String incomeAccount) {
        this.wallet = wallet;
        this.signer = null;
        this.facilitator = facilitator;
        this.incomeAccount = requireIncome(incomeAccount);
        this.seller = new X402Seller(wallet.chain(), clock);
        this.channels = null;
    }

    private static String requireIncome(String account) {
        if (account == null || !account.matches("income:[a-z0-9_:-]{1,80}")) {
            throw new InvalidTreasuryInputException(
                    "sales are booked to an income account such as income:services," + " not '" + account + "'");
        }
        return account;
    }

    /**
     * Whether this paywall takes channel payments: it settles itself (deposits and claims need its
     * key and gas) and the chain has the scheme's contract.
     */
    public boolean takesChannels() {
        if (channels == null) {
            return false;
        }
        return wallet.channelContract();
    }

    /**
     * A {@code batch-settlement} offer from this seller: at most {@code price} per request, a
     * withdrawal delay of 15 minutes, and a smallest deposit of ten requests.
     */
    public X402.Requirements channelOffer(TokenDomain token, Amount price, int maxTimeoutSeconds) {
        return X402.Requirements.channel(
                token.chainId(),
                token,
                price,
                wallet.wallet(),
                wallet.wallet(),
                ChannelConfig.MIN_WITHDRAW_DELAY,
                Amount.ofBaseUnits(price.asset(), price.baseUnits().multiply(java.math.BigInteger.TEN)),
                maxTimeoutSeconds);
    }

    /** A request paid by voucher, journaled and not yet charged: serve it, then {@link #charged} or {@link #unserved}. */
    public static final class ChannelSale {
        private final X402ChannelSales.Sale sale;
        private final String answerKey;

        private ChannelSale(X402ChannelSales.Sale sale, String answerKey) {
            this.sale = sale;
            this.answerKey = answerKey;
        }

        public Address payer() {
            return sale.payment().config().payer();
        }

        /** The most this request may be charged (the offer's amount), in base units. */
        public java.math.BigInteger price() {
            return sale.price();
        }

        public String channelId() {
            return sale.payment().voucher().channelId();
        }
    }

    /**
     * The answer to a voucher-paid request is ready: charges {@code amount} base units (at most its
     * price), books it, keeps the answer for the buyer's retries, and returns the {@code
     * PAYMENT-RESPONSE} header to send with it.
     */
    public String charged(
            ChannelSale sale, java.math.BigInteger amount, int status, Map<String, String> headers, byte[] body) {
        X402.SettlementResponse response = channels.charge(sale.sale, amount);
        String header = X402.encode(response);
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put(X402.PAYMENT_RESPONSE, header);
        answers.put(sale.answerKey, new Answer(status, all, body));
        return header;
    }

    /**
     * The answer a charged voucher-paid request finally got, kept (with its {@code PAYMENT-RESPONSE})
     * for the buyer's retries, when it was not complete yet at {@link #charged}.
     */
    public void answered(ChannelSale sale, int status, Map<String, String> headers, byte[] body) {
        Answer charged = answers.get(sale.answerKey);
        Map<String, String> all = new java.util.HashMap<>(headers);
        if (charged != null && charged.headers().containsKey(X402.PAYMENT_RESPONSE)) {
            all.put(X402.PAYMENT_RESPONSE, charged.headers().get(X402.PAYMENT_RESPONSE));
        }
        answers.put(sale.answerKey, new Answer(status, all, body));
    }

    /** A voucher-paid request that could not be answered: nothing is charged, the voucher is dropped. */
    public void unserved(ChannelSale sale) {
        channels.unserved(sale.sale);
    }

    /** What a round of channel claims did: channels claimed, base units paid out to this wallet, its transaction. */
    public record Claims(int channels, java.math.BigInteger paidOut, java.util.Optional<String> transaction) {}

    /** Claims every channel's unclaimed charges now, in one transaction, and books what was paid out. */
    public Claims claimChannels() {
        if (channels == null) {
            return new Claims(0, java.math.BigInteger.ZERO, java.util.Optional.empty());
        }
        X402ChannelSales.ClaimRound round = channels.claim();
        return new Claims(round.channels(), round.paidOut(), round.transaction());
    }

    /**
     * Claims on a schedule, every {@code interval}, until {@link #close}; {@code failed} hears of a
     * round that failed (the vouchers stay journaled, and the next round claims them).
     */
    public synchronized void claimEvery(
            java.time.Duration interval, java.util.function.Consumer<RuntimeException> failed) {
        if (channels == null || claiming != null) {
            return;
        }
        claiming = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "x402-claims");
            t.setDaemon(true);
            return t;
        });
        claiming.scheduleWithFixedDelay(
                () -> {
                    try {
                        claimChannels();
                    } catch (RuntimeException e) {
                        failed.accept(e);
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule and claims what is left once more. */
    @Override
    public synchronized void close() {
        if (claiming != null) {
            claiming.shutdownNow();
            claiming = null;
        }
        if (channels != null && !channels.nothingToClaim()) {
            claimChannels();
        }
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

        /** A voucher checked and journaled: serve, then {@link #charged} (or {@link #unserved}). */
        record Vouched(ChannelSale sale) implements Outcome {}
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
        return charge(paymentSignature, List.of(required), resource, requestBody);
    }

    /**
     * @param offered the ways to pay this seller takes, at most one per scheme
     */
    public Outcome charge(
            String paymentSignature, List<X402.Requirements> offered, X402.ResourceInfo resource, byte[] requestBody) {
        Outcome answer = decide(paymentSignature, offered, resource, requestBody);
        TreasuryCounters.charged(answer);
        return answer;
    }

    private Outcome decide(
            String paymentSignature, List<X402.Requirements> offered, X402.ResourceInfo resource, byte[] requestBody) {
        X402.PaymentRequired paymentRequired =
                new X402.PaymentRequired(resource, offered, "PAYMENT-SIGNATURE header is required");
        if (paymentSignature == null) {
            return new Outcome.Unpaid(paymentRequired);
        }
        java.util.Optional<X402.Requirements> channelOffer =
                offered.stream().filter(X402.Requirements::isChannel).findFirst();
        String scheme;
        try {
            scheme = X402.schemeOf(paymentSignature);
        } catch (X402Exception e) {
            return refused(e.httpStatus(), e.reason(), e.getMessage(), paymentRequired, null);
        }
        if (X402.BATCH_SETTLEMENT.equals(scheme) && channelOffer.isPresent() && channels != null) {
            return chargeVoucher(paymentSignature, channelOffer.get(), paymentRequired, requestBody);
        }
        X402.Requirements required =
                offered.stream().filter(r -> !r.isChannel()).findFirst().orElse(null);
        if (required == null) {
            return refused(400, "unsupported_scheme", "this seller takes only batch-settlement", paymentRequired, null);
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
                    ? wallet.collect(payment, signer, incomeAccount)
                    : wallet.collectThrough(facilitator, payment, paymentSignature, required, incomeAccount);
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

    private Outcome chargeVoucher(
            String header, X402.Requirements offer, X402.PaymentRequired paymentRequired, byte[] requestBody) {
        X402.ChannelPayment payment;
        try {
            payment = X402.decodeChannelPayment(header);
        } catch (X402Exception e) {
            return refused(e.httpStatus(), e.reason(), e.getMessage(), paymentRequired, null);
        }
        String key = payment.voucher().channelId() + ":" + payment.voucher().maxClaimable() + ":" + digest(requestBody);
        Answer given = answers.get(key);
        if (given != null) {
            return new Outcome.AlreadyServed(given);
        }
        Object accepted;
        try {
            accepted = channels.accept(payment, offer);
        } catch (OutcomeUnknownException e) {
            return refused(
                    402,
                    "unexpected_settle_error",
                    "the deposit's outcome is unknown; not served",
                    paymentRequired,
                    null);
        } catch (TreasuryException e) {
            return refused(402, "unexpected_settle_error", e.getMessage(), paymentRequired, null);
        }
        if (accepted instanceof X402ChannelSales.Refusal r) {
            X402.PaymentRequired corrective = paymentRequired;
            if (r.correction() != null) {
                com.fasterxml.jackson.databind.node.ObjectNode wire =
                        offer.wire().deepCopy();
                com.fasterxml.jackson.databind.node.ObjectNode extra = wire.with("extra");
                extra.setAll(r.correction());
                X402.Requirements corrected = new X402.Requirements(
                        offer.scheme(),
                        offer.network(),
                        offer.amount(),
                        offer.asset(),
                        offer.payTo(),
                        offer.maxTimeoutSeconds(),
                        offer.tokenName(),
                        offer.tokenVersion(),
                        wire);
                corrective = new X402.PaymentRequired(paymentRequired.resource(), List.of(corrected), r.reason());
            }
            return new Outcome.Refused(
                    402,
                    r.reason(),
                    r.message(),
                    corrective,
                    new X402.SettlementResponse(
                            false,
                            r.reason(),
                            "",
                            offer.network(),
                            payment.config().payer()));
        }
        return new Outcome.Vouched(new ChannelSale((X402ChannelSales.Sale) accepted, key));
    }

    private static String digest(byte[] body) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
                        required.accepts().isEmpty()
                                ? ""
                                : required.accepts().get(0).network(),
                        payment == null ? null : payment.authorization().from()));
    }
}
