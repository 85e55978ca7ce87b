package dev.cyberia.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.cyberia.agentcore.EventListener;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.RecordedEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An agent's actions as server-sent events: its last events, then each new one as it is
 * committed. A browser that falls far behind is dropped (it reconnects and reads the recent ones
 * again) rather than holding events in memory without end.
 */
final class EventStream implements EventListener, AutoCloseable {
    private static final int MOST_WAITING = 1000;
    private static final String GONE = "";

    private final EventLog events;
    private final Map<String, List<BlockingQueue<String>>> watchers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    EventStream(EventLog events) {
        this.events = events;
        events.addListener(this);
    }

    @Override
    public void onEvent(RecordedEvent event) {
        for (BlockingQueue<String> q : watchers.getOrDefault(event.agent(), List.of())) {
            q.offer(event.json()); // a full queue drops the event for that browser only
        }
    }

    /** Streams {@code agent}'s events to the browser until it leaves or the dashboard closes. */
    void serve(HttpExchange exchange, String agent) throws IOException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(MOST_WAITING);
        List<BlockingQueue<String>> mine = watchers.computeIfAbsent(agent, a -> new CopyOnWriteArrayList<>());
        mine.add(queue);
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String json : events.last(agent, 20)) {
                write(out, json);
            }
            while (!closed) {
                String json = queue.poll(15, TimeUnit.SECONDS);
                if (json == null) {
                    out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8)); // finds a browser that left
                    out.flush();
                } else if (json.isEmpty()) { // GONE: the dashboard closes
                    break;
                } else {
                    write(out, json);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the browser left
        } finally {
            mine.remove(queue);
        }
    }

    private static void write(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        events.removeListener(this);
        watchers.values().forEach(list -> list.forEach(q -> q.offer(GONE)));
    }
}
