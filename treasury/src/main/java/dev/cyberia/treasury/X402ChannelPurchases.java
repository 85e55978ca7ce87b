package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Purchase.Answer;
import dev.cyberia.treasury.Purchase.Outcome;
import dev.cyberia.treasury.internal.ChannelStore;
import dev.cyberia.treasury.internal.JournalStore;
import dev.cyberia.treasury.internal.JournalStore.Leg;
import dev.cyberia.treasury.internal.JournalStore.SignedPurchase;
import dev.cyberia.treasury.internal.JournalStore.Verdict;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The buyer's side of x402 {@code batch-settlement}, inside the one purchase path ({@link
 * X402Purchases}): the journaled purchase is decided under the wallet's lock like any other (the
 * spend policy counts the request's price as spending; the wallet must cover a deposit, which stays
 * ours until charged), its voucher (and deposit, when the channel is new or low) signed and the
 * header committed before it is sent; the seller's answer commits the charge, at most the price,
 * with its booking ({@code expenses:*} against {@code assets:channels:*}). A retry re-sends the
 * committed header, never a second voucher for the same request.
 */
final class X402ChannelPurchases {

    private final Treasury treasury;
    private final JournalStore journal;
    private final ChannelStore store;
    private final Chain chain;
    private final Asset token;
    private final Address wallet;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    X402ChannelPurchases(
            Treasury treasury, JournalStore journal, Chain chain, Asset token, Address wallet, Clock clock) {
        this.treasury = treasury;
        this.journal = journal;
        this.store = treasury.channelStore();
        this.chain = chain;
        this.token = token;
        this.wallet = wallet;
        this.clock = clock;
    }

    /** The channel this wallet pays a seller's offer through (one per seller, authorizer and token). */
    ChannelConfig channelFor(X402.Requirements offer) {
        return new ChannelConfig(
                wallet,
                wallet,
                offer.payTo(),
                offer.receiverAuthorizer(),
                offer.asset(),
                offer.withdrawDelay(),
                ChannelConfig.ZERO_SALT);
    }

    /** Decides, signs and commits the request's voucher (with a deposit when needed), then sends it. */
    Purchase pay(
            PurchaseOrder order,
            Payment payment,
            X402.PaymentRequired required,
            X402.Requirements offer,
            Signer signer) {
        ChannelConfig config = channelFor(offer);
        String channelId = config.id(chain.chainId());
        BigInteger[] deposit = {BigInteger.ZERO};
        BigInteger[] charged = {BigInteger.ZERO};
        Payment authorized = journal.authorize(
                payment.id(),
                wallet,
                () -> {
                    Verdict verdict = decide(payment, offer, config, channelId, deposit, charged);
                    return new JournalStore.Decided(
                            verdict,
                            (verdict instanceof Verdict.Stop s ? s.reason() : "within the spend policy")
                                    + (deposit[0].signum() > 0
                                            ? "; deposit " + Amount.ofBaseUnits(token, deposit[0])
                                            : "")
                                    + " (x402 channel " + order.resource() + ")");
                },
                () -> sign(order, required, offer, config, channelId, charged[0], deposit[0], signer),
                0, // a voucher is not looked for on chain: the seller's claim is, by channel
                clock.instant());
        authorized = treasury.told(authorized);
        if (!(authorized.state() instanceof PaymentState.Authorized)) {
            return X402Purchases.notPaid(authorized, reasonOf(authorized));
        }
        return send(order, authorized);
    }

