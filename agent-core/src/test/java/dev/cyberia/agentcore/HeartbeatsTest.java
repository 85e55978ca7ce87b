package dev.cyberia.agentcore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    @Test
    void slot_fallsAtOrAfterTheTime_onTheAgentsOwnPhase_oneIntervalApart() {
        Duration minute = Duration.ofMinutes(1);
        Instant from = Instant.parse("2026-11-29T12:00:00.123Z");
        Instant first = Heartbeats.slot("scribe", minute, from);
        assertThat(first).isAfterOrEqualTo(from).isBefore(from.plus(minute));
        assertThat(Heartbeats.slot("scribe", minute, first)).isEqualTo(first);
        assertThat(Heartbeats.slot("scribe", minute, first.plusMillis(1))).isEqualTo(first.plus(minute));
    }

    @Test
    void aNodeTakingAnAgentUp_beatsOnTheSlotAfterItsLastTick_notTheOneAfterNext() {
        Duration interval = Duration.ofSeconds(15);
        Instant planned = Heartbeats.slot("customer", interval, Instant.parse("2026-11-29T23:41:30Z"));
        Instant ended = planned.plusMillis(190); // the last tick ran on its slot and took 190 ms
        Instant restarted = ended.plusSeconds(2);
        assertThat(Heartbeats.resumeAt("customer", interval, ended, restarted)).isEqualTo(planned.plus(interval));
        // long down: at once on its next slot from now
        Instant later = ended.plusSeconds(600);
        assertThat(Heartbeats.resumeAt("customer", interval, ended, later))
                .isEqualTo(Heartbeats.slot("customer", interval, later));
    }

    @Test
    void slot_spreadsManyAgentsOverTheInterval() {
        Duration minute = Duration.ofMinutes(1);
        Instant from = Instant.parse("2026-11-29T12:00:00Z");
        Map<Long, Integer> perSecond = new HashMap<>();
        for (int i = 0; i < 6_000; i++) {
            Instant at = Heartbeats.slot("a" + i, minute, from);
            perSecond.merge(at.getEpochSecond(), 1, Integer::sum);
        }
        assertThat(perSecond).hasSize(60);
        // evenly spread: each second of the minute gets 100 ± 40 of 6,000 agents, not a burst
        assertThat(perSecond.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void anAgentBeatsAgainAfterEachTickIsWritten_andItsFollowUpsRunOnceAndAreForgotten() throws Exception {
        try (dev.cyberia.treasury.TreasuryDatabase db = dev.cyberia.treasury.TestDatabases.fresh()) {
            AgentStore store = AgentStore.open(db.dataSource());
            store.create(
                    "b",
                    dev.cyberia.keystore.Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                    "b",
                    java.nio.file.Path.of("b.yaml"),
                    Tier.AUTOMATON,
                    Instant.now());
            java.util.List<java.util.List<String>> ticks = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch five = new java.util.concurrent.CountDownLatch(5);
            Duration every = Duration.ofMillis(100);
            try (Heartbeats beats = new Heartbeats(
                    2,
                    (agent, reasons) -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        ticks.add(reasons);
                        five.countDown();
                        return java.util.Optional.of(every);
                    }),
                    store,
                    java.time.Clock.systemUTC())) {
                beats.start(store.get("b"), every);
                beats.followUp("b", Duration.ZERO, "check the inbox");
                assertThat(five.await(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
            }
            assertThat(ticks.stream().filter(r -> r.contains("check the inbox")))
                    .hasSize(1);
            assertThat(store.wakeups("b")).isEmpty();
        }
    }
}
