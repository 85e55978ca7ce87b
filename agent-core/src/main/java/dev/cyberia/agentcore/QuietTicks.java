package dev.cyberia.agentcore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the ticks that ended quiet (they only looked) in group commits: the ticks that end while
 * one transaction is being written go together in the next, so a node ticking thousands of idle
 * agents pays one durable commit per batch instead of one per agent. Nobody waits on a timer: a
 * lone tick is written at once by the thread that ended it; under load, that thread writes what
 * queued behind it too. Each tick in a batch keeps its own fence (its counter moves only if no
 * other tick moved it), so one tick that lost its race does not undo the others.
 */
final class QuietTicks {
    /** A quiet tick waiting for its commit, and who hears when it is written. */
    record Entry(TickWriter tick, CompletableFuture<Void> written) {}

    private static final int MOST_PER_COMMIT = 500;

    private final AgentStore store;
    private final EventLog events;
    private final ConcurrentLinkedQueue<Entry> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    QuietTicks(AgentStore store, EventLog events) {
        this.store = store;
        this.events = events;
    }

    /** Queues {@code tick} and writes what is queued unless another thread is writing it now. */
    CompletableFuture<Void> write(TickWriter tick) {
        Entry e = new Entry(tick, new CompletableFuture<>());
        waiting.add(e);
        // whoever holds the lock writes; it looks again after letting go, so nothing is left behind
        while (!waiting.isEmpty() && writing.tryLock()) {
            try {
                for (List<Entry> batch; !(batch = take()).isEmpty(); ) {
                    commit(batch);
                }
            } finally {
                writing.unlock();
            }
        }
        return e.written();
    }

    private List<Entry> take() {
        List<Entry> batch = new ArrayList<>();
        for (Entry e; batch.size() < MOST_PER_COMMIT && (e = waiting.poll()) != null; ) {
            batch.add(e);
        }
        return batch;
    }

    private void commit(List<Entry> batch) {
        List<List<RecordedEvent>> recorded;
        try {
            recorded = store.inTransaction("write " + batch.size() + " quiet ticks", c -> {
                List<List<RecordedEvent>> out = new ArrayList<>();
                for (Entry e : batch) {
                    out.add(e.tick().writeQuiet(c));
                }
                return out;
            });
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).written().completeExceptionally(e);
                return;
            }
            for (Entry one : batch) { // one bad tick must not take the others down with it
                commit(List.of(one));
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Entry e = batch.get(i);
            List<RecordedEvent> written = recorded.get(i);
            if (written == null) {
                e.written().completeExceptionally(e.tick().taken());
            } else {
                written.forEach(events::announce);
                e.written().complete(null);
            }
        }
    }
}
