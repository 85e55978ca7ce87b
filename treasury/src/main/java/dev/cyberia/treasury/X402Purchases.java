package dev.cyberia.treasury;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Purchase.Answer;
import dev.cyberia.treasury.Purchase.Outcome;
import dev.cyberia.treasury.internal.JournalStore;
import dev.cyberia.treasury.internal.JournalStore.Leg;
import dev.cyberia.treasury.internal.JournalStore.SignedPurchase;
import dev.cyberia.treasury.internal.JournalStore.StoredResponse;
import dev.cyberia.treasury.internal.JournalStore.Verdict;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way a wallet buys over x402 (inference, hired skills, planner calls), journaled like a
 * transfer. In order: ask without paying; choose the offer to pay (our network and token, within
 * the cap, the expected payee); the caller's gate; the intent journaled under the idempotency key;
 * the spend policy and the funds check under the wallet's lock, and the signed authorization
 * committed there (AUTHORIZED) before it is sent; SENT; then the chain, not the seller, says
 * whether money left: settled is booked once (with the answer kept), unused and expired is
 * released. A retry re-sends the committed header and never signs again.
 */
final class X402Purchases {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An authorization we sign lives at most this long, however long a seller offers: a refused one is free again soon. */
    static final long MAX_VALIDITY_SECONDS = 300;

    private static final int MAX_KEPT_BODY = 4 * 1024 * 1024;
    /** The key suffix of a channel purchase made again after the seller's count was adopted. */
    private static final String RESYNCED = "~resynced";

    private final Treasury treasury;
    private final JournalStore store;
    private final Chain chain;
    private final Asset token;
    private final Address wallet;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final X402ChannelPurchases channels;

    X402Purchases(Treasury treasury, JournalStore store, Chain chain, Asset token, Address wallet, Clock clock) {
        this.channels = new X402ChannelPurchases(treasury, store, chain, token, wallet, clock);
        this.treasury = treasury;
        this.store = store;
        this.chain = chain;
        this.token = token;
        this.wallet = wallet;
        this.clock = clock;
    }

    private final java.util.concurrent.atomic.AtomicReference<Instant> lastRelease =
            new java.util.concurrent.atomic.AtomicReference<>();

    Purchase buy(PurchaseOrder order, Signer signer, PurchaseGate gate) {
        if (!order.cap().asset().equals(token)) {
            throw new InvalidTreasuryInputException("this treasury buys in " + token.symbol() + ", the cap is in "
                    + order.cap().asset().symbol());
        }
        Optional<Payment> journaled = store.byKey(order.idempotencyKey());
        if (journaled.isPresent() && !(journaled.get().state() instanceof PaymentState.Intended)) {
            return resume(order, journaled.get());
        }
        // new, or intended and not yet decided (a twin deciding now, or a run that stopped there):
        // ask again; the intent must match what the seller asks now, and only one call signs
        releaseExpired();
        Answer first;
        try {
            first = ask(order);
        } catch (IOException e) {
            throw new SellerUnreachableException(
                    "the seller at " + order.resource() + " could not be reached (" + e.getMessage()
                            + "); nothing was signed or paid",
                    e);
        }
        if (first.status() != 402) {
            return new Purchase(Optional.empty(), new Outcome.Free(first));
        }
        X402.PaymentRequired required;
        try {
            required = X402.decodePaymentRequired(first.header(X402.PAYMENT_REQUIRED)
                    .orElseThrow(() -> new X402Exception(
                            "invalid_payment_requirements",
                            402,
                            "the 402 has no " + X402.PAYMENT_REQUIRED + " header")));
        } catch (X402Exception e) {
            return notPaid("the seller's 402 is unusable: " + e.getMessage() + "; nothing was signed");
        }
        Choice choice = choose(required, order);
        if (choice.offer().isEmpty()) {
            return notPaid(choice.why());
        }
        X402.Requirements offer = choice.offer().get();
        Amount price = Amount.ofBaseUnits(token, offer.amount());
        Optional<String> refused = gate.refusal(order, offer.payTo(), price);
        if (refused.isPresent()) {
            return notPaid(refused.get());
        }
        Payment payment = store.intendPurchase(
                new PaymentRequest(order.idempotencyKey(), offer.payTo(), price, order.expenseAccount()),
                wallet,
                chain.chainId(),
                order.target(),
                clock.instant());
        if (!(payment.state() instanceof PaymentState.Intended)) {
            return resume(order, payment); // a twin call got here first
        }
        if (offer.isChannel()) {
            Purchase paid = channels.pay(order, payment, required, offer, signer);
            if (X402ChannelPurchases.corrected(paid) && !order.idempotencyKey().endsWith(RESYNCED)) {
                // our count was behind the seller's (a lost journal, a twin): once more, under a key of its own
                return buy(order.withKey(order.idempotencyKey() + RESYNCED), signer, gate);
            }
            return paid;
        }
        payment = treasury.told(authorize(payment, required, offer, order, signer));
        if (!(payment.state() instanceof PaymentState.Authorized)) {
            return resume(order, payment);
        }
        return send(order, payment);
    }

