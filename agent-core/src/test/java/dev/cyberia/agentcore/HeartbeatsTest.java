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
}
