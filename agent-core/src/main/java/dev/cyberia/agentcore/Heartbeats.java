package dev.cyberia.agentcore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the heartbeats and follow-ups of the agents a node holds, in memory: one timer thread
 * hands due agents to a pool of tick threads, and one agent never has two ticks at once on the
 * node. Nothing here needs to be written down: the next heartbeat follows from the agent's last
 * tick (in the database), its interval and its phase, and follow-ups are rows until they run, so
 * a node that restarts or takes the agent over picks up the same schedule.
 *
 * <p>Each agent beats on its own phase within its interval (from its name), so many agents
 * launched together spread over the interval instead of ticking in bursts.
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    /**
     * Runs one tick of an agent for these reasons; completes, once the tick is in the database,
     * with its heartbeat interval from now on, or empty to stop beating.
     */
    @FunctionalInterface
    interface Tick {
        java.util.concurrent.CompletableFuture<Optional<Duration>> run(String agent, List<String> reasons);
    }

    /** Why a tick is wanted: its heartbeat, or a follow-up (kept as a row until its tick runs). */
    private record Cause(Optional<AgentStore.Wakeup> wakeup) {
        static final Cause HEARTBEAT = new Cause(Optional.empty());
    }

    private final class Beat {
        final String agent;
        final ConcurrentLinkedQueue<Cause> waiting = new ConcurrentLinkedQueue<>();
        final AtomicBoolean ticking = new AtomicBoolean();
        final List<ScheduledFuture<?>> followUps = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile ScheduledFuture<?> next;
        volatile Instant planned;
        volatile Duration interval;

        Beat(String agent, Duration interval) {
            this.agent = agent;
            this.interval = interval;
        }
    }

    private final Tick tick;
    private final AgentStore store;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService ticks;
    private final Map<String, Beat> beats = new ConcurrentHashMap<>();
    private volatile boolean closing;

    Heartbeats(int threads, Tick tick, AgentStore store, Clock clock) {
        this.tick = tick;
        this.store = store;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cyberia-heartbeats");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger n = new AtomicInteger();
        this.ticks = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cyberia-tick-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts beating for {@code agent}: its next heartbeat after its last tick, now when it never
     * ticked or a tick is left open, and its follow-ups from the database.
     */
    void start(AgentRecord agent, Duration interval) {
        Beat beat = new Beat(agent.name(), interval);
        if (beats.putIfAbsent(agent.name(), beat) != null) {
            return;
        }
        Instant now = clock.instant();
        if (agent.tickSeq() == 0 || agent.openTick().isPresent()) {
            fireAt(beat, now); // a first tick, or one a killed node left open: money may be in flight
        } else {
            fireAt(beat, resumeAt(agent.name(), interval, agent.lastTickAt().orElse(now), now));
        }
        for (AgentStore.Wakeup w : store.wakeups(agent.name())) {
            followUp(beat, w);
        }
    }

    /** Stops beating for {@code agent}; a tick running now finishes. */
    void stop(String agent) {
        Beat beat = beats.remove(agent);
        if (beat != null) {
            cancel(beat.next);
            beat.followUps.forEach(Heartbeats::cancel);
        }
    }

    /**
     * Stops beating for {@code agent} if no tick of it is running or waiting: then none will run
     * here again, and another node may take it.
     *
     * @return whether it stopped
     */
    boolean stopIfIdle(String agent) {
        Beat beat = beats.get(agent);
        if (beat == null || !beat.waiting.isEmpty() || !beat.ticking.compareAndSet(false, true)) {
            return false;
        }
        stop(agent); // the flag stays set: a tick submitted in between finds the beat gone and does nothing
        return true;
    }

    /** A follow-up tick of a beating agent, kept in the database until it runs. */
    void followUp(String agent, Duration after, String reason) {
        AgentStore.Wakeup w = new AgentStore.Wakeup(
                java.util.UUID.randomUUID().toString(), agent, clock.instant().plus(after), reason);
        store.addWakeup(w);
        Beat beat = beats.get(agent);
        if (beat != null) {
            followUp(beat, w);
        } // else the node that takes the agent next reads it
    }

    private void followUp(Beat beat, AgentStore.Wakeup w) {
        beat.followUps.removeIf(java.util.concurrent.Future::isDone);
        long delay = Math.max(0, Duration.between(clock.instant(), w.dueAt()).toMillis());
        beat.followUps.add(timer.schedule(
                () -> {
                    beat.waiting.add(new Cause(Optional.of(w)));
                    submit(beat);
                },
                delay,
                TimeUnit.MILLISECONDS));
    }

    private void fireAt(Beat beat, Instant at) {
        beat.planned = at;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        beat.next = timer.schedule(
                () -> {
                    beat.waiting.add(Cause.HEARTBEAT);
                    submit(beat);
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    /** Hands the agent to a tick thread unless one is already ticking it (that one picks up what waits). */
    private void submit(Beat beat) {
        if (closing || beats.get(beat.agent) != beat) {
            return;
        }
        if (beat.ticking.compareAndSet(false, true)) {
            try {
                ticks.execute(() -> run(beat));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                beat.ticking.set(false); // closing
            }
        }
    }

    private void run(Beat beat) {
        List<Cause> causes = new ArrayList<>();
        for (Cause c; (c = beat.waiting.poll()) != null; ) {
            causes.add(c);
        }
        if (closing || beats.get(beat.agent) != beat || causes.isEmpty()) {
            release(beat);
            return;
        }
        List<String> reasons = causes.stream()
                .flatMap(c -> c.wakeup().map(AgentStore.Wakeup::reason).stream())
                .toList();
        java.util.concurrent.CompletableFuture<Optional<Duration>> ticked;
        try {
            ticked = tick.run(beat.agent, reasons);
        } catch (RuntimeException e) {
            ticked = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        // the agent's next tick waits until this one is written: it must see this one's counter
        ticked.whenComplete((interval, error) -> {
            try {
                after(beat, causes, interval, error);
            } catch (RuntimeException e) {
                LOG.warn("heartbeat of {} failed: {}", beat.agent, e.toString());
            } finally {
                release(beat);
            }
        });
    }

    private void after(Beat beat, List<Cause> causes, Optional<Duration> interval, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            LOG.warn("tick of {} did not finish: {}", beat.agent, cause.toString());
            // follow-ups wait for the next tick; the heartbeat carries on at its interval
            causes.stream().filter(c -> c.wakeup().isPresent()).forEach(beat.waiting::add);
            if (!causes.contains(Cause.HEARTBEAT)) {
                return;
            }
            interval = Optional.of(beat.interval);
        } else {
            List<String> done = causes.stream()
                    .flatMap(c -> c.wakeup().map(AgentStore.Wakeup::id).stream())
                    .toList();
            if (!done.isEmpty()) {
                store.removeWakeups(done);
            }
        }
        if (interval.isEmpty()) {
            stop(beat.agent);
        } else if (causes.contains(Cause.HEARTBEAT)) {
            Instant after = beat.planned.plus(interval.get());
            Instant now = clock.instant();
            beat.interval = interval.get();
            fireAt(beat, slot(beat.agent, interval.get(), after.isBefore(now) ? now : after));
        }
    }

    /** Lets the next tick of the agent run, at once if something waits for it. */
    private void release(Beat beat) {
        beat.ticking.set(false);
        if (!beat.waiting.isEmpty()) {
            submit(beat);
        }
    }

    /**
     * The beat after a tick that ended at {@code lastTickEnded}, for a node taking the agent up:
     * the first slot at least half an interval after it. The tick began on a slot and ended a
     * little later, so this is the slot after that one, not the one after next (unless the tick
     * took more than half the interval); never before {@code now}.
     */
    static Instant resumeAt(String agent, Duration interval, Instant lastTickEnded, Instant now) {
        Instant after = lastTickEnded.plus(interval.dividedBy(2));
        return slot(agent, interval, after.isBefore(now) ? now : after);
    }

    /**
     * The first of {@code agent}'s beats at or after {@code from}: its beats fall at a fixed phase
     * within each interval, taken from its name.
     */
    static Instant slot(String agent, Duration interval, Instant from) {
        long every = Math.max(1, interval.toMillis());
        long phase = Math.floorMod((long) agent.hashCode() * 2_654_435_761L, every);
        long t = from.toEpochMilli();
        long k = Math.floorDiv(t - phase + every - 1, every);
        return Instant.ofEpochMilli(k * every + phase);
    }

    /** How many agents beat here. */
    int size() {
        return beats.size();
    }

    /** Stops the timer; ticks running now finish, ticks not started are left for the next start. */
    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        ticks.shutdown();
        try {
            if (!ticks.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("ticks still running after 60 s at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
