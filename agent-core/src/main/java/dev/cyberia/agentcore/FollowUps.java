package dev.cyberia.agentcore;

import java.time.Duration;

/** Schedules an extra tick for an agent (the schedule skill); the node keeps it as a row until its tick runs. */
public interface FollowUps {
    void schedule(String agent, Duration after, String reason);
}
