package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.JournalStore;
import dev.cyberia.treasury.internal.JournalStore.Leg;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A seller's x402 payments settled by a facilitator rather than by its own transaction: journaled
 * (kind {@code X402_IN}) before the facilitator is asked, and booked once, as
 * {@code income:services} with no gas of ours, from what the chain shows: the authorization used
 * and the transaction that used it. A lost answer or a crash leaves the collection INTENDED, and
 * {@link #resolve} settles it from the chain, or releases it once its authorization expired unused.
 */
final class X402Collections {
    /** How long a settled answer may take to show on chain (the facilitator waits for its receipt). */
    private static final Duration SHOW_ON_CHAIN = Duration.ofSeconds(10);

    private final Treasury treasury;
    private final JournalStore store;
    private final Chain chain;
    private final Asset token;
    private final Address wallet;
    private final Clock clock;

    X402Collections(Treasury treasury, JournalStore store, Chain chain, Asset token, Address wallet, Clock clock) {
        this.treasury = treasury;
        this.store = store;
        this.chain = chain;
        this.token = token;
        this.wallet = wallet;
        this.clock = clock;
    }

    Payment collect(
            X402Facilitator facilitator,
            X402.PaymentPayload payment,
            String header,
            X402.Requirements required,
            String incomeAccount) {
        TransferAuthorization a = payment.authorization();
        PaymentRequest request = treasury.collection(a, incomeAccount);
        Payment p = treasury.told(store.intendCollection(
                request,
                wallet,
                chain.chainId(),
                header,
                a.validBefore()
                        .min(java.math.BigInteger.valueOf(Long.MAX_VALUE))
                        .longValue(),
                chain.blockNumber(),
                clock.instant()));
        if (!(p.state() instanceof PaymentState.Intended)) {
            return p; // settled or released by an earlier call: the chain is not asked twice
        }
        store.recordDecision(p.id(), wallet, "ALLOW", "collecting through " + facilitator, "x402", clock.instant());
        X402.SettlementResponse answer;
        try {
            answer = facilitator.settle(header, required);
        } catch (IOException e) {
            return settledWithin(p, SHOW_ON_CHAIN)
                    .orElseThrow(() -> new OutcomeUnknownException(
                            "no answer from " + facilitator + " ("
                                    + e.getMessage()
                                    + ") and the chain does not show the payment yet; it stays journaled"
                                    + " and 'treasury reconcile' settles or releases it",
                            e));
        }
        if (answer.success()) {
            return settledWithin(p, SHOW_ON_CHAIN)
                    .orElseThrow(() -> new OutcomeUnknownException(
                            facilitator + " reports " + answer.transaction()
                                    + " but the chain does not show the authorization used; it stays journaled",
                            null));
        }
        return settledWithin(p, Duration.ZERO)
                .orElseGet(() -> treasury.told(store.setState(
                        p.id(),
                        List.of("INTENDED"),
                        "FAILED",
                        facilitator + " did not settle: " + answer.errorReason(),
                        clock.instant())));
    }

    /** Every collection in flight, read from the chain: settled is booked, expired unused is released. */
    List<Payment> resolve() {
        List<Payment> out = new ArrayList<>();
        for (Payment p : store.collectionsInFlight(wallet)) {
            Optional<Payment> settled = settledWithin(p, Duration.ZERO);
            if (settled.isPresent()) {
                out.add(settled.get());
            } else if (clock.instant().getEpochSecond() >= store.validBefore(p.id())) {
                out.add(treasury.told(store.setState(
                        p.id(),
                        List.of("INTENDED"),
                        "FAILED",
                        "released: the authorization expired unused; nothing was paid",
                        clock.instant())));
            }
        }
        return out;
    }

    /** The collection booked, once the chain shows its authorization used (waiting up to {@code patience}). */
    private Optional<Payment> settledWithin(Payment p, Duration patience) {
        X402.PaymentPayload payload = X402.decodePaymentPayload(store.purchaseHeader(p.id()));
        TransferAuthorization a = payload.authorization();
        long fromBlock = store.signedAtBlock(p.id());
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Optional<Chain.Logged> used =
                    AuthorizationUse.of(chain, token.token().orElseThrow(), a.from(), a.nonce(), fromBlock);
            if (used.isPresent()) {
                Amount amount = p.amount();
                return Optional.of(treasury.told(store.settleCollection(
                        p.id(),
                        used.get().transactionHash(),
                        used.get().blockNumber(),
                        List.of(
                                new Leg(amount.asset().walletAccount(), amount.asset(), amount.baseUnits()),
                                new Leg(
                                        p.purpose(),
                                        amount.asset(),
                                        amount.baseUnits().negate())),
                        wallet,
                        clock.instant())));
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
