package dev.cyberia.agentcore;

import java.time.Duration;

/** Schedules an extra tick for an agent (the schedule skill); the node backs it with a Quartz trigger. */
public interface FollowUps {
    void schedule(String agent, Duration after, String reason);
}