    /**
     * The request without payment: what the seller asks. Asked twice when the first connection
     * drops before any answer (a server closing an idle kept-alive connection as it is reused):
     * nothing is signed yet, so asking again costs nothing.
     */
    private static Answer ask(PurchaseOrder order) throws IOException {
        try {
            return SellerWire.send(order, null);
        } catch (IOException dropped) {
            return SellerWire.send(order, null);
        }
    }

    /** The offer to pay, or why none: our network and token, the expected payee, the cheapest within the cap. */
    private record Choice(Optional<X402.Requirements> offer, String why) {}

    private Choice choose(X402.PaymentRequired required, PurchaseOrder order) {
        String network = X402.network(chain.chainId());
        Address ours = token.token().orElseThrow();
        List<X402.Requirements> inOurToken = required.accepts().stream()
                .filter(r -> r.network().equals(network)
                        && r.asset().equals(ours)
                        && r.amount().signum() > 0)
                .toList();
        if (inOurToken.isEmpty()) {
            return new Choice(
                    Optional.empty(),
                    "the seller accepts no payment in " + token.symbol() + " (" + ours + ") on " + network
                            + "; nothing was signed");
        }
        List<X402.Requirements> payable = inOurToken.stream()
                .filter(r -> order.payee().map(r.payTo()::equals).orElse(true))
                .toList();
        if (payable.isEmpty()) {
            return new Choice(
                    Optional.empty(),
                    "the seller asks to be paid at " + inOurToken.get(0).payTo() + ", but only "
                            + order.payee().orElseThrow() + " may be paid for this (its market listing); nothing was"
                            + " signed");
        }
        boolean channelsHere = payable.stream().anyMatch(X402.Requirements::isChannel)
                && treasury.policy().channelDeposit() > 0
                && treasury.channelContract();
        Optional<X402.Requirements> cheapest = payable.stream()
                .filter(r -> r.amount().compareTo(order.cap().baseUnits()) <= 0)
                .filter(r -> !r.isChannel() || channelsHere && order.via() instanceof PurchaseOrder.Via.Http)
                .min(java.util.Comparator.comparing(X402.Requirements::amount)
                        .thenComparing(r -> r.isChannel() ? 0 : 1)); // at one price, a channel: no gas per request
        if (cheapest.isEmpty()) {
            BigInteger least = payable.stream()
                    .map(X402.Requirements::amount)
                    .min(BigInteger::compareTo)
                    .orElseThrow();
            return new Choice(
                    Optional.empty(),
                    "the seller asks " + Amount.ofBaseUnits(token, least) + ", above the cap of " + order.cap()
                            + "; nothing was signed");
        }
        return new Choice(cheapest, "");
    }

