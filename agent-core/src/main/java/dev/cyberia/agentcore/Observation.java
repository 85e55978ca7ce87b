package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import java.util.List;

/**
 * What an agent sees at the start of a tick.
 *
 * @param burnPerDay what it spent in the last 24 hours
 * @param pendingWork why this tick runs besides the heartbeat (follow-ups that came due)
 */
public record Observation(
        Amount balance,
        Amount etherBalance,
        Amount incomeSinceLastTick,
        Amount burnPerDay,
        Amount earnedLastDay,
        List<String> pendingWork) {}
