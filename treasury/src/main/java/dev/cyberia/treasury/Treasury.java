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
 * receipt settles the payment and books it in the ledger, once.
 */
public final class Treasury {
    private static final BigInteger GAS_HEADROOM_PERCENT = BigInteger.valueOf(120);

    private final JournalStore store;
    private final Chain chain;
    private final Asset token;
    private final Address wallet;
    private final Clock clock;
    private final Options options;

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
            payment = decide(payment); // 2. decided
            if (payment.state() instanceof PaymentState.Intended) { // allowed, and the funds are there
                payment = signAndSend(payment, signer); // 3.-5. signed, sent, booked
            }
        } else if (payment.state() instanceof PaymentState.Signed
                || payment.state() instanceof PaymentState.Broadcast) {
            payment = sendAndSettle(payment);
        }
        return payment;
    }

    /** The policy's decision and the funds check, on one read of the balance. */
    private Payment decide(Payment payment) {
        SpendCheck check = spendCheck(payment.payee(), payment.amount());
        Amount spendable = check.spendable();
        Instant now = clock.instant();
        return switch (check.decision()) {
            case PolicyDecision.Deny d -> {
                store.recordDecision(payment.id(), wallet, "DENY", d.reason(), "spend-policy", now);
                yield told(store.setState(payment.id(), "DENIED", d.reason(), now));
            }
            case PolicyDecision.NeedsApproval a -> {
                store.recordDecision(payment.id(), wallet, "NEEDS_APPROVAL", a.reason(), "spend-policy", now);
                yield told(store.setState(payment.id(), "AWAITING_APPROVAL", a.reason(), now));
            }
            case PolicyDecision.Allow ok -> {
                store.recordDecision(payment.id(), wallet, "ALLOW", ok.reason(), "spend-policy", now);
                yield refuseIfShort(payment, spendable);
            }
        };
    }

    /** The policy's verdict on a spend, and the spendable balance it was judged against. */
    private record SpendCheck(PolicyDecision decision, Amount spendable) {}

    /** Asks the spend policy with this wallet's spendable balance and its last 24 hours of spending. */
    private SpendCheck spendCheck(Address payee, Amount amount) {
        Amount spendable = spendable(amount.asset());
        Amount spent = Amount.ofBaseUnits(
                amount.asset(),
                store.spentSince(
                        wallet, amount.asset().symbol(), clock.instant().minus(Duration.ofHours(24))));
        return new SpendCheck(store.policy(wallet).decide(payee, amount, spent, spendable), spendable);
    }

    /** What the wallet holds of an asset minus what is signed or sent and not yet mined. */
    private Amount spendable(Asset asset) {
        return balance(asset).minusOrZero(Amount.ofBaseUnits(asset, store.inFlight(wallet, asset.symbol())));
    }

    /** Fails the payment before anything is signed when the wallet cannot cover it; else returns it unchanged. */
    private Payment refuseIfShort(Payment payment, Amount spendable) {
        if (spendable.compareTo(payment.amount()) >= 0) {
            return payment;
        }
        return told(store.setState(
                payment.id(),
                "FAILED",
                "insufficient funds: " + payment.amount() + " asked, " + spendable + " spendable; nothing was signed",
                clock.instant()));
    }

    private Payment signAndSend(Payment payment, Signer signer) {
        Amount amount = payment.amount();
        Asset asset = amount.asset();
        Address to = asset.isNative() ? payment.payee() : asset.token().orElseThrow();
        BigInteger value = asset.isNative() ? amount.baseUnits() : BigInteger.ZERO;
        byte[] data = asset.isNative() ? new byte[0] : Erc20.transferData(payment.payee(), amount.baseUnits());
        return signCallAndSend(payment, signer, to, value, data);
    }

    /**
     * Signs the journaled payment's transaction (a transfer, or the call that collects it) with the
     * wallet's next nonce, and sends it. Refuses before signing when the network fee is above the
     * cap, the call would revert, or the wallet cannot pay for the gas.
     */
    private Payment signCallAndSend(Payment payment, Signer signer, Address to, BigInteger value, byte[] data) {
        boolean nativeTransfer = data.length == 0;

        Fees fees = chain.suggestFees();
        if (fees.maxFeePerGas().compareTo(options.maxFeePerGasCap()) > 0) {
            return told(store.setState(
                    payment.id(),
                    "FAILED",
                    "network fee " + fees.maxFeePerGas() + " wei/gas is above the cap of " + options.maxFeePerGasCap()
                            + "; nothing was signed",
                    clock.instant()));
        }
        BigInteger gasLimit;
        try {
            gasLimit = nativeTransfer
                    ? BigInteger.valueOf(21_000)
                    : chain.estimateGas(wallet, to, value, data)
                            .multiply(GAS_HEADROOM_PERCENT)
                            .divide(BigInteger.valueOf(100));
        } catch (RpcErrorException wouldRevert) {
            return told(store.setState(
                    payment.id(),
                    "FAILED",
                    "the transaction would revert (" + wouldRevert.getMessage() + "); nothing was signed",
                    clock.instant()));
        }
        BigInteger gasCost = gasLimit.multiply(fees.maxFeePerGas());
        BigInteger ethNeeded = gasCost.add(value);
        BigInteger ethSpendable = chain.balance(wallet)
                .subtract(store.inFlight(wallet, Asset.ether().symbol()));
        if (ethSpendable.compareTo(ethNeeded) < 0) {
            return told(store.setState(
                    payment.id(),
                    "FAILED",
                    "insufficient ETH for " + (value.signum() > 0 ? "amount and " : "")
                            + "gas: need " + Amount.ofBaseUnits(Asset.ether(), ethNeeded) + ", have "
                            + Amount.ofBaseUnits(Asset.ether(), ethSpendable.max(BigInteger.ZERO))
                            + "; nothing was signed",
                    clock.instant()));
        }
        long chainId = chain.chainId();
        Payment signed = told(store.sign(
                payment.id(),
                wallet,
                chainId,
                w -> chain.nonce(w, true),
                nonce -> signer.signTransaction(new Eip1559Transaction(
                        chainId, nonce, fees.maxPriorityFeePerGas(), fees.maxFeePerGas(), gasLimit, to, value, data)),
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
        while (true) {
            Optional<Receipt> receipt = chain.receipt(hash);
            if (receipt.isPresent()) {
                return settle(payment, receipt.get());
            }
            if (System.nanoTime() > deadline) {
                return payment;
            }
            try {
                Thread.sleep(options.pollInterval().toMillis());
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
        requireOwnSigner(signer);
        TransferAuthorization a = payment.authorization();
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
        PaymentRequest request = new PaymentRequest(
                "x402:" + a.from() + ":" + a.nonce(),
                a.from(),
                Amount.ofBaseUnits(token, a.value()),
                "income:services");
        return journaledCall(
                request,
                "collecting an x402 payment from " + a.from(),
                "x402",
                token.token().orElseThrow(),
                a.transferWithAuthorizationCall(),
                signer);
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
            return signCallAndSend(journaled, signer, to, BigInteger.ZERO, data);
        }
        return sendAndSettle(journaled);
    }

    /**
     * Finishes what a crash or an unreachable node left: every signed or broadcast payment of this
     * wallet is re-broadcast with its journaled bytes (never re-signed) and settled from the chain.
     */
    public List<Payment> reconcilePending() {
        List<Payment> out = new ArrayList<>();
        for (Payment p : store.inStates(wallet, "SIGNED", "BROADCAST")) {
            out.add(sendAndSettle(p));
        }
        return out;
    }

    public Optional<Payment> payment(String idempotencyKey) {
        return store.byKey(idempotencyKey);
    }

    public List<Payment> awaitingApproval() {
        return store.inStates(wallet, "AWAITING_APPROVAL");
    }

    /** A person approves a waiting payment: it is signed and sent now. */
    public Payment approve(long paymentId, Signer signer, String approver) {
        requireOwnSigner(signer);
        Payment payment = waiting(paymentId);
        store.recordDecision(paymentId, wallet, "APPROVED", "approved by " + approver, approver, clock.instant());
        Payment affordable = refuseIfShort(payment, spendable(payment.amount().asset()));
        return affordable.state() instanceof PaymentState.AwaitingApproval
                ? signAndSend(affordable, signer)
                : affordable;
    }

    /** A person denies a waiting payment: nothing is signed. */
    public Payment deny(long paymentId, String approver) {
        waiting(paymentId);
        store.recordDecision(paymentId, wallet, "DENIED", "denied by " + approver, approver, clock.instant());
        return told(store.setState(paymentId, "DENIED", "denied by " + approver, clock.instant()));
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
     * Asks the spend policy about an x402 payment this wallet would authorize (the seller submits it,
     * so there is no transaction of ours to journal), and records the decision. A payment that would
     * need a person's approval is refused: a request cannot wait.
     */
    public PolicyDecision checkX402Spend(Address payee, Amount amount, String reference) {
        SpendCheck check = spendCheck(payee, amount);
        Amount spendable = check.spendable();
        PolicyDecision decision = check.decision();
        if (decision instanceof PolicyDecision.NeedsApproval a) {
            decision = new PolicyDecision.Deny(a.reason() + "; an x402 request cannot wait for approval");
        }
        if (decision instanceof PolicyDecision.Allow && spendable.compareTo(amount) < 0) {
            decision = new PolicyDecision.Deny("insufficient funds: " + amount + " asked, " + spendable + " spendable");
        }
        String verdict = decision instanceof PolicyDecision.Allow ? "ALLOW" : "DENY";
        store.recordDecision(
                0, wallet, verdict, decision.reason() + " (x402 " + reference + ")", "spend-policy", clock.instant());
        return decision;
    }

    /** Books money that left through a transaction someone else submitted (an x402 settlement), once per tx. */
    public boolean bookOutflow(Amount amount, String expenseAccount, String transactionHash, String memo) {
        return store.book(
                wallet,
                "outflow:" + expenseAccount,
                List.of(
                        new Leg(expenseAccount, amount.asset(), amount.baseUnits()),
                        new Leg(
                                amount.asset().walletAccount(),
                                amount.asset(),
                                amount.baseUnits().negate())),
                transactionHash,
                memo,
                clock.instant());
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

    /** One asset's books against the chain. */
    public record Drift(Asset asset, Amount books, Amount chain) {
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
        return out;
    }

    private Payment told(Payment payment) {
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
