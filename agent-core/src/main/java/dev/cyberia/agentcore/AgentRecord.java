package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * An agent as the database knows it.
 *
 * @param keyName the keystore entry that holds its key
 * @param openTick the tick a crash left unfinished, re-run on the next heartbeat
 * @param host the node that holds the agent, with when that node last checked in
 * @param parent the agent that spawned it, for a child automaton
 */
public record AgentRecord(
        String name,
        Address address,
        String keyName,
        Path definitionPath,
        Tier tier,
        SurvivalMode mode,
        AgentState state,
        Instant createdAt,
        long tickSeq,
        Optional<String> openTick,
        Optional<Instant> lastTickAt,
        Optional<String> host,
        Optional<Instant> hostSeenAt,
        Optional<String> parent) {

    /** Whether a live node holds the agent: it is RUNNING and its host checked in within {@code lease}. */
    public boolean isHeld(Instant now, java.time.Duration lease) {
        return state == AgentState.RUNNING
                && host.isPresent()
                && hostSeenAt.map(t -> t.plus(lease).isAfter(now)).orElse(false);
    }
}
