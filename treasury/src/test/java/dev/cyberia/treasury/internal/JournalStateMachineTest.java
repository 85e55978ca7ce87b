package dev.cyberia.treasury.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.SignedTransaction;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.IllegalPaymentTransitionException;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TreasuryDatabase;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The payment journal as a state machine, driven by random sequences of every change it offers:
 * each step either makes a legal move from the state the payment is in, or changes nothing (an
 * error, or a twin's no-op); a payment never leaves a final state except a released purchase that
 * the chain shows settled after all; and whatever the sequence, a payment is booked at most once.
 */
class JournalStateMachineTest {
    private static final Address PAYER = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    private static final Address PAYEE = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    private static final List<String> STATES = List.of(
            "INTENDED",
            "AWAITING_APPROVAL",
            "DENIED",
            "SIGNED",
            "BROADCAST",
            "AUTHORIZED",
            "SENT",
            "CONFIRMED",
            "FAILED");
    /** Written out here from the state diagram, not taken from the code under test. */
    private static final Map<String, Set<String>> TRANSFER = Map.of(
            "INTENDED", Set.of("AWAITING_APPROVAL", "DENIED", "FAILED", "SIGNED"),
            "AWAITING_APPROVAL", Set.of("DENIED", "FAILED", "SIGNED"),
            "SIGNED", Set.of("BROADCAST", "CONFIRMED", "FAILED"),
            "BROADCAST", Set.of("CONFIRMED", "FAILED"),
            "FAILED", Set.of(),
            "DENIED", Set.of(),
            "CONFIRMED", Set.of());

    private static final Map<String, Set<String>> PURCHASE = Map.of(
            "INTENDED", Set.of("DENIED", "FAILED", "AUTHORIZED"),
            "AUTHORIZED", Set.of("SENT", "CONFIRMED", "FAILED"),
            "SENT", Set.of("CONFIRMED", "FAILED"),
            "FAILED", Set.of("CONFIRMED"), // a released purchase the chain shows settled after all
            "DENIED", Set.of(),
            "CONFIRMED", Set.of());
    private static final AtomicLong KEYS = new AtomicLong();

    private static TreasuryDatabase db;
    private static JournalStore store;

    @BeforeContainer
    static void open() {
        db = TestDatabases.fresh();
        store = new JournalStore(db.dataSource());
    }

    @AfterContainer
    static void close() {
        db.close();
    }

    /** One change the journal offers, with the states it names. */
    record Step(String kind, List<String> from, String to) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> state = Arbitraries.of(STATES);
        Arbitrary<Step> setState = Combinators.combine(state.list().ofMinSize(1).ofMaxSize(3), state)
                .as((from, to) -> new Step("setState", from.stream().distinct().toList(), to));
        Arbitrary<Step> named = Arbitraries.of(
                        "sign",
                        "approveSign",
                        "authorize",
                        "authorizeStop",
                        "markSent",
                        "markBroadcast",
                        "settle",
                        "settlePurchase",
                        "rejectSigned")
                .map(k -> new Step(k, List.of(), ""));
        return Arbitraries.oneOf(setState, named).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 300)
    void everyStep_movesLegallyOrChangesNothing_andAPaymentIsBookedAtMostOnce(@ForAll("steps") List<Step> steps) {
        boolean purchase = KEYS.get() % 2 == 0;
        Payment p = purchase
                ? store.intendPurchase(request(), PAYER, 31337, "http://127.0.0.1/x", Instant.now())
                : store.intend(request(), PAYER, 31337, Instant.now());
        for (Step step : steps) {
            String before = store.byId(p.id()).orElseThrow().state().name();
            try {
                apply(step, p.id());
            } catch (IllegalPaymentTransitionException refused) {
                assertThat(state(p.id())).as("a refused step changes nothing").isEqualTo(before);
                continue;
            }
            String after = state(p.id());
            if (!after.equals(before)) {
                assertThat((purchase ? PURCHASE : TRANSFER).get(before))
                        .as(step + ": " + before + " → " + after)
                        .contains(after);
            }
        }
        long postings = store.ledger(PAYER).stream()
                .filter(e -> e.paymentId() == p.id())
                .map(e -> e.postingId())
                .distinct()
                .count();
        assertThat(postings).as("booked at most once").isLessThanOrEqualTo(1);
    }

    private static PaymentRequest request() {
        return new PaymentRequest(
                "k" + KEYS.incrementAndGet(), PAYEE, Amount.ofBaseUnits(CYB, BigInteger.TEN), "expenses:test");
    }

    private static String state(long id) {
        return store.byId(id).orElseThrow().state().name();
    }

    private static void apply(Step step, long id) {
        Instant now = Instant.now();
        List<JournalStore.Leg> legs = List.of(
                new JournalStore.Leg("expenses:test", CYB, BigInteger.TEN),
                new JournalStore.Leg(CYB.walletAccount(), CYB, BigInteger.TEN.negate()));
        switch (step.kind()) {
            case "setState" -> store.setState(id, step.from(), step.to(), "random step", now);
            case "sign", "approveSign" ->
                store.sign(
                        id,
                        PAYER,
                        31337,
                        List.of(step.kind().equals("sign") ? "INTENDED" : "AWAITING_APPROVAL"),
                        JournalStore.Verdict.Go::new,
                        a -> BigInteger.valueOf(id),
                        n -> new SignedTransaction(
                                new byte[] {1, 2, 3},
                                java.util.HexFormat.of().parseHex("%064x".formatted(id)),
                                new dev.cyberia.keystore.Signature(BigInteger.ONE, BigInteger.ONE, 0)),
                        now);
            case "authorize", "authorizeStop" ->
                store.authorize(
                        id,
                        PAYER,
                        step.kind().equals("authorize")
                                ? () -> new JournalStore.Decided(new JournalStore.Verdict.Go(), "ok")
                                : () -> new JournalStore.Decided(new JournalStore.Verdict.Stop("DENIED", "no"), "no"),
                        () -> new JournalStore.SignedPurchase("header", "0x" + "%064x".formatted(id), 1),
                        1,
                        now);
            case "markSent" -> store.markSent(id, now);
            case "markBroadcast" -> store.markBroadcast(id, now);
            case "settle" -> store.settle(id, true, 1, BigInteger.ZERO, null, List.of(legs), PAYER, "0xtx" + id, now);
            case "settlePurchase" -> store.settlePurchase(id, "0xtx" + id, 1, legs, PAYER, null, null, now);
            case "rejectSigned" -> store.rejectSigned(id, "rejected", now);
            default -> throw new IllegalArgumentException(step.kind());
        }
    }
}