    /**
     * The spend policy on the request's price, then the channel: free for this purchase, and holding
     * the price, or a deposit the wallet can cover. The wallet's balance is read only when a deposit
     * is needed or the policy's reserve floor asks for it: a voucher spends what is already in the
     * channel. Sets the deposit to make and the running total charged so far.
     */
    private Verdict decide(
            Payment payment,
            X402.Requirements offer,
            ChannelConfig config,
            String channelId,
            BigInteger[] deposit,
            BigInteger[] charged) {
        Treasury.SpendCheck check = treasury.spendCheck(payment.payee(), payment.amount());
        switch (check.decision()) {
            case PolicyDecision.Deny d -> {
                return new Verdict.Stop("DENIED", d.reason());
            }
            case PolicyDecision.NeedsApproval a -> {
                return new Verdict.Stop("DENIED", a.reason() + "; an x402 request cannot wait for approval");
            }
            case PolicyDecision.Allow ok -> {}
        }
        if (store.busy(channelId, payment.id())) {
            return new Verdict.Stop(
                    "FAILED",
                    "another purchase on channel " + channelId + " is in flight; one request at a time per channel"
                            + " (nothing was signed)");
        }
        BigInteger price = offer.amount();
        Optional<ChannelStore.Outbound> known = store.outbound(channelId);
        if (known.isEmpty()) {
            coldStart(config, channelId);
            known = store.outbound(channelId);
        }
        charged[0] = known.map(ChannelStore.Outbound::charged).orElse(BigInteger.ZERO);
        BigInteger available = known.map(ChannelStore.Outbound::available).orElse(BigInteger.ZERO);
        if (available.compareTo(price) >= 0) {
            return new Verdict.Go();
        }
        // the wallet funds the channel: the spendable balance (less what is in flight) must cover it
        BigInteger spendable = check.spendable()
                .get()
                .baseUnits()
                .add(payment.amount().baseUnits()); // this purchase is not spent from the wallet
        BigInteger wanted = offer.minDeposit()
                .max(price.multiply(BigInteger.valueOf(treasury.policy().channelDeposit())));
        BigInteger needed = price.subtract(available);
        BigInteger amount = wanted.min(spendable);
        if (amount.compareTo(needed) < 0) {
            return new Verdict.Stop(
                    "FAILED",
                    "insufficient funds: the channel needs a deposit of at least " + Amount.ofBaseUnits(token, needed)
                            + ", " + Amount.ofBaseUnits(token, spendable) + " spendable; nothing was signed");
        }
        deposit[0] = amount;
        return new Verdict.Go();
    }

    /**
     * A channel this journal has never seen may exist on chain already (a journal lost or begun
     * afresh, the same key on another node): its deposit and what the seller has claimed are read
     * from the contract, so the first voucher continues the running total instead of repeating it.
     * The money found in it is booked as an opening balance ({@code equity:opening}).
     */
    private void coldStart(ChannelConfig config, String channelId) {
        BatchSettlement.OnChain onChain = BatchSettlement.read(chain, channelId);
        if (onChain.balance().signum() == 0) {
            return;
        }
        BigInteger ours = onChain.balance().subtract(onChain.totalClaimed());
        store.found(
                channelId,
                wallet,
                config.receiver(),
                config.token(),
                config.toJson().toString(),
                onChain.balance(),
                onChain.totalClaimed(),
                List.of(new Leg(token.channelAccount(), token, ours), new Leg("equity:opening", token, ours.negate())),
                clock.instant());
    }

    private SignedPurchase sign(
            PurchaseOrder order,
            X402.PaymentRequired required,
            X402.Requirements offer,
            ChannelConfig config,
            String channelId,
            BigInteger charged,
            BigInteger deposit,
            Signer signer) {
        Instant now = clock.instant();
        Instant validBefore =
                now.plusSeconds(Math.max(10, Math.min(offer.maxTimeoutSeconds(), X402Purchases.MAX_VALIDITY_SECONDS)));
        Voucher voucher = Voucher.sign(signer, chain.chainId(), channelId, charged.add(offer.amount()));
        Optional<ChannelDeposit> d = deposit.signum() > 0
                ? Optional.of(ChannelDeposit.sign(
                        signer, offer.tokenDomain(chain), channelId, deposit, now, validBefore, random))
                : Optional.empty();
        X402.ChannelPayment payment = new X402.ChannelPayment(
                required.resource(),
                offer,
                d.isPresent() ? X402.ChannelPayment.DEPOSIT : X402.ChannelPayment.VOUCHER,
                config,
                voucher,
                d,
                Optional.of(X402.paymentId(order.idempotencyKey())));
        // committed with the authorization, before the lock goes: the purchase tied to its channel (a
        // twin sees the channel busy), and the voucher's total remembered as signed
        return new SignedPurchase(
                X402.encode(payment, required.resourceWire()),
                d.map(x -> x.nonce(channelId)).orElse(null),
                validBefore.getEpochSecond(),
                Optional.of(signed(config, channelId, voucher.maxClaimable())));
    }

