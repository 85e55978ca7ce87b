package dev.cyberia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.agentcore.EventListener;
import dev.cyberia.agentcore.RecordedEvent;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Prints events on the console, one line each: time, agent, tick, type, then the event's own fields. */
final class ConsoleEvents implements EventListener {
    private static final Set<String> HEADER = Set.of("at", "agent", "seq", "tick", "type");
    private final PrintWriter out;
    private final boolean json;

    ConsoleEvents(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public void onEvent(RecordedEvent event) {
        print(event.json());
    }

    void print(String eventJson) {
        synchronized (out) {
            out.println(json ? eventJson : human(eventJson));
            out.flush();
        }
    }

    static String human(String eventJson) {
        JsonNode e = Json.read(eventJson);
        StringBuilder line = new StringBuilder();
        String at = e.path("at").asText();
        line.append(at.length() >= 19 ? at.substring(11, 19) : at)
                .append(' ')
                .append(e.path("tick").asText(e.path("agent").asText()))
                .append(' ')
                .append(e.path("type").asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (HEADER.contains(f.getKey())) {
                continue;
            }
            JsonNode v = f.getValue();
            String text = v.has("amount") && v.has("asset")
                    ? v.path("amount").asText() + " " + v.path("asset").asText()
                    : v.isTextual() ? v.asText() : v.toString();
            if (text.length() > 160) {
                text = text.substring(0, 160) + "...";
            }
            line.append(' ').append(f.getKey()).append('=').append(text.replace('\n', ' '));
        }
        return line.toString();
    }
}
