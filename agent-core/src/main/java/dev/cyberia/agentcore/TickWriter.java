package dev.cyberia.agentcore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one tick to the database in as few commits as its work allows. A tick starts quiet: its
 * events and mode change wait in memory. When it is about to act (a tool call, a purchase, a
 * climb, anything whose id others will keep) it {@link #open opens}: the tick counter moves, the
 * tick is marked open, and the waiting events are written, in one commit, so a crash from then on
 * re-runs it under the same id. A tick that ends quiet is written whole in one commit: counter,
 * last tick time, mode and events together; a crash before that commit leaves nothing, as nothing
 * was done; quiet ticks that end together share that commit ({@link QuietTicks}). Either way the
 * counter moves only if no other tick moved it first, so one tick of an agent runs at a time
 * wherever it runs.
 */
final class TickWriter {
    private record Waiting(String goal, AgentEvent event, Instant at) {}

    private final AgentStore store;
    private final EventLog events;
    private final QuietTicks quiet;
    private final Clock clock;
    private final String agent;
    private final long fromSeq;
    private final String id;
    private final boolean resumed;
    private final List<Waiting> waiting = new ArrayList<>();
    private SurvivalMode newMode;
    private boolean open;
    private Instant endedAt;

    private TickWriter(
            AgentStore store,
            EventLog events,
            QuietTicks quiet,
            Clock clock,
            String agent,
            long fromSeq,
            String id,
            boolean resumed,
            boolean open) {
        this.store = store;
        this.events = events;
        this.quiet = quiet;
        this.clock = clock;
        this.agent = agent;
        this.fromSeq = fromSeq;
        this.id = id;
        this.resumed = resumed;
        this.open = open;
    }

    /** The next tick of {@code record}, or the one a crash left open (already open, re-run under its id). */
    static TickWriter next(AgentStore store, EventLog events, QuietTicks quiet, Clock clock, AgentRecord record) {
        return record.openTick()
                .map(id -> new TickWriter(store, events, quiet, clock, record.name(), record.tickSeq(), id, true, true))
                .orElseGet(() -> new TickWriter(
                        store,
                        events,
                        quiet,
                        clock,
                        record.name(),
                        record.tickSeq(),
                        record.name() + "#" + (record.tickSeq() + 1),
                        false,
                        false));
    }

    /** A sale's record: no tick row to move, each event committed as it comes. */
    static TickWriter sale(AgentStore store, EventLog events, Clock clock, String agent, String saleId) {
        return new TickWriter(store, events, null, clock, agent, -1, saleId, false, true);
    }

    String id() {
        return id;
    }

    boolean resumed() {
        return resumed;
    }

    /** Records {@code event}: now if the tick is open, else with the tick's first commit. */
    void record(String goalOrNull, AgentEvent event) {
        if (open) {
            events.append(agent, id, goalOrNull, event);
        } else {
            waiting.add(new Waiting(goalOrNull, event, clock.instant()));
        }
    }

    /** Moves the agent to {@code mode}: now if the tick is open, else with the tick's first commit. */
    void setMode(SurvivalMode mode) {
        if (open) {
            store.setMode(agent, mode);
        } else {
            newMode = mode;
        }
    }

    /**
     * Opens the tick before it acts: counter, open mark, waiting mode and events in one commit.
     *
     * @throws AgentException when another tick of the agent got there first: this one must not act
     */
    void open() {
        if (open) {
            return;
        }
        write(id, null);
        open = true;
    }

    /**
     * Ends the tick with {@code finished}: an open tick is closed now (one commit); a quiet one is
     * written whole with the quiet ticks ending about now (one commit between them).
     *
     * @return done when the tick is in the database; failed with {@link TickTakenException} when
     *     another tick of the agent got there first
     */
    java.util.concurrent.CompletableFuture<Void> finish(AgentEvent.TickFinished finished) {
        Instant at = clock.instant();
        waiting.add(new Waiting(null, finished, at));
        if (!open) {
            endedAt = at;
            return quiet.write(this);
        }
        List<RecordedEvent> recorded = store.inTransaction("close tick " + id, c -> {
            List<RecordedEvent> out = insertWaiting(c);
            store.closeTick(c, agent, id, at);
            return out;
        });
        waiting.clear();
        recorded.forEach(events::announce);
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * Writes this quiet tick whole in the caller's transaction.
     *
     * @return its events, to announce after the commit; null when another tick got there first
     */
    List<RecordedEvent> writeQuiet(java.sql.Connection c) throws java.sql.SQLException {
        if (!store.advanceTick(c, agent, fromSeq, null, endedAt, newMode)) {
            return null;
        }
        return insertWaiting(c);
    }

    TickTakenException taken() {
        return new TickTakenException(agent, id);
    }

    private void write(String openTick, Instant lastTickAt) {
        List<RecordedEvent> recorded = store.inTransaction("write tick " + id, c -> {
            if (!store.advanceTick(c, agent, fromSeq, openTick, lastTickAt, newMode)) {
                throw new TickTakenException(agent, id);
            }
            return insertWaiting(c);
        });
        waiting.clear();
        newMode = null;
        recorded.forEach(events::announce);
    }

    private List<RecordedEvent> insertWaiting(java.sql.Connection c) throws java.sql.SQLException {
        List<RecordedEvent> out = new ArrayList<>();
        for (Waiting w : waiting) {
            out.add(events.insert(c, agent, id, w.goal(), w.event(), w.at()));
        }
        return out;
    }

    /** Another tick of the agent moved its counter first (it ran elsewhere, or at the same time). */
    static final class TickTakenException extends AgentException {
        TickTakenException(String agent, String tickId) {
            super("tick " + tickId + " of " + agent + " was not run: another tick of " + agent
                    + " ran first (on this node or another); the next heartbeat carries on");
        }
    }
}
