package dev.cyberia.agentcore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes every event as one JSON line to {@code HOME/agents/NAME/actions.jsonl}: the same canonical
 * JSON the hash chain covers, so the file can be checked against the database.
 */
public final class ActionLog {
    private ActionLog() {}

    /** The listener that appends every event to its agent's {@code actions.jsonl} under {@code home}. */
    public static EventListener writer(Path home) {
        return new Writer(home.resolve("agents"));
    }

    /** The action log of {@code agent}. */
    public static Path fileOf(Path home, String agent) {
        return home.resolve("agents").resolve(agent).resolve("actions.jsonl");
    }

    private static final class Writer implements EventListener {
        private final Path agentsDir;
        /** Agents whose folder exists: made once, not asked of the file system at every event. */
        private final java.util.Set<String> made = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Writer(Path agentsDir) {
            this.agentsDir = agentsDir;
        }

        @Override
        public void onEvent(RecordedEvent event) {
            Path file = agentsDir.resolve(event.agent()).resolve("actions.jsonl");
            try {
                if (!made.contains(event.agent())) {
                    Files.createDirectories(file.getParent());
                    made.add(event.agent());
                }
                synchronized (this) {
                    Files.writeString(
                            file,
                            event.json() + "\n",
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                throw new AgentException("cannot append to " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "ActionLog[" + agentsDir + "]";
        }
    }
}