    private ChannelStore.Signed signed(ChannelConfig config, String channelId, BigInteger voucherMax) {
        return new ChannelStore.Signed(
                channelId,
                wallet,
                config.receiver(),
                config.token(),
                config.toJson().toString(),
                voucherMax);
    }

    /** Sends the committed header (again, if need be) and books what the seller's answer says. */
    Purchase send(PurchaseOrder order, Payment payment) {
        String header = journal.purchaseHeader(payment.id());
        X402.ChannelPayment sent = X402.decodeChannelPayment(header);
        String channelId = sent.voucher().channelId();
        // no SENT step: an AUTHORIZED voucher is already treated as possibly sent (the channel is
        // busy with it, a retry re-sends it, reconcile asks the seller), so marking it costs a commit
        // and tells nothing
        Answer answer;
        try {
            answer = SellerWire.send(order, header);
        } catch (IOException e) {
            bookDeposit(payment, sent);
            throw new OutcomeUnknownException(
                    "purchase #" + payment.id() + " from " + order.resource() + " was sent over channel " + channelId
                            + " and no answer came (" + e.getMessage() + "); its voucher is journaled: a retry sends"
                            + " the same one, never a second",
                    e);
        }
        bookDeposit(payment, sent);
        BigInteger price = sent.accepted().amount();
        if (answer.status() / 100 == 2) {
            BigInteger charge = answer.header(X402.PAYMENT_RESPONSE)
                    .flatMap(h -> {
                        try {
                            return X402.decodeSettlementResponse(h).chargedAmount();
                        } catch (RuntimeException malformed) {
                            return Optional.empty();
                        }
                    })
                    .orElse(price)
                    .min(price); // a voucher never lets a seller take more than the price
            // the voucher stated charged-before + price; this answer cost charge of that price
            BigInteger total = sent.voucher().maxClaimable().subtract(price).add(charge);
            String expenseAccount = payment.purpose();
            Payment booked = treasury.told(store.charged(
                    payment.id(),
                    channelId,
                    total,
                    charge,
                    wallet,
                    amount -> List.of(
                            new Leg(expenseAccount, token, amount),
                            new Leg(token.channelAccount(), token, amount.negate())),
                    X402Purchases.stored(answer),
                    clock.instant()));
            return new Purchase(
                    Optional.of(booked),
                    new Outcome.Served(
                            answer, Amount.ofBaseUnits(token, charge), payment.payee(), Optional.of(channelId), false));
        }
        String sellerSays = X402Purchases.sellerReason(answer);
        boolean corrected = adoptSellersCount(answer, sent);
        Payment failed = treasury.told(journal.setState(
                payment.id(),
                List.of("AUTHORIZED", "SENT"),
                "FAILED",
                "refused by the seller (" + answer.status() + "): " + sellerSays + "; nothing was charged"
                        + (corrected ? CORRECTED : ""),
                clock.instant()));
        return X402Purchases.notPaid(
                failed,
                "the seller refused the channel payment (" + answer.status() + "): " + sellerSays
                        + "; nothing was charged");
    }

    /**
     * Deposits the chain shows but the books do not (an RPC node that was behind when the answer
     * came): a channel whose contract balance is above what we booked has its purchases' deposits
     * read from the chain again, each booked once.
     */
    void bookLateDeposits() {
        for (ChannelStore.Outbound o : store.outbound(wallet)) {
            if (BatchSettlement.read(chain, o.channelId()).balance().compareTo(o.deposited()) <= 0) {
                continue;
            }
            for (long id : store.purchasesOn(o.channelId())) {
                String header = journal.purchaseHeader(id);
                if (header != null) {
                    journal.byId(id).ifPresent(p -> bookDeposit(p, X402.decodeChannelPayment(header)));
                }
            }
        }
    }