    /** The spend policy and the funds check under the wallet's lock; the authorization signed and committed there. */
    private Payment authorize(
            Payment payment,
            X402.PaymentRequired required,
            X402.Requirements offer,
            PurchaseOrder order,
            Signer signer) {
        long head = chain.blockNumber();
        return store.authorize(
                payment.id(),
                wallet,
                () -> {
                    Treasury.SpendCheck check = treasury.spendCheck(payment.payee(), payment.amount());
                    String reference = " (x402 " + order.target() + ")";
                    Verdict verdict = switch (check.decision()) {
                        case PolicyDecision.Deny d -> new Verdict.Stop("DENIED", d.reason());
                        case PolicyDecision.NeedsApproval a ->
                            new Verdict.Stop("DENIED", a.reason() + "; an x402 request cannot wait for approval");
                        case PolicyDecision.Allow ok ->
                            check.spendable().get().compareTo(payment.amount()) < 0
                                    ? new Verdict.Stop(
                                            "FAILED",
                                            "insufficient funds: " + payment.amount() + " asked, "
                                                    + check.spendable().get() + " spendable; nothing was signed")
                                    : new Verdict.Go();
                    };
                    String reason = verdict instanceof Verdict.Stop s
                            ? s.reason()
                            : check.decision().reason();
                    return new JournalStore.Decided(verdict, reason + reference);
                },
                () -> {
                    Instant now = clock.instant();
                    long seconds = Math.max(10, Math.min(offer.maxTimeoutSeconds(), MAX_VALIDITY_SECONDS));
                    Instant validBefore = now.plusSeconds(seconds);
                    TransferAuthorization authorization = TransferAuthorization.sign(
                            signer,
                            offer.tokenDomain(treasury.chain()),
                            offer.payTo(),
                            payment.amount(),
                            now.minusSeconds(60),
                            validBefore,
                            random);
                    X402.PaymentPayload payload = new X402.PaymentPayload(
                            required.resource(),
                            offer,
                            authorization,
                            Optional.of(X402.paymentId(order.idempotencyKey())));
                    return new SignedPurchase(
                            X402.encode(payload, required.resourceWire()),
                            authorization.nonce(),
                            validBefore.getEpochSecond());
                },
                head,
                clock.instant());
    }

    /** Sends the committed header (again, if need be); the chain says whether money left. */
    private Purchase send(PurchaseOrder order, Payment payment) {
        String header = store.purchaseHeader(payment.id());
        payment = treasury.told(store.markSent(payment.id(), clock.instant()));
        Answer answer;
        try {
            answer = SellerWire.send(order, header);
        } catch (IOException e) {
            Optional<Chain.Logged> settled = settlement(payment);
            if (settled.isPresent()) {
                String dispute = "paid (" + settled.get().transactionHash() + ") but the seller at " + order.resource()
                        + " gave no answer: " + e.getMessage();
                return paidNotServed(payment, settled.get(), null, dispute);
            }
            throw new OutcomeUnknownException(
                    "purchase #" + payment.id() + " from " + order.resource() + " was sent, and no answer came ("
                            + e.getMessage() + "); its signed authorization is journaled: a retry sends the same one,"
                            + " never a second, and 'cyberia treasury reconcile' reads its outcome from the chain",
                    e);
        }
        Optional<Chain.Logged> settled = settlement(payment);
        if (answer.status() / 100 == 2) {
            if (settled.isPresent()) {
                Payment booked = treasury.told(store.settlePurchase(
                        payment.id(),
                        settled.get().transactionHash(),
                        settled.get().blockNumber(),
                        legs(payment, order.expenseAccount()),
                        wallet,
                        stored(answer),
                        null,
                        clock.instant()));
                return new Purchase(
                        Optional.of(booked),
                        new Outcome.Served(
                                answer,
                                payment.amount(),
                                payment.payee(),
                                Optional.of(settled.get().transactionHash()),
                                false));
            }
            store.recordResponse(payment.id(), stored(answer));
            return new Purchase(
                    Optional.of(store.note(
                            payment.id(), "served; the settlement is not on chain yet", null, clock.instant())),
                    new Outcome.Served(answer, payment.amount(), payment.payee(), Optional.empty(), false));
        }
        String sellerSays = sellerReason(answer);
        if (settled.isPresent()) {
            String dispute = "paid (" + settled.get().transactionHash() + ") but the seller at " + order.resource()
                    + " answered " + answer.status() + ": " + sellerSays;
            return paidNotServed(payment, settled.get(), answer, dispute);
        }
        if (sellerSays.contains("nonce_used")) { // the seller has this very authorization in hand, settling it
            throw new OutcomeUnknownException(
                    "purchase #" + payment.id() + " from " + order.resource() + " is being settled by the seller on"
                            + " another request; a retry with the same key gets its outcome, and 'cyberia treasury"
                            + " reconcile' reads it from the chain",
                    null);
        }
        Payment noted = treasury.told(store.note(
                payment.id(),
                "refused by the seller (" + answer.status() + "): " + sellerSays
                        + "; the authorization stays unused until it expires, then it is released",
                null,
                clock.instant()));
        return new Purchase(
                Optional.of(noted),
                new Outcome.NotPaid("the seller refused the payment (" + answer.status() + "): " + sellerSays
                        + "; nothing was paid"));
    }

