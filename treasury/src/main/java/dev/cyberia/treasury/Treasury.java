package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Eip1559Transaction;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import dev.cyberia.treasury.internal.JournalStore;
import dev.cyberia.treasury.internal.JournalStore.Leg;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One wallet's treasury. {@link #pay} is the whole life of a payment, in order: the intent is
 * journaled under its idempotency key; the spend policy decides; the wallet's next nonce is taken
 * and the transaction signed in one database transaction; the signed bytes are broadcast; the
 * receipt settles the payment and books it in the ledger, once. {@link #buy} is the same for an x402
 * purchase, where the seller submits the signed authorization and the chain says what was settled.
 */
public final class Treasury {
    private static final BigInteger GAS_HEADROOM_PERCENT = BigInteger.valueOf(120);

    private final JournalStore store;
    private final Chain chain;
    private final Asset token;
    private final Address wallet;
    private final Clock clock;
    private final Options options;
    private final X402Purchases purchases;
    private final X402Collections collections;
    private final dev.cyberia.treasury.internal.ChannelStore channels;

    /**
     * @param maxFeePerGasCap refuse to sign when the network asks more than this (wei per gas)
     * @param confirmationTimeout how long {@link #pay} waits for a receipt before returning a Broadcast payment
     */
    public record Options(
            BigInteger maxFeePerGasCap, Duration confirmationTimeout, Duration pollInterval, PaymentListener listener) {
        public static final Options DEFAULT = new Options(
                BigInteger.valueOf(500_000_000_000L),
                Duration.ofSeconds(60),
                Duration.ofMillis(50),
                PaymentListener.NONE);

        public Options withListener(PaymentListener newListener) {
            return new Options(maxFeePerGasCap, confirmationTimeout, pollInterval, newListener);
        }

        public Options withMaxFeePerGasCap(BigInteger weiPerGas) {
            return new Options(weiPerGas, confirmationTimeout, pollInterval, listener);
        }

        public Options withConfirmationTimeout(Duration timeout) {
            return new Options(maxFeePerGasCap, timeout, pollInterval, listener);
        }
    }

    private Treasury(JournalStore store, Chain chain, Asset token, Address wallet, Clock clock, Options options) {
        this.store = store;
        this.chain = chain;
        this.token = token;
        this.wallet = wallet;
        this.clock = clock;
        this.options = options;
        this.channels = new dev.cyberia.treasury.internal.ChannelStore(store);
        this.purchases = new X402Purchases(this, store, chain, token, wallet, clock);
        this.collections = new X402Collections(this, store, chain, token, wallet, clock);
    }

    /** The token this treasury buys and sells in. */
    Asset token() {
        return token;
    }

    private volatile Boolean channelContract;

    /**
     * Whether the chain has the x402 channel contract where the scheme expects it; asked once (a
     * contract is not taken away).
     */
    boolean channelContract() {
        Boolean known = channelContract;
        if (known == null) {
            known = BatchSettlement.deployedOn(chain);
            channelContract = known;
        }
        return known;
    }

    /** The x402 channel tables of this treasury's database. */
    dev.cyberia.treasury.internal.ChannelStore channelStore() {
        return channels;
    }

    Clock clock() {
        return clock;
    }

    public static Treasury open(
            TreasuryDatabase db, Chain chain, Asset token, Address wallet, Clock clock, Options options) {
        return new Treasury(new JournalStore(db.dataSource()), chain, token, wallet, clock, options);
    }

    public Address wallet() {
        return wallet;
    }

    public Chain chain() {
        return chain;
    }

    /** The assets this treasury keeps books for: the native coin and the configured token. */
    public List<Asset> assets() {
        return List.of(Asset.ether(), token);
    }

    /** The asset called {@code symbol} here, e.g. "CYB" or "ETH". */
    public Asset asset(String symbol) {
        return assets().stream()
                .filter(a -> a.symbol().equalsIgnoreCase(symbol))
                .findFirst()
                .orElseThrow(() -> new InvalidTreasuryInputException("unknown asset '" + symbol + "'; use "
                        + String.join(
                                " or ", assets().stream().map(Asset::symbol).toList())));
    }

    /** The wallet's balance on chain. */
    public Amount balance(Asset asset) {
        return chain.balanceOf(asset, wallet);
    }

    /**
     * What this wallet is worth in an asset: its balance on chain plus what its x402 channels hold
     * for it (deposited, not yet charged; it comes back by refund or withdrawal). What runway and
     * survival are judged by; spending is judged by the balance.
     */
    public Amount holdings(Asset asset) {
        return holdings(asset, balance(asset));
    }

    /**
     * The balance as of the chain's head, read once per block for all the wallets on this chain:
     * what a tick observes. Payments are decided on {@link #balance}, never on this.
     */
    public Amount observedBalance(Asset asset) {
        return chain.observedBalanceOf(asset, wallet);
    }

    /** {@link #holdings} with the on-chain part {@linkplain #observedBalance observed}. */
    public Amount observedHoldings(Asset asset) {
        return holdings(asset, observedBalance(asset));
    }

    private Amount holdings(Asset asset, Amount onChain) {
        if (asset.isNative()) {
            return onChain;
        }
        BigInteger inChannels = store.accountBalance(wallet, asset.channelAccount(), asset.symbol());
        return onChain.plus(Amount.ofBaseUnits(asset, inChannels.max(BigInteger.ZERO)));
    }

    /**
     * Pays, exactly once per idempotency key. Returns the payment in its latest state: Confirmed,
     * Denied (with the policy's reason), AwaitingApproval, Failed (e.g. insufficient funds,
     * before anything is signed), or Broadcast when no receipt came within the timeout.
     *
     * @throws OutcomeUnknownException when the transaction is signed but could not be handed to
     *     the node; the journal keeps it, and {@link #reconcilePending()} finishes it
     */
    public Payment pay(PaymentRequest request, Signer signer) {
        requireOwnSigner(signer);
        if (request.isIncome()) {
            throw new InvalidTreasuryInputException("pay() spends; money coming in is collected with collect()");
        }
        if (request.amount().isZero()) {
            throw new InvalidTreasuryInputException("an amount to send must be more than zero");
        }
        Payment payment = told(store.intend(request, wallet, chain.chainId(), clock.instant())); // 1. journaled
        if (payment.state() instanceof PaymentState.Intended) {
            payment = signAndSend(payment, signer, List.of("INTENDED")); // 2.-5. decided, signed, sent, booked
        } else if (payment.state() instanceof PaymentState.Signed
                || payment.state() instanceof PaymentState.Broadcast) {
            payment = sendAndSettle(payment);
        }
        return payment;
    }

    /**
     * Buys over x402, exactly once per idempotency key: the one path for inference, hired skills
     * and planner calls. Asks the seller, picks what to pay (our network and token, within the cap,
     * the order's payee), asks {@code gate} then the spend policy (under the wallet's lock, with the
     * funds check), commits the signed authorization before sending it, and books what the chain
     * shows was settled, once. A second call with the same key returns the first's outcome, or
     * re-sends its committed authorization; it never signs a second one.
     *
     * @throws SellerUnreachableException when the seller could not be asked (nothing signed; retriable)
     * @throws OutcomeUnknownException when the payment was sent and neither the seller nor the chain
     *     says what became of it; the journal keeps it, and a retry or {@link #reconcilePending()} finishes it
     */
    public Purchase buy(PurchaseOrder order, Signer signer, PurchaseGate gate) {
        requireOwnSigner(signer);
        try {
            Purchase bought = purchases.buy(order, signer, gate);
            TreasuryCounters.bought(bought);
            return bought;
        } catch (SellerUnreachableException e) {
            TreasuryCounters.notBought("unreachable");
            throw e;
        } catch (OutcomeUnknownException e) {
            TreasuryCounters.notBought("outcome_unknown");
            throw e;
        } catch (TreasuryException e) {
            TreasuryCounters.notBought("refused");
            throw e;
        }
    }

    /** This wallet's purchases through {@link #buy}, signed by {@code signer}, after {@code gate}. */
    public Purchaser purchaser(Signer signer, PurchaseGate gate) {
        requireOwnSigner(signer);
        return new Purchaser() {
            @Override
            public Purchase buy(PurchaseOrder order) {
                return Treasury.this.buy(order, signer, gate);
            }

            @Override
            public void dispute(Payment purchase, String evidence) {
                Treasury.this.dispute(purchase, evidence);
            }

            @Override
            public java.util.Set<Address> disputedSince(Instant since) {
                return Treasury.this.disputedSince(since);
            }

            @Override
            public Address wallet() {
                return wallet;
            }
        };
    }

    /** The sellers this wallet disputed a purchase of since {@code since}. */
    public java.util.Set<Address> disputedSince(Instant since) {
        return store.disputedSellers(wallet, since);
    }

    /** Records a dispute against the seller of one of this wallet's settled purchases, with the evidence. */
    public Payment dispute(Payment purchase, String evidence) {
        if (!purchase.payer().equals(wallet) || !purchase.isPurchase()) {
            throw new InvalidTreasuryInputException("payment #" + purchase.id() + " is no purchase of " + wallet);
        }
        return told(store.note(purchase.id(), null, evidence, clock.instant()));
    }

    /** The dispute recorded against a purchase's seller, if any. */
    public java.util.Optional<String> disputeOf(long paymentId) {
        return store.purchaseRecord(paymentId).dispute();
    }

    /**
     * The spend policy's decision for this payment, with its funds check, recorded. Called under the
     * wallet's lock, so that no other payment of this wallet is decided meanwhile.
     */
    private JournalStore.Verdict decide(Payment payment) {
        SpendCheck check = spendCheck(payment.payee(), payment.amount());
        Instant now = clock.instant();
        return switch (check.decision()) {
            case PolicyDecision.Deny d -> {
                store.recordDecision(payment.id(), wallet, "DENY", d.reason(), "spend-policy", now);
                yield new JournalStore.Verdict.Stop("DENIED", d.reason());
            }
            case PolicyDecision.NeedsApproval a -> {
                store.recordDecision(payment.id(), wallet, "NEEDS_APPROVAL", a.reason(), "spend-policy", now);
                yield new JournalStore.Verdict.Stop("AWAITING_APPROVAL", a.reason());
            }
            case PolicyDecision.Allow ok -> {
                store.recordDecision(payment.id(), wallet, "ALLOW", ok.reason(), "spend-policy", now);
                yield fundsCheck(payment, check.spendable().get());
            }
        };
    }

    /**
     * The policy's verdict on a spend, and the wallet's spendable balance, read once and only when
     * asked (by the policy's reserve floor, by a funds check).
     */
    record SpendCheck(PolicyDecision decision, java.util.function.Supplier<Amount> spendable) {}

    /** Asks the spend policy with this wallet's spendable balance and its last 24 hours of spending. */
    SpendCheck spendCheck(Address payee, Amount amount) {
        java.util.function.Supplier<Amount> spendable = once(() -> spendable(amount.asset()));
        java.util.function.Supplier<Amount> spent = () -> Amount.ofBaseUnits(
                amount.asset(),
                store.spentSince(
                        wallet, amount.asset().symbol(), clock.instant().minus(Duration.ofHours(24))));
        return new SpendCheck(store.policy(wallet).decide(payee, amount, spent, spendable), spendable);
    }

    private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> read) {
        Object[] memo = {null};
        return () -> {
            if (memo[0] == null) {
                memo[0] = read.get();
            }
            @SuppressWarnings("unchecked")
            T value = (T) memo[0];
            return value;
        };
    }

    /** What the wallet holds of an asset minus what is signed or sent and not yet mined. */
    private Amount spendable(Asset asset) {
        return balance(asset).minusOrZero(Amount.ofBaseUnits(asset, store.inFlight(wallet, asset.symbol())));
    }

    /** Stops the payment before anything is signed when the wallet cannot cover it. */
    private JournalStore.Verdict fundsCheck(Payment payment, Amount spendable) {
        if (spendable.compareTo(payment.amount()) >= 0) {
            return new JournalStore.Verdict.Go();
        }
        return new JournalStore.Verdict.Stop(
                "FAILED",
                "insufficient funds: " + payment.amount() + " asked, " + spendable + " spendable; nothing was signed");
    }

    /** Decides (policy and funds, under the lock), then signs and sends a transfer from one of {@code from}. */
    private Payment signAndSend(Payment payment, Signer signer, List<String> from) {
        Amount amount = payment.amount();
        Asset asset = amount.asset();
        Address to = asset.isNative() ? payment.payee() : asset.token().orElseThrow();
        BigInteger value = asset.isNative() ? amount.baseUnits() : BigInteger.ZERO;
        byte[] data = asset.isNative() ? new byte[0] : Erc20.transferData(payment.payee(), amount.baseUnits());
        java.util.function.Supplier<JournalStore.Verdict> decision = from.contains("INTENDED")
                ? () -> decide(payment)
                : () -> fundsCheck(payment, spendable(amount.asset()));
        return signCallAndSend(payment, signer, to, value, data, from, decision);
    }

    /**
     * Signs the journaled payment's transaction (a transfer, or the call that collects it) with the
     * wallet's next nonce, and sends it. Refuses before signing when the network fee is above the
     * cap, the call would revert, or the wallet cannot pay for the gas.
     */
    private Payment signCallAndSend(
            Payment payment,
            Signer signer,
            Address to,
            BigInteger value,
            byte[] data,
            List<String> from,
            java.util.function.Supplier<JournalStore.Verdict> decision) {
        boolean nativeTransfer = data.length == 0;
        Fees fees = chain.suggestFees();
        BigInteger[] gasLimit = new BigInteger[1];
        long chainId = chain.chainId();
        Payment signed = told(store.sign(
                payment.id(),
                wallet,
                chainId,
                from,
                () -> {
                    JournalStore.Verdict verdict = decision.get();
                    if (verdict instanceof JournalStore.Verdict.Stop) {
                        return verdict;
                    }
                    if (fees.maxFeePerGas().compareTo(options.maxFeePerGasCap()) > 0) {
                        return new JournalStore.Verdict.Stop(
                                "FAILED",
                                "network fee " + fees.maxFeePerGas() + " wei/gas is above the cap of "
                                        + options.maxFeePerGasCap() + "; nothing was signed");
                    }
                    try {
                        gasLimit[0] = nativeTransfer
                                ? BigInteger.valueOf(21_000)
                                : chain.estimateGas(wallet, to, value, data)
                                        .multiply(GAS_HEADROOM_PERCENT)
                                        .divide(BigInteger.valueOf(100));
                    } catch (RpcErrorException wouldRevert) {
                        return new JournalStore.Verdict.Stop(
                                "FAILED",
                                "the transaction would revert (" + wouldRevert.getMessage() + "); nothing was signed");
                    }
                    BigInteger ethNeeded =
                            gasLimit[0].multiply(fees.maxFeePerGas()).add(value);
                    BigInteger ethSpendable = chain.balance(wallet)
                            .subtract(store.inFlight(wallet, Asset.ether().symbol()));
                    if (ethSpendable.compareTo(ethNeeded) < 0) {
                        return new JournalStore.Verdict.Stop(
                                "FAILED",
                                "insufficient ETH for " + (value.signum() > 0 ? "amount and " : "")
                                        + "gas: need " + Amount.ofBaseUnits(Asset.ether(), ethNeeded) + ", have "
                                        + Amount.ofBaseUnits(Asset.ether(), ethSpendable.max(BigInteger.ZERO))
                                        + "; nothing was signed");
                    }
                    return new JournalStore.Verdict.Go();
                },
                w -> chain.nonce(w, true),
                nonce -> signer.signTransaction(new Eip1559Transaction(
                        chainId,
                        nonce,
                        fees.maxPriorityFeePerGas(),
                        fees.maxFeePerGas(),
                        gasLimit[0],
                        to,
                        value,
                        data)),
                clock.instant()));
        return sendAndSettle(signed, false);
    }

    /**
     * Broadcasts the journaled bytes (again, if need be) and waits for the receipt. Never signs.
     * Once a payment is signed, losing the node is never a plain failure: it is an unknown outcome.
     */
    private Payment sendAndSettle(Payment payment) {
        return sendAndSettle(payment, true);
    }

    /** @param mayBeMined false right after signing, when the bytes cannot have reached the chain yet */
    private Payment sendAndSettle(Payment payment, boolean mayBeMined) {
        String hash;
        if (payment.state() instanceof PaymentState.Signed s) {
            hash = s.transactionHash();
        } else if (payment.state() instanceof PaymentState.Broadcast b) {
            hash = b.transactionHash();
        } else {
            return payment;
        }
        try {
            Optional<Receipt> mined = mayBeMined ? chain.receipt(hash) : Optional.empty();
            if (mined.isPresent()) {
                return settle(payment, mined.get());
            }
            try {
                chain.sendRawTransaction(store.rawTransaction(payment.id()));
            } catch (RpcErrorException e) {
                String message = e.getMessage().toLowerCase(java.util.Locale.ROOT);
                boolean harmless = message.contains("already known") || message.contains("already imported");
                if (!harmless) {
                    Optional<Receipt> raced = chain.receipt(hash);
                    if (raced.isPresent()) {
                        return settle(payment, raced.get());
                    }
                    if (!chain.knows(hash)) {
                        return told(store.rejectSigned(
                                payment.id(), "rejected by the node: " + e.getMessage(), clock.instant()));
                    }
                }
            }
            payment = told(store.markBroadcast(payment.id(), clock.instant()));
            return awaitReceipt(payment, hash);
        } catch (RpcUnavailableException e) {
            throw new OutcomeUnknownException(
                    "payment #" + payment.id() + " is signed (" + hash + ") but the node could not be"
                            + " reached; its bytes are journaled and will be re-broadcast, never re-signed: run"
                            + " 'cyberia treasury reconcile'",
                    e);
        }
    }

    private Payment awaitReceipt(Payment payment, String hash) {
        long deadline = System.nanoTime() + options.confirmationTimeout().toNanos();
        // a devnet mines within a millisecond or two, a real chain within seconds: ask soon, then back off
        long wait = 1;
        while (true) {
            Optional<Receipt> receipt = chain.receipt(hash);
            if (receipt.isPresent()) {
                return settle(payment, receipt.get());
            }
            if (System.nanoTime() > deadline) {
                return payment;
            }
            try {
                Thread.sleep(wait);
                wait = Math.min(wait * 2, options.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return payment;
            }
        }
    }

    /** Marks the payment mined and books amount and gas, in one database transaction. */
    private Payment settle(Payment payment, Receipt receipt) {
        Amount amount = payment.amount();
        List<List<Leg>> postings = new ArrayList<>();
        if (receipt.succeeded() && !amount.isZero()) {
            boolean income = payment.purpose().startsWith("income:");
            BigInteger toWallet =
                    income ? amount.baseUnits() : amount.baseUnits().negate();
            postings.add(List.of(
                    new Leg(payment.purpose(), amount.asset(), toWallet.negate()),
                    new Leg(amount.asset().walletAccount(), amount.asset(), toWallet)));
        }
        if (receipt.fee().signum() > 0) {
            postings.add(List.of(
                    new Leg("expenses:gas", Asset.ether(), receipt.fee()),
                    new Leg(
                            Asset.ether().walletAccount(),
                            Asset.ether(),
                            receipt.fee().negate())));
        }
        return told(store.settle(
                payment.id(),
                receipt.succeeded(),
                receipt.blockNumber(),
                receipt.fee(),
                receipt.succeeded() ? null : "reverted on chain in block " + receipt.blockNumber() + " (gas was paid)",
                postings,
                wallet,
                receipt.transactionHash(),
                clock.instant()));
    }

    /**
     * Collects a verified x402 payment made to this wallet: submits the payer's
     * {@code transferWithAuthorization} (this wallet pays the gas) through the journal, exactly
     * once per authorization, and books the money as {@code income:services} on confirmation.
     * Verify with {@link X402Seller} first; the chain refuses a replay in any case.
     */
    public Payment collect(X402.PaymentPayload payment, Signer signer) {
        return collect(payment, signer, INCOME_SERVICES);
    }

    /** Like {@link #collect(X402.PaymentPayload, Signer)}, booked to {@code incomeAccount} (income:inference, say). */
    public Payment collect(X402.PaymentPayload payment, Signer signer, String incomeAccount) {
        requireOwnSigner(signer);
        TransferAuthorization a = payment.authorization();
        PaymentRequest request = collection(a, incomeAccount);
        return journaledCall(
                request,
                "collecting an x402 payment from " + a.from(),
                "x402",
                token.token().orElseThrow(),
                a.transferWithAuthorizationCall(),
                signer);
    }

    /**
     * Gives back money this wallet collected for something it then could not deliver: once per
     * collected payment (key {@code refund:PAYMENT_ID}), booked {@code expenses:refunds}. A refund
     * signed whose outcome is not known yet is returned as the journal holds it ({@code treasury
     * reconcile} finishes it), never sent twice.
     */
    public Payment refund(long collectedPaymentId, Address buyer, Amount amount, Signer signer) {
        String key = "refund:" + collectedPaymentId;
        try {
            return pay(new PaymentRequest(key, buyer, amount, "expenses:refunds"), signer);
        } catch (OutcomeUnknownException e) {
            return store.byKey(key).orElseThrow(() -> e);
        }
    }

    /**
     * Collects a verified x402 payment made to this wallet through a facilitator, which submits the
     * authorization and pays the gas: journaled before the facilitator is asked, booked once as
     * {@code income:services} from what the chain shows (no gas of ours). Verify with {@link
     * X402Seller} first.
     *
     * @param header the buyer's {@code PAYMENT-SIGNATURE} header as it came
     * @return CONFIRMED (settled), FAILED (the facilitator did not settle it), or as an earlier call left it
     * @throws OutcomeUnknownException when neither the facilitator nor the chain tells yet ({@link
     *     #reconcilePending} finishes it)
     */
    public Payment collectThrough(
            X402Facilitator facilitator, X402.PaymentPayload payment, String header, X402.Requirements required) {
        return collectThrough(facilitator, payment, header, required, INCOME_SERVICES);
    }

    /** Like {@link #collectThrough(X402Facilitator, X402.PaymentPayload, String, X402.Requirements)}, booked to {@code incomeAccount}. */
    public Payment collectThrough(
            X402Facilitator facilitator,
            X402.PaymentPayload payment,
            String header,
            X402.Requirements required,
            String incomeAccount) {
        return collections.collect(facilitator, payment, header, required, incomeAccount);
    }

    /**
     * The memo of a booking of channel claims: money the wallet was owed (its sales, booked as income
     * when each was charged) arriving on chain; not new income.
     */
    public static final String CHANNEL_CLAIMS = "x402 channel claims";

    /** Where a sale is booked unless the seller says otherwise. */
    public static final String INCOME_SERVICES = "income:services";

    /** This wallet's collection of an x402 payment, when it has collected (or begun collecting) it. */
    public Optional<Payment> collected(X402.PaymentPayload payment) {
        TransferAuthorization a = payment.authorization();
        return store.byKey(collectionKey(a)).filter(p -> p.state() instanceof PaymentState.Confirmed);
    }

    /**
     * The payment a collection of {@code a} books: income from its payer, under a key unique to the
     * authorization.
     *
     * @throws X402Exception when it does not pay this wallet in this treasury's token
     */
    PaymentRequest collection(TransferAuthorization a, String incomeAccount) {
        if (!a.to().equals(wallet)) {
            throw new X402Exception(
                    "invalid_exact_evm_payload_recipient_mismatch",
                    402,
                    "the authorization pays " + a.to() + ", not this wallet " + wallet);
        }
        if (!token.token().orElseThrow().equals(a.domain().verifyingContract())) {
            throw new X402Exception(
                    "invalid_payment_requirements",
                    402,
                    "the authorization is for token " + a.domain().verifyingContract() + ", this treasury keeps "
                            + token.symbol());
        }
        return new PaymentRequest(collectionKey(a), a.from(), Amount.ofBaseUnits(token, a.value()), incomeAccount);
    }

    private static String collectionKey(TransferAuthorization a) {
        return "x402:" + a.from() + ":" + a.nonce();
    }

    /**
     * Sends a call to a contract that moves no money (a market offer, say) through the journal, as
     * a payment of zero: once per idempotency key, with the wallet's next nonce, re-broadcast and
     * never re-signed after a crash. Only its gas is booked ({@code expenses:gas}). Returns it
     * Confirmed, Failed (it would revert, or no ETH for gas: nothing signed), or Broadcast.
     */
    public Payment transact(String idempotencyKey, Address contract, byte[] data, Signer signer) {
        requireOwnSigner(signer);
        if (data.length < 4) {
            throw new InvalidTreasuryInputException("a contract call needs at least a 4-byte selector");
        }
        PaymentRequest request =
                new PaymentRequest(idempotencyKey, contract, Amount.zero(Asset.ether()), "expenses:contract-calls");
        return journaledCall(request, "a contract call that moves no money", "transact", contract, data, signer);
    }

    /**
     * A call that is allowed by its nature (collecting, or moving no money): journaled, then signed
     * and sent once; a second call with the same key finishes the first instead.
     */
    private Payment journaledCall(
            PaymentRequest request, String reason, String decidedBy, Address to, byte[] data, Signer signer) {
        Payment journaled = told(store.intend(request, wallet, chain.chainId(), clock.instant()));
        if (journaled.state() instanceof PaymentState.Intended) {
            store.recordDecision(journaled.id(), wallet, "ALLOW", reason, decidedBy, clock.instant());
            return signCallAndSend(
                    journaled, signer, to, BigInteger.ZERO, data, List.of("INTENDED"), JournalStore.Verdict.Go::new);
        }
        return sendAndSettle(journaled);
    }

    /**
     * Finishes what a crash or an unreachable node or seller left: every signed or broadcast
     * transfer of this wallet is re-broadcast with its journaled bytes (never re-signed) and
     * settled from the chain; every purchase sent or signed is read from the chain
     * ({@code authorizationState} and its log): settled is booked, even when the answer was lost
     * (with a dispute), unused past its end is released. Returns the payments it moved on.
     */
    public List<Payment> reconcilePending() {
        List<Payment> out = new ArrayList<>();
        for (Payment p : store.inStates(wallet, "SIGNED", "BROADCAST")) {
            out.add(sendAndSettle(p));
        }
        out.addAll(purchases.resolve(false));
        out.addAll(collections.resolve());
        reconcileChannels();
        return out;
    }

    public Optional<Payment> payment(String idempotencyKey) {
        return store.byKey(idempotencyKey);
    }

    /** The wallet's last {@code limit} entries in its journal, each in its state, newest first. */
    public List<Payment> recentPayments(int limit) {
        return store.recent(wallet, limit);
    }

    public List<Payment> awaitingApproval() {
        return store.inStates(wallet, "AWAITING_APPROVAL");
    }

    /** A person approves a waiting payment: it is signed and sent now. */
    public Payment approve(long paymentId, Signer signer, String approver) {
        requireOwnSigner(signer);
        Payment payment = waiting(paymentId);
        Payment approved = signAndSend(payment, signer, List.of("AWAITING_APPROVAL"));
        if (approved.state() instanceof PaymentState.Denied) {
            throw new IllegalPaymentTransitionException(
                    "payment #" + paymentId + " was denied meanwhile; nothing was signed");
        }
        store.recordDecision(paymentId, wallet, "APPROVED", "approved by " + approver, approver, clock.instant());
        return approved;
    }

    /** A person denies a waiting payment: nothing is signed. */
    public Payment deny(long paymentId, String approver) {
        waiting(paymentId);
        Payment denied = told(store.setState(
                paymentId, List.of("AWAITING_APPROVAL"), "DENIED", "denied by " + approver, clock.instant()));
        store.recordDecision(paymentId, wallet, "DENIED", "denied by " + approver, approver, clock.instant());
        return denied;
    }

    private Payment waiting(long paymentId) {
        Payment payment = store.byId(paymentId)
                .filter(p -> p.payer().equals(wallet))
                .orElseThrow(() -> new InvalidTreasuryInputException("no payment #" + paymentId + " from " + wallet));
        if (!(payment.state() instanceof PaymentState.AwaitingApproval)) {
            throw new InvalidTreasuryInputException(
                    "payment #" + paymentId + " is " + payment.state().name() + ", not awaiting approval");
        }
        return payment;
    }

    public SpendPolicy policy() {
        return store.policy(wallet);
    }

    public void setPolicy(SpendPolicy policy) {
        store.setPolicy(wallet, policy);
    }

    public List<LedgerEntry> ledger() {
        return store.ledger(wallet);
    }

    /** The ledger entries booked after {@code after} (what an agent's tick reads for new income). */
    public List<LedgerEntry> ledgerAfter(Instant after) {
        return store.ledgerAfter(wallet, after);
    }

    /**
     * One period of the books in one asset.
     *
     * @param income what the {@code income:} accounts took in
     * @param spent what the {@code expenses:} accounts took out (for ether, the gas)
     * @param held what the wallet and its channels held at the period's end, by the books
     */
    public record Period(Instant start, Amount income, Amount spent, Amount held) {}

    /**
     * The books in {@code asset} period by period, from the period holding {@code since} to the
     * one holding now, every period present (empty ones too). Periods start at multiples of
     * {@code length} since the epoch (UTC hours and days).
     */
    public List<Period> history(Asset asset, Duration length, Instant since) {
        long step = length.toSeconds();
        if (step <= 0) {
            throw new InvalidTreasuryInputException("a period lasts at least a second, not " + length);
        }
        Instant now = clock.instant();
        long first = Math.floorDiv(since.getEpochSecond(), step);
        long last = Math.floorDiv(now.getEpochSecond(), step);
        int count = (int) Math.min(last - first + 1, 10_000);
        first = last - count + 1;
        Instant from = Instant.ofEpochSecond(first * step);
        BigInteger[] income = new BigInteger[count];
        BigInteger[] spent = new BigInteger[count];
        BigInteger[] moved = new BigInteger[count];
        java.util.Arrays.fill(income, BigInteger.ZERO);
        java.util.Arrays.fill(spent, BigInteger.ZERO);
        java.util.Arrays.fill(moved, BigInteger.ZERO);
        BigInteger movedSince = BigInteger.ZERO;
        for (LedgerEntry e : store.ledgerAfter(wallet, from.minusNanos(1))) {
            if (!e.asset().symbol().equals(asset.symbol())) {
                continue;
            }
            int i = (int) Math.min(count - 1, Math.floorDiv(e.createdAt().getEpochSecond(), step) - first);
            if (e.account().startsWith("income:")) {
                income[i] = income[i].subtract(e.amount()); // credits are negative
            } else if (e.account().startsWith("expenses:")) {
                spent[i] = spent[i].add(e.amount());
            } else if (e.account().equals(asset.walletAccount()) || e.account().equals(asset.channelAccount())) {
                moved[i] = moved[i].add(e.amount());
                movedSince = movedSince.add(e.amount());
            }
        }
        BigInteger held = store.accountBalance(wallet, asset.walletAccount(), asset.symbol())
                .add(store.accountBalance(wallet, asset.channelAccount(), asset.symbol()))
                .subtract(movedSince); // what it held when the first period began
        List<Period> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            held = held.add(moved[i]);
            out.add(new Period(
                    Instant.ofEpochSecond((first + i) * step),
                    Amount.ofBaseUnits(asset, income[i].max(BigInteger.ZERO)),
                    Amount.ofBaseUnits(asset, spent[i].max(BigInteger.ZERO)),
                    Amount.ofBaseUnits(asset, held.max(BigInteger.ZERO))));
        }
        return out;
    }

    /** Books money that arrived from outside our payments (faucet, deposits) against {@code sourceAccount}, once per tx. */
    public boolean bookInflow(Amount amount, String sourceAccount, String transactionHash, String memo) {
        return store.book(
                wallet,
                "inflow:" + sourceAccount,
                List.of(
                        new Leg(amount.asset().walletAccount(), amount.asset(), amount.baseUnits()),
                        new Leg(
                                sourceAccount,
                                amount.asset(),
                                amount.baseUnits().negate())),
                transactionHash,
                memo,
                clock.instant());
    }

    /**
     * A channel this wallet pays a seller through: what it deposited and was charged (its books),
     * what the contract holds and has let the seller claim, and a withdrawal in progress.
     */
    public record Channel(
            String id,
            Address seller,
            Amount deposited,
            Amount charged,
            Amount onChainBalance,
            Amount claimedBySeller,
            java.util.Optional<Instant> withdrawableFrom) {
        /**
         * What is still the wallet's in this channel: what the contract holds, less what the seller
         * claimed or may still claim of what it charged.
         */
        public Amount available() {
            return onChainBalance.minusOrZero(claimedBySeller.compareTo(charged) > 0 ? claimedBySeller : charged);
        }
    }

    /** The channels this wallet pays through, newest first, each read from the contract too. */
    public List<Channel> channels() {
        List<Channel> out = new ArrayList<>();
        for (dev.cyberia.treasury.internal.ChannelStore.Outbound o : channels.outbound(wallet)) {
            out.add(channel(o));
        }
        return out;
    }

    private Channel channel(dev.cyberia.treasury.internal.ChannelStore.Outbound o) {
        ChannelConfig config = channelConfig(o.configJson());
        BatchSettlement.OnChain onChain = BatchSettlement.read(chain, o.channelId());
        BatchSettlement.Withdrawal pending = BatchSettlement.pendingWithdrawal(chain, o.channelId());
        return new Channel(
                o.channelId(),
                config.receiver(),
                Amount.ofBaseUnits(token, o.deposited()),
                Amount.ofBaseUnits(token, o.charged()),
                Amount.ofBaseUnits(token, onChain.balance()),
                Amount.ofBaseUnits(token, onChain.totalClaimed()),
                pending.initiatedAt() == 0
                        ? java.util.Optional.empty()
                        : java.util.Optional.of(Instant.ofEpochSecond(pending.initiatedAt() + config.withdrawDelay())));
    }

    /**
     * Leaves a channel without the seller: the first call asks the contract to release what is
     * still ours ({@code initiateWithdraw}); once the channel's delay has passed, the next call
     * takes it back ({@code finalizeWithdraw}) and books it into the wallet. The seller may still
     * claim its vouchers during the delay; what it claims beyond our count is booked as spent.
     * This wallet pays the gas. Returns the channel as it stands after the call.
     *
     * @throws InvalidTreasuryInputException when the channel is not this wallet's, holds nothing,
     *     or its delay has not passed yet
     */
    public Channel leaveChannel(String channelId, Signer signer) {
        requireOwnSigner(signer);
        dev.cyberia.treasury.internal.ChannelStore.Outbound o = channels.outbound(
                        channelId.toLowerCase(java.util.Locale.ROOT))
                .filter(c -> channelConfig(c.configJson()).payer().equals(wallet))
                .orElseThrow(() -> new InvalidTreasuryInputException(
                        "channel " + channelId + " is not one this wallet pays through; see 'treasury channels NAME'"));
        Channel now = channel(o);
        ChannelConfig config = channelConfig(o.configJson());
        if (now.withdrawableFrom().isEmpty()) {
            if (now.available().isZero()) {
                throw new InvalidTreasuryInputException("channel " + channelId + " holds nothing of this wallet's");
            }
            Payment asked = transact(
                    "x402-leave:" + o.channelId() + ":" + now.onChainBalance().baseUnits(),
                    BatchSettlement.SETTLEMENT,
                    BatchSettlement.initiateWithdrawCall(config, now.available().baseUnits()),
                    signer);
            if (!(asked.state() instanceof PaymentState.Confirmed)) {
                throw new TreasuryException(
                        "asking to leave channel " + channelId + " did not go through: " + asked.state());
            }
            return channel(o);
        }
        if (clock.instant().isBefore(now.withdrawableFrom().get())) {
            throw new InvalidTreasuryInputException("channel " + channelId + " can be left from "
                    + now.withdrawableFrom().get() + " (its withdrawal delay); try again then");
        }
        Payment taken = transact(
                "x402-left:" + o.channelId() + ":" + now.onChainBalance().baseUnits(),
                BatchSettlement.SETTLEMENT,
                BatchSettlement.finalizeWithdrawCall(config),
                signer);
        if (!(taken.state() instanceof PaymentState.Confirmed confirmed)) {
            throw new TreasuryException("leaving channel " + channelId + " did not go through: " + taken.state());
        }
        BatchSettlement.OnChain after = BatchSettlement.read(chain, o.channelId());
        BigInteger returned = now.onChainBalance().baseUnits().subtract(after.balance());
        // what the seller claimed beyond our count was spent, too: the books follow the contract
        BigInteger claimedBeyond = after.totalClaimed().subtract(o.charged()).max(BigInteger.ZERO);
        if (claimedBeyond.signum() > 0) {
            channels.adoptCharged(
                    o.channelId(),
                    after.totalClaimed(),
                    wallet,
                    List.of(
                            new Leg("expenses:services", token, claimedBeyond),
                            new Leg(token.channelAccount(), token, claimedBeyond.negate())),
                    clock.instant());
        }
        channels.returned(
                o.channelId(),
                returned,
                wallet,
                List.of(
                        new Leg(token.walletAccount(), token, returned),
                        new Leg(token.channelAccount(), token, returned.negate())),
                confirmed.transactionHash(),
                clock.instant());
        return channel(o);
    }

    private static ChannelConfig channelConfig(String json) {
        try {
            return ChannelConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
        } catch (java.io.IOException e) {
            throw new TreasuryException("a journaled channel's terms are not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * One account's books against the chain: an asset in the wallet ({@code assets:wallet:*}), or
     * what the wallet's x402 channels still hold for it ({@code assets:channels:*}).
     */
    public record Drift(Asset asset, String account, Amount books, Amount chain) {
        public Drift(Asset asset, Amount books, Amount chain) {
            this(asset, asset.walletAccount(), books, chain);
        }

        public boolean none() {
            return books.equals(chain);
        }

        /** chain minus books, signed, in units. */
        public String difference() {
            BigInteger d = chain.baseUnits().subtract(books.baseUnits());
            String units = Amount.ofBaseUnits(asset, d.abs()).units();
            return (d.signum() < 0 ? "-" : "+") + units;
        }
    }

    /** Compares each asset's wallet account in the ledger with the balance on chain. */
    public List<Drift> reconcileBooks() {
        List<Drift> out = new ArrayList<>();
        for (Asset asset : assets()) {
            BigInteger books = store.accountBalance(wallet, asset.walletAccount(), asset.symbol());
            out.add(new Drift(asset, Amount.ofBaseUnits(asset, books.max(BigInteger.ZERO)), balance(asset)));
        }
        List<dev.cyberia.treasury.internal.ChannelStore.Outbound> mine = channels.outbound(wallet);
        if (!mine.isEmpty()) {
            BigInteger held = BigInteger.ZERO;
            for (dev.cyberia.treasury.internal.ChannelStore.Outbound o : mine) {
                // what the contract holds for us, less what the seller claimed or may still claim of our charges
                BatchSettlement.OnChain onChain = BatchSettlement.read(chain, o.channelId());
                held = held.add(
                        onChain.balance().subtract(onChain.totalClaimed().max(o.charged())));
            }
            BigInteger books = store.accountBalance(wallet, token.channelAccount(), token.symbol());
            out.add(new Drift(
                    token,
                    token.channelAccount(),
                    Amount.ofBaseUnits(token, books.max(BigInteger.ZERO)),
                    Amount.ofBaseUnits(token, held.max(BigInteger.ZERO))));
        }
        return out;
    }

    /**
     * A seller may claim a voucher whose answer this wallet never counted (the answer was lost, the
     * purchase released): what the contract shows claimed beyond our count, up to the highest
     * voucher we signed, is booked as spent ({@code expenses:services}), once.
     */
    private void reconcileChannels() {
        purchases.bookLateChannelDeposits();
        for (dev.cyberia.treasury.internal.ChannelStore.Outbound o : channels.outbound(wallet)) {
            if (channels.busy(o.channelId(), -1)) {
                continue; // a purchase in flight books its own charge when its answer comes
            }
            BatchSettlement.OnChain onChain = BatchSettlement.read(chain, o.channelId());
            BigInteger beyond = onChain.totalClaimed().subtract(o.charged());
            if (beyond.signum() > 0) {
                channels.adoptCharged(
                        o.channelId(),
                        onChain.totalClaimed(),
                        wallet,
                        List.of(
                                new Leg("expenses:services", token, beyond),
                                new Leg(token.channelAccount(), token, beyond.negate())),
                        clock.instant());
            }
        }
    }

    Payment told(Payment payment) {
        options.listener().onJournaled(payment);
        return payment;
    }

    private void requireOwnSigner(Signer signer) {
        if (!signer.address().equals(wallet)) {
            throw new InvalidTreasuryInputException(
                    "the signer is for " + signer.address() + ", not this treasury's " + wallet);
        }
    }
}
