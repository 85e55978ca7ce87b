package dev.cyberia.agentcore;

/** Told of every event after it is stored. Must not throw; a listener that fails is logged and skipped. */
@FunctionalInterface
public interface EventListener {
    void onEvent(RecordedEvent event);
}
