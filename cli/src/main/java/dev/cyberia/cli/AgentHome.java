package dev.cyberia.cli;

import dev.cyberia.agentcore.ActionLog;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Path;
import java.time.Clock;

/** The home's database opened for agents: the store, and the event log writing each agent's actions.jsonl. */
final class AgentHome implements AutoCloseable {
    final Path home;
    final TreasuryDatabase db;
    final AgentStore store;
    final EventLog events;

    private AgentHome(Path home, TreasuryDatabase db, Clock clock) {
        this.home = home;
        this.db = db;
        this.store = AgentStore.open(db.dataSource());
        this.events = new EventLog(db.dataSource(), clock);
        this.events.addListener(ActionLog.writer(home));
    }

    static AgentHome open(CyberiaCommand root, Clock clock) {
        TreasuryDatabase db = root.openDatabase();
        try {
            return new AgentHome(root.home(), db, clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Moves an agent to {@code to}, with the StateChanged event that says from what and by whom. */
    void changeState(String name, AgentState to, String by) {
        store.changeState(events, name, to, by);
    }

    Path agentDir(String name) {
        return home.resolve("agents").resolve(name);
    }

    @Override
    public void close() {
        db.close();
    }
}
