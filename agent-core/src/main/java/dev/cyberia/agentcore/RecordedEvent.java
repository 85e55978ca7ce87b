package dev.cyberia.agentcore;

import java.time.Instant;

/**
 * An event as stored: its place in the agent's chain, and the hash that links it to the one before.
 *
 * @param json the canonical JSON the hash covers, also the line written to {@code actions.jsonl}
 */
public record RecordedEvent(
        String agent,
        long seq,
        String tickId,
        Instant at,
        AgentEvent event,
        String prevHash,
        String hash,
        String json) {}