    /** A deposit that rode along is booked into the channel once the chain shows it. */
    private void bookDeposit(Payment payment, X402.ChannelPayment sent) {
        if (sent.deposit().isEmpty()) {
            return;
        }
        String channelId = sent.voucher().channelId();
        ChannelDeposit d = sent.deposit().get();
        Optional<Chain.Logged> used = AuthorizationUse.of(
                chain, token.token().orElseThrow(), wallet, d.nonce(channelId), journal.signedAtBlock(payment.id()));
        used.ifPresent(tx -> store.deposited(
                channelId,
                d.amount(),
                wallet,
                List.of(
                        new Leg(token.channelAccount(), token, d.amount()),
                        new Leg(token.walletAccount(), token, d.amount().negate())),
                tx.transactionHash(),
                clock.instant()));
    }

    /**
     * A seller that refuses because it counted more than we did (it answered a request whose answer
     * we lost) shows the voucher it holds: when that voucher is ours and within what we signed, we
     * owe it, and the difference is booked.
     */
    private boolean adoptSellersCount(Answer answer, X402.ChannelPayment sent) {
        Optional<String> header = answer.header(X402.PAYMENT_REQUIRED);
        if (header.isEmpty()) {
            return false;
        }
        try {
            X402.PaymentRequired corrective = X402.decodePaymentRequired(header.get());
            for (X402.Requirements r : corrective.accepts()) {
                JsonNode held = r.wire().path("extra").path("voucherState");
                if (!r.isChannel() || !held.isObject()) {
                    continue;
                }
                String channelId = sent.voucher().channelId();
                BigInteger max = new BigInteger(held.path("signedMaxClaimable").asText("0"));
                Voucher theirs = new Voucher(
                        channelId, max, Signature.fromHex(held.path("signature").asText()));
                BigInteger ours = store.outbound(channelId)
                        .map(ChannelStore.Outbound::charged)
                        .orElse(BigInteger.ZERO);
                // what the seller charged (per-token billing: at most the voucher it holds, which we signed)
                BigInteger sellers = new BigInteger(r.wire()
                                .path("extra")
                                .path("channelState")
                                .path("chargedCumulativeAmount")
                                .asText(max.toString()))
                        .min(max);
                if (sellers.compareTo(ours) > 0
                        && theirs.isSignedBy(sent.config().voucherSigner(), chain.chainId())) {
                    BigInteger owed = sellers.subtract(ours);
                    store.signedOn(signed(sent.config(), channelId, max), clock.instant(), 0);
                    store.adoptCharged(
                            channelId,
                            sellers,
                            wallet,
                            List.of(
                                    new Leg("expenses:services", token, owed),
                                    new Leg(token.channelAccount(), token, owed.negate())),
                            clock.instant());
                    return true;
                }
            }
        } catch (RuntimeException unusable) {
            // a correction we cannot read changes nothing: our count stands
        }
        return false;
    }

    /** Said of a refused purchase when the seller's count was adopted: the same order may go again, once. */
    static final String CORRECTED = "; the seller's count (a voucher of ours it holds) was adopted and booked";

    /** Whether a channel purchase was refused only because our count was behind, and now is not. */
    static boolean corrected(Purchase p) {
        return p.payment()
                .map(x ->
                        x.state() instanceof PaymentState.Failed f && f.reason().endsWith(CORRECTED))
                .orElse(false);
    }

    /**
     * Channel purchases sent and never answered: a deposit that landed is booked; past its window
     * the purchase is closed as not charged (a seller that claims it anyway shows up when the
     * channel is reconciled against the contract).
     */
    List<Payment> resolve(Payment p) {
        X402.ChannelPayment sent = X402.decodeChannelPayment(journal.purchaseHeader(p.id()));
        bookDeposit(p, sent);
        Instant end = ((PaymentState.InFlightPurchase) p.state()).validBefore();
        if (!clock.instant().isAfter(end)) {
            return List.of();
        }
        try {
            return List.of(treasury.told(journal.setState(
                    p.id(),
                    List.of("AUTHORIZED", "SENT"),
                    "FAILED",
                    "no answer came over channel " + sent.voucher().channelId() + " before " + end
                            + "; not counted as charged",
                    clock.instant())));
        } catch (IllegalPaymentTransitionException movedMeanwhile) {
            return List.of();
        }
    }

    private static String reasonOf(Payment p) {
        return switch (p.state()) {
            case PaymentState.Denied d -> d.reason();
            case PaymentState.Failed f -> f.reason();
            default -> "not paid (" + p.state() + ")";
        };
    }
}
