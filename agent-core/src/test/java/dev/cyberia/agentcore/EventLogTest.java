package dev.cyberia.agentcore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLogTest {
    static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    final TreasuryDatabase db = TestDatabases.fresh();
    final AgentStore store = AgentStore.open(db.dataSource());
    final EventLog log = new EventLog(db.dataSource(), Clock.systemUTC());

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void append_linksEachEventToThePreviousHash_andListenersHearIt() throws Exception {
        Path home = Files.createTempDirectory("events");
        List<RecordedEvent> heard = new ArrayList<>();
        log.addListener(heard::add);
        log.addListener(ActionLog.writer(home));
        RecordedEvent first = log.append(
                "a",
                "a#1",
                new AgentEvent.TickStarted(false, SurvivalMode.NORMAL, Amount.zero(CYB), java.util.List.of()));
        RecordedEvent second = log.append(
                "a",
                "a#1",
                new AgentEvent.PaymentSent(Amount.parse("1.5", CYB), "0xabc", "0xhash", "expenses:x", "CONFIRMED"));
        assertThat(first.prevHash()).isEqualTo(EventLog.GENESIS);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.seq()).isEqualTo(1);
        assertThat(heard).containsExactly(first, second);
        assertThat(second.json())
                .contains("\"amount\":\"1.5\"")
                .contains("\"asset\":\"CYB\"")
                .contains("\"tick\":\"a#1\"");
        assertThat(Files.readAllLines(ActionLog.fileOf(home, "a"))).containsExactly(first.json(), second.json());
        assertThat(log.verify("a")).isEmpty();
        assertThat(log.spentSince("a", Instant.EPOCH)).isEqualTo(1_500_000);
    }

    @Test
    void verify_findsAnEventChangedAfterTheFact() throws Exception {
        for (int i = 0; i < 4; i++) {
            log.append("a", null, new AgentEvent.PolicyDenied("pay", "reason " + i));
        }
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE agent_events SET body = REPLACE(body, 'reason 2', 'reason 9') WHERE seq = 2");
        }
        assertThat(log.verify("a")).contains(2L);
    }

    @Test
    void verify_findsAnEventRemoved() throws Exception {
        for (int i = 0; i < 3; i++) {
            log.append("a", null, new AgentEvent.PolicyDenied("pay", "reason " + i));
        }
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM agent_events WHERE seq = 1");
        }
        assertThat(log.verify("a")).contains(2L);
    }
}
