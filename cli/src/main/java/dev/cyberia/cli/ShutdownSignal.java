package dev.cyberia.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) or SIGTERM for a long-running command. The signal is caught before the JVM starts
 * shutting down, so the command cleans up (node closed, agent marked, holds released) while the
 * database is still open, and then returns normally.
 */
@SuppressWarnings("sunapi")
final class ShutdownSignal implements AutoCloseable {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    ShutdownSignal() {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                previous.add(Signal.handle(signal, s -> requested.countDown()));
                signals.add(signal);
            } catch (IllegalArgumentException unsupported) {
                // a platform without this signal: the JVM's default stays
            }
        }
    }

    /** Waits up to {@code timeout} for the signal; true when it came. */
    boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Puts the JVM's own handlers back. */
    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