    /** A purchase already in the journal: its outcome, finishing it where it stopped; never a second signature. */
    private Purchase resume(PurchaseOrder order, Payment payment) {
        if (!payment.resource().map(order.target()::equals).orElse(true)) {
            throw new InvalidTreasuryInputException("idempotency key '" + order.idempotencyKey()
                    + "' was already used for a purchase from "
                    + payment.resource().orElse("elsewhere") + " (#"
                    + payment.id() + "); use a new key");
        }
        boolean overChannel = (payment.state() instanceof PaymentState.InFlightPurchase)
                && X402.BATCH_SETTLEMENT.equals(X402.schemeOf(store.purchaseHeader(payment.id())));
        return switch (payment.state()) {
            case PaymentState.Authorized a ->
                overChannel ? channels.send(order, payment) : send(order, payment); // the same header, never a new one
            case PaymentState.Sent s -> overChannel ? channels.send(order, payment) : send(order, payment);
            case PaymentState.Confirmed c -> {
                JournalStore.PurchaseRecord kept = store.purchaseRecord(payment.id());
                if (kept.response().isPresent() && kept.response().get().status() / 100 == 2) {
                    yield new Purchase(
                            Optional.of(payment),
                            new Outcome.Served(
                                    answer(kept.response().get()),
                                    payment.amount(),
                                    payment.payee(),
                                    Optional.of(c.transactionHash()),
                                    true));
                }
                Optional<Answer> late = askAgain(order, payment); // a seller that remembers answers it again
                if (late.isPresent()) {
                    store.recordResponse(payment.id(), stored(late.get()));
                    yield new Purchase(
                            Optional.of(payment),
                            new Outcome.Served(
                                    late.get(),
                                    payment.amount(),
                                    payment.payee(),
                                    Optional.of(c.transactionHash()),
                                    false));
                }
                yield new Purchase(
                        Optional.of(payment),
                        new Outcome.PaidNotServed(
                                payment.amount(),
                                payment.payee(),
                                c.transactionHash(),
                                kept.dispute().orElse("paid, and no answer was kept"),
                                kept.response().map(X402Purchases::answer)));
            }
            case PaymentState.Denied d -> notPaid(payment, d.reason());
            case PaymentState.Failed f -> notPaid(payment, f.reason());
            case PaymentState.Intended i -> notPaid(payment, "not decided yet; nothing was signed");
            case PaymentState.AwaitingApproval w -> notPaid(payment, w.reason());
            case PaymentState.Signed s ->
                throw new IllegalStateException("payment #" + payment.id() + " is a transfer");
            case PaymentState.Broadcast b ->
                throw new IllegalStateException("payment #" + payment.id() + " is a transfer");
        };
    }

