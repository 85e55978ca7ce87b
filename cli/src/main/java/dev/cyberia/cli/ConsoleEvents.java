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
            if (!json) {
                hint(Json.read(eventJson)).ifPresent(h -> out.println("  -> " + h));
            }
            out.flush();
        }
    }

    /**
     * For an event that stops an agent's work (a goal at its stop-loss, a budget spent, a sleep, a
     * miner stopped), what would start it again, in a line.
     */
    static java.util.Optional<String> hint(JsonNode e) {
        String agent = e.path("agent").asText();
        return switch (e.path("type").asText()) {
            case "GoalStopped" ->
                java.util.Optional.of(agent + " works on '" + e.path("goal").asText() + "' no more: it lost "
                        + money(e.path("loss")) + ", past its stop-loss of " + money(e.path("stopLoss"))
                        + ". To restart it, raise that goal's stopLoss in " + agent
                        + "'s agent.yaml (or give the goal an allowance) and run 'cyberia agent resume-goal " + agent
                        + " \"" + e.path("goal").asText() + "\"'");
            case "PolicyDenied" ->
                e.path("reason").asText().contains("per 24 hours")
                        ? java.util.Optional.of(agent + "'s daily budget is spent: it frees up as the last 24 hours"
                                + " roll on; raise budgets.perDay in its agent.yaml (within its tier's cap) for more")
                        : java.util.Optional.empty();
            case "ModeChanged" ->
                "HIBERNATE".equals(e.path("to").asText())
                        ? java.util.Optional.of(agent + " sleeps and spends nothing ("
                                + e.path("reason").asText()
                                + "); it wakes by itself when its balance is back: fund it with 'cyberia devnet fund"
                                + " ADDRESS' or an allowance")
                        : java.util.Optional.empty();
            case "AllowanceNotGiven" ->
                java.util.Optional.of(agent + " got no allowance this period ("
                        + e.path("reason").asText()
                        + "); fund the owner's key '" + e.path("from").asText() + "' or change 'allowance' in "
                        + agent + "'s agent.yaml");
            default -> java.util.Optional.empty();
        };
    }

    private static String money(JsonNode amount) {
        return amount.path("amount").asText() + " " + amount.path("asset").asText();
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
