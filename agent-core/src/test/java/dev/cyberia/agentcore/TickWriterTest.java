package dev.cyberia.agentcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TickWriterTest {
    static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    final TreasuryDatabase db = TestDatabases.fresh();
    final AgentStore store = AgentStore.open(db.dataSource());
    final EventLog log = new EventLog(db.dataSource(), Clock.systemUTC());
    final List<RecordedEvent> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    final QuietTicks quiet = new QuietTicks(store, log);

    @BeforeEach
    void agent() {
        store.create(
                "a",
                Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                "a",
                Path.of("a.yaml"),
                Tier.AUTOMATON,
                Instant.now());
        log.addListener(heard::add);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private TickWriter next() {
        return next("a");
    }

    private TickWriter next(String agent) {
        return TickWriter.next(store, log, quiet, Clock.systemUTC(), store.get(agent));
    }

    private static AgentEvent started() {
        return new AgentEvent.TickStarted(false, SurvivalMode.NORMAL, Amount.zero(CYB), List.of());
    }

    private static AgentEvent.TickFinished finished(String outcome) {
        return new AgentEvent.TickFinished(outcome, 0, Amount.zero(CYB), 1);
    }

    @Test
    void aQuietTick_writesNothingUntilItEnds_thenCounterModeAndEventsTogether() throws Exception {
        TickWriter tick = next();
        tick.record(null, started());
        tick.setMode(SurvivalMode.CONSERVE);
        assertThat(eventCount()).isZero();
        assertThat(store.get("a").tickSeq()).isZero();

        tick.finish(finished("idle")).join();

        AgentRecord after = store.get("a");
        assertThat(after.tickSeq()).isEqualTo(1);
        assertThat(after.openTick()).isEmpty();
        assertThat(after.lastTickAt()).isPresent();
        assertThat(after.mode()).isEqualTo(SurvivalMode.CONSERVE);
        assertThat(eventCount()).isEqualTo(2);
        assertThat(heard).extracting(RecordedEvent::tickId).containsExactly("a#1", "a#1");
        assertThat(log.verify("a")).isEmpty();
    }

    @Test
    void twoTicksFromTheSameCounter_onlyTheFirstIsWritten_theSecondWritesNothing() throws Exception {
        TickWriter first = next();
        TickWriter second = next(); // read the same row, as a second node would
        first.record(null, started());
        second.record(null, started());
        first.finish(finished("idle")).join();

        assertThat(second.finish(finished("idle")))
                .failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(TickWriter.TickTakenException.class)
                .withMessageContaining("another tick of a ran first");
        assertThat(store.get("a").tickSeq()).isEqualTo(1);
        assertThat(eventCount()).isEqualTo(2);
    }

    @Test
    void aTickThatActs_opensFirst_andACrashLeavesItOpenToResumeUnderTheSameId() {
        TickWriter tick = next();
        tick.record(null, started());
        tick.open();
        assertThat(store.get("a").openTick()).contains("a#1");
        assertThat(heard).hasSize(1); // the waiting event went with the opening commit
        // the process dies here; the next tick is the same one, re-run
        TickWriter again = next();
        assertThat(again.resumed()).isTrue();
        assertThat(again.id()).isEqualTo("a#1");
        assertThat(next().resumed()).isTrue(); // until it finishes, every tick is that one
        assertThat(again.finish(finished("done"))).isDone();
        assertThat(store.get("a").openTick()).isEmpty();
        assertThat(next().id()).isEqualTo("a#2");
    }

    @Test
    void aTickCannotOpenWhileAnotherIsOpen() {
        TickWriter quiet = next();
        TickWriter acting = next();
        acting.open();
        assertThatThrownBy(quiet::open).isInstanceOf(TickWriter.TickTakenException.class);
        assertThat(store.get("a").openTick()).contains("a#1");
    }

    @Test
    void quietTicksEndingTogether_areAllWritten_andOneThatLostItsRaceTakesNoOtherDown() throws Exception {
        int agents = 40;
        for (int i = 0; i < agents; i++) {
            store.create(
                    "q" + i,
                    Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                    "q" + i,
                    Path.of("q.yaml"),
                    Tier.AUTOMATON,
                    Instant.now());
        }
        TickWriter loser = next("q0");
        next("q0").finish(finished("idle")).join(); // q0's counter moves under the loser's feet
        loser.record(null, started());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<java.util.concurrent.CompletableFuture<Void>>> written = new ArrayList<>();
        written.add(pool.submit(() -> loser.finish(finished("idle"))));
        for (int round = 0; round < 3; round++) {
            for (int i = 1; i < agents; i++) {
                String name = "q" + i;
                written.add(pool.submit(() -> {
                    synchronized (name.intern()) { // one tick of an agent at a time, as the node does
                        TickWriter t = next(name);
                        t.record(null, started());
                        java.util.concurrent.CompletableFuture<Void> w = t.finish(finished("idle"));
                        w.join();
                        return w;
                    }
                }));
            }
        }
        pool.shutdown();
        assertThat(written.get(0).get().handle((ok, e) -> e).get()).isInstanceOf(TickWriter.TickTakenException.class);
        for (var w : written.subList(1, written.size())) {
            assertThat(w.get()).isCompleted();
        }
        for (int i = 1; i < agents; i++) {
            assertThat(store.get("q" + i).tickSeq()).isEqualTo(3);
            assertThat(log.verify("q" + i)).isEmpty();
        }
        assertThat(store.get("q0").tickSeq()).isEqualTo(1);
    }

    private int eventCount() throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM agent_events WHERE agent = 'a'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