    /**
     * Sends a settled purchase's header once more, for a seller that keeps its answers by payment
     * (x402 {@code payment-identifier}): its answer when it gives one, else empty. Never signs.
     */
    private Optional<Answer> askAgain(PurchaseOrder order, Payment payment) {
        String header = store.purchaseHeader(payment.id());
        if (header == null) {
            return Optional.empty();
        }
        try {
            Answer answer = SellerWire.send(order, header);
            return answer.status() / 100 == 2 ? Optional.of(answer) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Channel deposits the chain shows and the books missed, booked (see {@link X402ChannelPurchases#bookLateDeposits}). */
    void bookLateChannelDeposits() {
        channels.bookLateDeposits();
    }

    /**
     * Every AUTHORIZED or SENT purchase of this wallet, read from the chain: settled is booked (a
     * dispute when no answer came), unused past its end is released; the rest stay.
     */
    List<Payment> resolve(boolean onlyExpired) {
        List<Payment> out = new java.util.ArrayList<>();
        Instant now = clock.instant();
        for (Payment p : store.inStates(wallet, "AUTHORIZED", "SENT")) {
            if (X402.BATCH_SETTLEMENT.equals(X402.schemeOf(store.purchaseHeader(p.id())))) {
                if (!onlyExpired || now.isAfter(inFlight(p).validBefore())) {
                    out.addAll(channels.resolve(p));
                }
                continue;
            }
            Instant end = inFlight(p).validBefore();
            if (onlyExpired && !now.isAfter(end)) {
                continue;
            }
            Optional<Chain.Logged> settled = settlement(p);
            if (settled.isPresent()) {
                JournalStore.PurchaseRecord kept = store.purchaseRecord(p.id());
                String dispute = kept.response().isPresent()
                        ? null
                        : "paid (" + settled.get().transactionHash() + ") and no answer was received from "
                                + p.resource().orElse("the seller")
                                + kept.reason().map(r -> " (" + r + ")").orElse("");
                out.add(treasury.told(store.settlePurchase(
                        p.id(),
                        settled.get().transactionHash(),
                        settled.get().blockNumber(),
                        legs(p, p.purpose()),
                        wallet,
                        null,
                        dispute,
                        now)));
            } else if (now.isAfter(end)) {
                try {
                    out.add(treasury.told(store.setState(
                            p.id(),
                            List.of("AUTHORIZED", "SENT"),
                            "FAILED",
                            "released: the authorization expired at " + end + " unused; nothing was paid",
                            now)));
                } catch (IllegalPaymentTransitionException settledMeanwhile) {
                    // another call settled or released it: nothing to do here
                }
            }
        }
        return out;
    }

    /**
     * Resolves purchases whose authorization has run out, at most once a second: authorizations
     * live at least ten seconds, so looking on every purchase would only cost queries.
     */
    private void releaseExpired() {
        Instant now = clock.instant();
        Instant last = lastRelease.get();
        if (last != null && now.isBefore(last.plusSeconds(1)) || !lastRelease.compareAndSet(last, now)) {
            return;
        }
        resolve(true);
    }

    private static PaymentState.InFlightPurchase inFlight(Payment p) {
        if (p.state() instanceof PaymentState.InFlightPurchase f) {
            return f;
        }
        throw new IllegalStateException("payment #" + p.id() + " carries no authorization in flight");
    }

    /**
     * Whether the purchase's authorization was used on chain ({@code authorizationState}), and by
     * which transaction (its {@code AuthorizationUsed} log).
     */
    private Optional<Chain.Logged> settlement(Payment p) {
        return AuthorizationUse.of(
                chain,
                token.token().orElseThrow(),
                wallet,
                inFlight(p).authorizationNonce(),
                store.signedAtBlock(p.id()));
    }

    private Purchase paidNotServed(Payment payment, Chain.Logged settled, Answer answer, String dispute) {
        Payment booked = treasury.told(store.settlePurchase(
                payment.id(),
                settled.transactionHash(),
                settled.blockNumber(),
                legs(payment, payment.purpose()),
                wallet,
                answer == null ? null : stored(answer),
                dispute,
                clock.instant()));
        return new Purchase(
                Optional.of(booked),
                new Outcome.PaidNotServed(
                        payment.amount(),
                        payment.payee(),
                        settled.transactionHash(),
                        dispute,
                        Optional.ofNullable(answer)));
    }

    private static List<Leg> legs(Payment p, String expenseAccount) {
        Amount amount = p.amount();
        return List.of(
                new Leg(expenseAccount, amount.asset(), amount.baseUnits()),
                new Leg(
                        amount.asset().walletAccount(),
                        amount.asset(),
                        amount.baseUnits().negate()));
    }

    private static Purchase notPaid(String reason) {
        return new Purchase(Optional.empty(), new Outcome.NotPaid(reason));
    }

    static Purchase notPaid(Payment p, String reason) {
        return new Purchase(Optional.of(p), new Outcome.NotPaid(reason));
    }

    static String sellerReason(Answer answer) {
        Optional<String> reason = answer.header(X402.PAYMENT_RESPONSE).flatMap(h -> {
            try {
                return Optional.ofNullable(X402.decodeSettlementResponse(h).errorReason());
            } catch (RuntimeException malformed) {
                return Optional.empty();
            }
        });
        String body = answer.text();
        return reason.orElse("") + (body.isBlank() ? "" : (reason.isPresent() ? " " : "") + oneLine(body));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static Answer answer(StoredResponse kept) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        try {
            JSON.readTree(kept.headersJson()).fields().forEachRemaining(e -> {
                List<String> values = new java.util.ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                headers.put(e.getKey(), values);
            });
        } catch (JsonProcessingException e) {
            throw new TreasuryException("a kept answer's headers are not JSON: " + e.getMessage(), e);
        }
        return new Answer(kept.status(), headers, kept.body() == null ? new byte[0] : kept.body());
    }

    static StoredResponse stored(Answer answer) {
        try {
            byte[] body = answer.body();
            return new StoredResponse(
                    answer.status(),
                    JSON.writeValueAsString(answer.headers()),
                    body.length > MAX_KEPT_BODY ? Arrays.copyOf(body, MAX_KEPT_BODY) : body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
